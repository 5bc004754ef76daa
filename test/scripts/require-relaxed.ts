/**
 * Setup file of the vitest project "wasm-relaxed" (vitest.config.ts): its tests force the relaxed-SIMD module, which
 * falls back to JS where the module does not validate. So that the project never passes without testing it, every
 * file fails here, with the reason scripts/node-relaxed.mjs gave, when this worker does not validate relaxed SIMD.
 */
import { relaxedSupported } from "../../src/kernels/wasm/runtime.js";

if (!relaxedSupported()) {
  throw new Error(
    `vitest project "wasm-relaxed": this worker (Node ${process.version}, execArgv ${JSON.stringify(process.execArgv)}) does not validate relaxed WebAssembly SIMD: ${process.env.SOFTMAX_RELAXED_REASON ?? "no reason given"}`,
  );
}
