/**
 * Which kernel runs: the dispatch state, visible and forceable.
 *
 * Rules (`"auto"`, the default): the WebAssembly SIMD kernels run softmax,
 * logSoftmax and logSumExp when (1) the platform has WebAssembly SIMD and the
 * module is loaded (Node: on first use; browsers: after `await initWasm()`),
 * (2) input and output are float32 (Float32Array or a float32 tensor-like),
 * (3) temperature is 1 and there are no weights, and (4) the input has at least
 * {@link WASM_MIN_ELEMENTS} elements. Anything else runs the JavaScript
 * kernels (`src/kernels/js`), which are also the reference and the fallback for
 * special rows (NaN, +Infinity, nothing counted) inside a WASM call.
 * Worker threads join only when enabled with `setThreads`, the call is along
 * the last axis and the input has at least {@link THREAD_MIN_ELEMENTS} elements.
 *
 * Module variant: relaxed SIMD (`"wasm-relaxed-…"` in {@link lastBackend}) wherever the platform validates it (Node ≥ 22,
 * Chrome ≥ 114; Node 20 only with `--experimental-wasm-relaxed-simd`), else SIMD128 (`"wasm-…"`). Both give results
 * within the same bounds (exact mode: the same bits as the JS kernels on every test input; fast: ≤ 2.5 ulp).
 */
import { SoftmaxError } from "../../errors.js";

/**
 * `"auto"` (rules above), `"js"` (always JavaScript), `"wasm"` (WASM whenever it can run the call, whatever its size,
 * relaxed SIMD where available), `"wasm-simd128"` / `"wasm-relaxed"` (as `"wasm"`, with that module variant; where the
 * variant is missing the JavaScript kernels run, as for `"wasm"` without WebAssembly SIMD: {@link lastBackend} says).
 */
export type Backend = "auto" | "js" | "wasm" | "wasm-simd128" | "wasm-relaxed";
const BACKENDS: readonly string[] = ["auto", "js", "wasm", "wasm-simd128", "wasm-relaxed"];
/** Float32 results: `"exact"` correctly rounded, `"fast"` within 2.5 ulp (WASM only; the JavaScript kernels are always exact). */
export type Precision = "exact" | "fast";

/** The default precision: exact mode costs 1.7-2.1× fast mode in `npm run bench` and gives the JS kernel's bits (the README, "Performance"). */
export const DEFAULT_PRECISION: Precision = "exact";
/** Inputs smaller than this run in JavaScript under "auto" (the WASM call's fixed cost is not repaid). */
export const WASM_MIN_ELEMENTS = 64;
/** Inputs smaller than this never use worker threads (posting work costs tens of microseconds). */
export const THREAD_MIN_ELEMENTS = 1 << 18;

const state = { backend: "auto" as Backend, last: "js", threads: 1 };

/** The internal state (read by the hooks). */
export const dispatchState = state;

/** Forces a backend for softmax, logSoftmax and logSumExp (`"auto"` restores the rules). Throws INVALID_OPTION for anything else. */
export function setBackend(b: Backend): void {
  if (!BACKENDS.includes(b)) {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn: "setBackend",
      arg: "backend",
      expected: '"auto", "js", "wasm", "wasm-simd128" or "wasm-relaxed"',
      received: b,
    });
  }
  state.backend = b;
}

/** The backend setting (`"auto"` unless forced by {@link setBackend}). */
export function backend(): Backend {
  return state.backend;
}

/**
 * The kernel that ran the last softmax / logSoftmax / logSumExp call:
 * `"js"`, `"wasm-exact"`, `"wasm-fast"` (SIMD128 module), `"wasm-relaxed-exact"`, `"wasm-relaxed-fast"` (relaxed-SIMD
 * module), or those with `×N` when N threads shared it (e.g. `"wasm-relaxed-fast×2"`).
 */
export function lastBackend(): string {
  return state.last;
}

/** Checks the `precision` option; undefined gives {@link DEFAULT_PRECISION}. */
export function precisionOf(p: unknown, fn: string): Precision {
  if (p === undefined) return DEFAULT_PRECISION;
  if (p === "exact" || p === "fast") return p;
  throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.precision", expected: '"exact" or "fast"', received: p });
}
