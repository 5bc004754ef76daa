/** Kernel dispatch: which backend runs softmax, logSoftmax and logSumExp (JS, WASM SIMD, worker threads), visible and forceable. */

export { createWasmArena, type WasmArena, type WasmArenaOptions } from "./wasm/arena.js";
export {
  type Backend,
  backend,
  DEFAULT_PRECISION,
  lastBackend,
  type Precision,
  setBackend,
  THREAD_MIN_ELEMENTS,
  WASM_MIN_ELEMENTS,
} from "./wasm/backend.js";
export { initWasm, simdSupported as wasmSupported } from "./wasm/runtime.js";
export { setThreads, stopThreads, threads } from "./wasm/threads.js";
