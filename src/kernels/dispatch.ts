/** Kernel dispatch: which backend runs (JS, WASM SIMD), visible and forceable. */
export {};
