import { runOp } from "./run.js";
import type { GPULogSumExpOptions, GPUTensor } from "./types.js";

/**
 * log Σ e^{x_k} along one axis of a float32 tensor on the GPU; the result has that axis removed
 * (or kept as size 1 with `keepDims`).
 *
 * **Method**: the reductions of the GPU {@link import("./softmax.js").softmax}; writes m + log Σ e^{x_k − m}
 * (our own exp and log), one value per slice. Long rows use the online or split path.
 *
 * **Accuracy** (float32): measured on SwiftShader against the float64 JS library, at most 0.55
 * float32 ulp of max(|result|, 1) over every kernel class; test/webgpu/softmax.test.ts enforces ≤ 2.
 *
 * **Special cases** (per slice):
 *
 * | slice contains        | result     |
 * | --------------------- | ---------- |
 * | any NaN               | NaN        |
 * | any +Infinity         | +Infinity  |
 * | only −Infinity        | −Infinity  |
 * | an empty axis         | −Infinity  |
 *
 * Errors as for the GPU softmax.
 */
export function logSumExp(x: GPUTensor, options?: GPULogSumExpOptions): Promise<GPUTensor> {
  return runOp("logSumExp", "logSumExp", x, options);
}
