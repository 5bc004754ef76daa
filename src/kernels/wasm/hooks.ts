/**
 * The dispatch hooks called by the public API (src/api/along-axis.ts,
 * src/api/logSumExp.ts): each decides whether the WASM kernels take the call
 * (rules in backend.ts), runs them, and returns which slices they computed
 * (null: none, the JavaScript kernels run everything).
 */
import type { Layout } from "../../tensor/layout.js";
import { dispatchState, precisionOf, THREAD_MIN_ELEMENTS, WASM_MIN_ELEMENTS } from "./backend.js";
import { wasmInstance } from "./runtime.js";
import { OP_LOG_SOFTMAX, OP_LOG_SUM_EXP, OP_SOFTMAX, runSlices, type WasmOp } from "./slices.js";
import { runThreaded } from "./threads.js";

function take(x: unknown, y: unknown, size: number, t: number): boolean {
  const b = dispatchState.backend;
  if (b === "js" || t !== 1 || size === 0 || !(x instanceof Float32Array) || !(y instanceof Float32Array)) return false;
  return b === "wasm" || size >= WASM_MIN_ELEMENTS;
}

function run(op: WasmOp, exact: boolean, x: Float32Array, y: Float32Array, layout: Layout, mask: Uint8Array | null): Uint8Array | null {
  const w = wasmInstance();
  if (w === null) return null;
  const slices = layout.outer * layout.inner;
  const done = new Uint8Array(slices);
  const mode = exact ? "wasm-exact" : "wasm-fast";
  const threads = dispatchState.threads;
  if (threads > 1 && x.length >= THREAD_MIN_ELEMENTS && runThreaded(op, exact, x, y, layout, mask, done)) {
    dispatchState.last = `${mode}×${threads}`;
    return done;
  }
  runSlices(w, op, exact, x, y, layout, mask, 0, slices, done);
  dispatchState.last = mode;
  return done;
}

/** softmax / logSoftmax: done flags per slice, or null. Validates `precision` in every case. */
export function wasmAlongAxis(fn: string, x: unknown, y: unknown, layout: Layout, mask: Uint8Array | null, t: number, precision: unknown): Uint8Array | null {
  const exact = precisionOf(precision, fn) === "exact";
  dispatchState.last = "js";
  if (!take(x, y, layout.outer * layout.n * layout.inner, t)) return null;
  return run(fn === "logSoftmax" ? OP_LOG_SOFTMAX : OP_SOFTMAX, exact, x as Float32Array, y as Float32Array, layout, mask);
}

/** logSumExp (one value per slice, no weights): done flags per slice, or null. */
export function wasmLogSumExp(x: unknown, y: unknown, layout: Layout, mask: Uint8Array | null, t: number, weighted: boolean, precision: unknown): Uint8Array | null {
  const exact = precisionOf(precision, "logSumExp") === "exact";
  dispatchState.last = "js";
  if (weighted || !take(x, y, layout.outer * layout.n * layout.inner, t)) return null;
  return run(OP_LOG_SUM_EXP, exact, x as Float32Array, y as Float32Array, layout, mask);
}

export { OP_SOFTMAX };
