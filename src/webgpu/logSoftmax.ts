import { runOp } from "./run.js";
import type { GPUSoftmaxOptions, GPUTensor } from "./types.js";

/**
 * Log-softmax along one axis of a float32 tensor on the GPU: y_i = (x_i − m) − log Σ_k e^{x_k − m}.
 *
 * **Method**: the kernels of the GPU {@link import("./softmax.js").softmax} with another output:
 * x_i − m is formed with its rounding error (two-sum) and log Σ by our own log (range reduction,
 * atanh series), so entries near the max keep their relative accuracy.
 *
 * **Accuracy** (float32): measured on SwiftShader against the float64 JS library, at most 1.12
 * float32 ulp of max(|y_i|, 1) over every kernel class (log Σ is a float32 value, so near the max,
 * where y ≈ 0, its rounding is an absolute error); test/webgpu/softmax.test.ts enforces ≤ 2.
 *
 * **Special cases** (per slice):
 *
 * | slice contains            | result                                     |
 * | ------------------------- | ------------------------------------------ |
 * | any NaN                   | NaN everywhere                             |
 * | c entries +Infinity       | −log c at each +Infinity, −Infinity elsewhere |
 * | −Infinity entries         | −Infinity there                            |
 * | only −Infinity            | −Infinity everywhere                       |
 *
 * Errors as for the GPU softmax.
 */
export function logSoftmax(x: GPUTensor, options?: GPUSoftmaxOptions): Promise<GPUTensor> {
  return runOp("logSoftmax", "logSoftmax", x, options);
}
