/**
 * Drives the WASM kernels over every slice of a float32 tensor along one axis.
 * Compute only: the caller validated everything.
 *
 * Last-axis rows are processed in chunks of whole rows (about 128 KiB of
 * input, so a chunk stays in cache between the copy in, the kernel's passes
 * and the copy out), each copied with one `set`. Along another axis, each
 * block of n × inner floats is copied with one `set` and transposed inside
 * WASM (4 × 4 SIMD tiles), a cache-sized strip of columns at a time, so that
 * its slices become rows ({@link runBlocks}), except for the fast kernels on short slices (4 ≤ n < 32), which run
 * across them in place (four slices per vector);
 * the thread pool gathers them with {@link copyIn} instead. Masked entries
 * are copied in as -Infinity, which every kernel treats as "not counted".
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

/** Whether the fast kernels may run across short slices (off: always transpose; for timing scripts and tests). */
export const acrossSlices = { on: true };

/** Whether slices of length n run through the across-slices kernels ({@link kernelCols}) rather than as rows. */
export function runsAcross(exact: boolean, n: number): boolean {
  return acrossSlices.on && !exact && n >= 4 && n < 32;
}

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
 * Sets done[s] = 1 for each slice computed, 0 for each left to the JS kernel. Returns false, having done nothing,
 * when the WASM memory cannot grow to the size the call needs (runtime.ts, ensureMemory).
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
): boolean {
  if (layout.inner > 1 && first === 0 && count === layout.outer * layout.inner) {
    return runBlocks(w, op, exact, x, y, layout, mask, done);
  }
  const n = layout.n;
  const chunkRows = Math.max(1, Math.min(count, Math.floor(CHUNK / n)));
  const st = 0;
  const s = (chunkRows * 32 + 15) & ~15;
  const xb = op === OP_SOFTMAX ? s + ((n * 8 + 15) & ~15) : s;
  if (!ensureMemory(w, xb + chunkRows * n * 4)) return false;
  const at = xb >> 2;
  for (let s0 = first; s0 < first + count; s0 += chunkRows) {
    const rows = Math.min(chunkRows, first + count - s0);
    copyIn(w, x, layout, s0, rows, at, mask);
    settle(w, op, kernelRows(w, op, exact, xb, xb, s, st, rows, n), y, done, s0, rows);
    if (op !== OP_LOG_SUM_EXP) copyOut(w, y, layout, s0, rows, at);
  }
  return true;
}

/**
 * After a kernel on `count` slices whose stats start at float64 0: done[d0 + j] = 1 for each slice computed, 0 for each
 * special one (left to the JS kernel); for log-sum-exp, y[d0 + j] = m + log1p(r) of each computed slice.
 */
export function settle(w: WasmInstance, op: WasmOp, specials: number, y: Float32Array | Float64Array, done: Uint8Array, d0: number, count: number): void {
  const f64 = w.f64;
  for (let j = 0; j < count; j++) done[d0 + j] = 1;
  if (specials > 0) for (let j = 0; j < count; j++) if (f64[j * 4 + 3] !== 0) done[d0 + j] = 0;
  if (op !== OP_LOG_SUM_EXP) return;
  for (let j = 0; j < count; j++) {
    if (done[d0 + j] === 1) y[d0 + j] = (f64[j * 4] as number) + Math.log1p((f64[j * 4 + 1] as number) + (f64[j * 4 + 2] as number));
  }
}

/**
 * The kernels on `rows` rows of n floats at byte offset xb, results at yb (log-sum-exp: none, only the stats); s: float64
 * scratch, st: row stats. Returns the special rows.
 */
export function kernelRows(w: WasmInstance, op: WasmOp, exact: boolean, xb: number, yb: number, s: number, st: number, rows: number, n: number): number {
  const k = w.k;
  if (op === OP_SOFTMAX) return exact ? k.softmax_exact(xb, yb, s, st, rows, n, 0) : k.softmax_fast(xb, yb, s, st, rows, n, 0);
  const specials = exact ? k.stats_exact(xb, st, rows, n) : k.stats_fast(xb, st, rows, n);
  if (op === OP_LOG_SOFTMAX) {
    const f64 = w.f64;
    for (let r = 0, i = st >> 3; r < rows; r++, i += 4) f64[i + 1] = Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
    if (exact) k.logsoftmax_exact(xb, yb, st, rows, n);
    else k.logsoftmax_fast(xb, yb, st, rows, n);
  }
  return specials;
}

/**
 * The fast kernels across the c slices (columns) of a strip at byte offset x, rows `pitch` bytes apart, in place; st: slice
 * stats, a: 16·c bytes of accumulators. Returns the special slices.
 */
export function kernelCols(w: WasmInstance, op: WasmOp, exact: boolean, x: number, n: number, c: number, pitch: number, st: number, a: number): number {
  const k = w.k;
  if (exact) throw new Error("kernelCols: no exact across-slices kernel yet (runsAcross never asks for one)");
  if (op === OP_SOFTMAX) return k.softmax_cols_fast(x, n, c, pitch, st, a);
  const specials = k.stats_cols_fast(x, n, c, pitch, st, a);
  if (op === OP_LOG_SOFTMAX) {
    const f64 = w.f64;
    // m and L = log1p(r) of slice j at a + 8·j and a + 8·(c + j), for logsoftmax_cols_fast
    for (let j = 0, i = st >> 3, o = a >> 3; j < c; j++, i += 4) {
      f64[o + j] = f64[i] as number;
      f64[o + c + j] = Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
    }
    k.logsoftmax_cols_fast(x, n, c, pitch, a);
  }
  return specials;
}

/**
 * A non-last axis: each block of n × inner floats (one index of the outer axes) is copied in with one `set`; strips of
 * its columns (about CHUNK floats each, so that a strip stays in cache) are transposed in WASM (4 × 4 SIMD tiles) so
 * that their slices become rows, run through the row kernels, and transposed back into the block, which is copied out
 * with one `set`: the slices are never gathered element by element in JavaScript.
 */
function runBlocks(
  w: WasmInstance,
  op: WasmOp,
  exact: boolean,
  x: Float32Array,
  y: Float32Array | Float64Array,
  layout: Layout,
  mask: Uint8Array | null,
  done: Uint8Array,
): boolean {
  const { outer, n, inner } = layout;
  const block = n * inner;
  // Rows of wide blocks copied `pitch` floats apart: a pitch of a multiple of 256 bytes maps the rows a tile touches to the
  // same cache sets, which made the transposes up to 10× slower (measured: 1.37 vs 0.14 ns/element for inner = 16384);
  // for narrower blocks the row-by-row copies cost more than they save.
  const pitch = inner % 64 === 0 && inner >= 2048 ? inner + 4 : inner;
  const cols = Math.min(inner, Math.max(4, Math.floor(CHUNK / n / 4) * 4));
  const st = 0;
  const s = (cols * 32 + 15) & ~15;
  const xb = op === OP_SOFTMAX && exact ? s + ((n * 8 + 15) & ~15) : s;
  const tb = xb + ((cols * n * 4 + 15) & ~15);
  if (!ensureMemory(w, tb + n * pitch * 4)) return false;
  const k = w.k;
  const t0 = tb >> 2;
  // The fast kernels on short slices (4 ≤ n < 32) run across them (lanes hold 4 slices; accumulators at xb, 16·cols
  // bytes): the row kernel runs rows under 16 in scalar code, and this measured 1.08-3.2× faster there for softmax,
  // 1.06-3.1× for log-softmax and log-sum-exp; at n = 32 even, beyond slower (README, "Dispatch rules").
  const across = inner % 4 === 0 && runsAcross(exact, n);
  for (let o = 0; o < outer; o++) {
    const base = o * block;
    const f32 = w.f32;
    if (mask === null && pitch === inner) {
      f32.set(x.subarray(base, base + block), t0);
    } else if (mask === null) {
      for (let r = 0; r < n; r++) f32.set(x.subarray(base + r * inner, base + (r + 1) * inner), t0 + r * pitch);
    } else {
      for (let r = 0; r < n; r++) {
        for (let i = base + r * inner, t = t0 + r * pitch, end = i + inner; i < end; i++, t++) {
          f32[t] = mask[i] === 0 ? Number.NEGATIVE_INFINITY : (x[i] as number);
        }
      }
    }
    for (let j0 = 0; j0 < inner; j0 += cols) {
      const c = Math.min(cols, inner - j0);
      if (!across) k.transpose(tb + j0 * 4, xb, n, c, pitch, n);
      const specials = across ? kernelCols(w, op, exact, tb + j0 * 4, n, c, pitch * 4, st, xb) : kernelRows(w, op, exact, xb, xb, s, st, c, n);
      settle(w, op, specials, y, done, o * inner + j0, c);
      if (op !== OP_LOG_SUM_EXP && !across) k.transpose(xb, tb + j0 * 4, c, n, n, pitch);
    }
    if (op === OP_LOG_SUM_EXP) continue;
    const f = w.f32;
    if (pitch === inner) y.set(f.subarray(t0, t0 + block), base);
    else for (let r = 0; r < n; r++) y.set(f.subarray(t0 + r * pitch, t0 + r * pitch + inner), base + r * inner);
  }
  return true;
}
