/**
 * Drives the WASM kernels over every slice of a float32 tensor along one axis.
 * Compute only: the caller validated everything.
 *
 * Slices are processed in chunks of whole rows (about 128 KiB of input, so a
 * chunk stays in cache between the copy in, the kernel's passes and the copy
 * out). Last-axis rows are copied with one `set`; slices along another axis
 * are gathered into rows while they are copied in (the copy into WASM memory
 * is needed anyway) and scattered back on the way out. Masked entries are
 * copied in as -Infinity, which every kernel treats as "not counted".
 *
 * Rows whose maximum is NaN or ±Infinity (NaN inside, +Infinity, nothing
 * counted) are flagged by the kernel and left to the JavaScript kernel: the
 * returned flags say which slices were computed here.
 */
import type { Layout } from "../../tensor/layout.js";
import { ensureMemory, type WasmInstance } from "./runtime.js";

/** Softmax, log-softmax, log-sum-exp. */
export type WasmOp = 0 | 1 | 2;
export const OP_SOFTMAX = 0;
export const OP_LOG_SOFTMAX = 1;
export const OP_LOG_SUM_EXP = 2;

/** Floats of input per chunk. */
const CHUNK = 32768;

export function copyIn(w: WasmInstance, x: Float32Array, layout: Layout, s0: number, rows: number, at: number, mask: Uint8Array | null): void {
  const { n, inner } = layout;
  const f32 = w.f32;
  if (inner === 1) {
    const src = s0 * n;
    if (mask === null) {
      f32.set(x.subarray(src, src + rows * n), at);
      return;
    }
    const len = rows * n;
    for (let i = 0; i < len; i++) f32[at + i] = mask[src + i] === 0 ? Number.NEGATIVE_INFINITY : (x[src + i] as number);
    return;
  }
  // Slice s = o·inner + j starts at o·n·inner + j and steps by inner; read along j (contiguous) for each k.
  for (let r = 0; r < rows; ) {
    const s = s0 + r;
    const o = Math.floor(s / inner);
    const j0 = s - o * inner;
    const run = Math.min(rows - r, inner - j0);
    const base = o * n * inner + j0;
    for (let k = 0; k < n; k++) {
      const src = base + k * inner;
      let dst = at + r * n + k;
      for (let j = 0; j < run; j++, dst += n) {
        f32[dst] = mask !== null && mask[src + j] === 0 ? Number.NEGATIVE_INFINITY : (x[src + j] as number);
      }
    }
    r += run;
  }
}

export function copyOut(w: WasmInstance, y: Float32Array | Float64Array, layout: Layout, s0: number, rows: number, at: number): void {
  const { n, inner } = layout;
  const f32 = w.f32;
  if (inner === 1) {
    y.set(f32.subarray(at, at + rows * n), s0 * n);
    return;
  }
  for (let r = 0; r < rows; ) {
    const s = s0 + r;
    const o = Math.floor(s / inner);
    const j0 = s - o * inner;
    const run = Math.min(rows - r, inner - j0);
    const base = o * n * inner + j0;
    for (let k = 0; k < n; k++) {
      const dst = base + k * inner;
      let src = at + r * n + k;
      for (let j = 0; j < run; j++, src += n) y[dst + j] = f32[src] as number;
    }
    r += run;
  }
}

/**
 * Runs `op` on the slices [first, first + count) of `x` (layout) into `y`
 * (same layout for softmax/log-softmax; one value per slice for log-sum-exp).
 * Sets done[s] = 1 for each slice computed, 0 for each left to the JS kernel.
 */
export function runSlices(
  w: WasmInstance,
  op: WasmOp,
  exact: boolean,
  x: Float32Array,
  y: Float32Array | Float64Array,
  layout: Layout,
  mask: Uint8Array | null,
  first: number,
  count: number,
  done: Uint8Array,
): void {
  const n = layout.n;
  const chunkRows = Math.max(1, Math.min(count, Math.floor(CHUNK / n)));
  const st = 0;
  const s = (chunkRows * 32 + 15) & ~15;
  const xb = op === OP_SOFTMAX ? s + ((n * 8 + 15) & ~15) : s;
  ensureMemory(w, xb + chunkRows * n * 4);
  const k = w.k;
  const at = xb >> 2;
  for (let s0 = first; s0 < first + count; s0 += chunkRows) {
    const rows = Math.min(chunkRows, first + count - s0);
    copyIn(w, x, layout, s0, rows, at, mask);
    let specials: number;
    if (op === OP_SOFTMAX) {
      specials = exact ? k.softmax_exact(xb, xb, s, st, rows, n, 0) : k.softmax_fast(xb, xb, s, st, rows, n, 0);
    } else {
      specials = exact ? k.stats_exact(xb, st, rows, n) : k.stats_fast(xb, st, rows, n);
    }
    const f64 = w.f64;
    for (let r = 0; r < rows; r++) done[s0 + r] = 1;
    if (specials > 0) for (let r = 0; r < rows; r++) if (f64[r * 4 + 3] !== 0) done[s0 + r] = 0;
    if (op === OP_SOFTMAX) {
      copyOut(w, y, layout, s0, rows, at);
    } else if (op === OP_LOG_SOFTMAX) {
      for (let r = 0; r < rows; r++) f64[r * 4 + 1] = Math.log1p((f64[r * 4 + 1] as number) + (f64[r * 4 + 2] as number));
      if (exact) k.logsoftmax_exact(xb, xb, st, rows, n);
      else k.logsoftmax_fast(xb, xb, st, rows, n);
      copyOut(w, y, layout, s0, rows, at);
    } else {
      for (let r = 0; r < rows; r++) {
        if (done[s0 + r] === 1) y[s0 + r] = (f64[r * 4] as number) + Math.log1p((f64[r * 4 + 1] as number) + (f64[r * 4 + 2] as number));
      }
    }
  }
}
