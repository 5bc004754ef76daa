import { runOp } from "./run.js";
import type { GPUSoftmaxOptions, GPUTensor } from "./types.js";

/**
 * Log-softmax along one axis of a float32 or float16 tensor on the GPU: y_i = (x_i − m)/T − log Σ_k e^{(x_k − m)/T}.
 *
 * **Method**: the kernels of the GPU {@link import("./softmax.js").softmax} with another output:
 * x_i − m is formed with its rounding error (two-sum) and log Σ by our own log (range reduction,
 * atanh series), so entries near the max keep their relative accuracy.
 *
 * With a temperature, (x_i − m)/T is a float32 pair (quotient and remainder) and the result
 * (q − log Σ) + lo; T = 0 gives −log c at the c maxima. Options and float16 storage as the GPU softmax.
 *
 * **Accuracy** (measured on SwiftShader against the float64 JS library by bench/webgpu/accuracy.ts):
 * float32 out: at most 1.12 float32 ulp of max(|y_i|, 1) over every kernel class (1.46 with
 * temperatures 0.1–7.3, 1.15 with masks; log Σ is a float32 value, so near the max, where y ≈ 0, its
 * rounding is an absolute error); test/webgpu/softmax.test.ts and options.test.ts enforce ≤ 2.
 * float16 out: at most 0.5001 half ulp of max(|y_i|, 1); float16.test.ts enforces ≤ 0.501.
 *
 * **Special cases** (per slice):
 *
 * | slice contains            | result                                     |
 * | ------------------------- | ------------------------------------------ |
 * | any NaN                   | NaN everywhere                             |
 * | c entries +Infinity       | −log c at each +Infinity, −Infinity elsewhere |
 * | −Infinity entries         | −Infinity there                            |
 * | only −Infinity, or all masked | −Infinity everywhere (`onFullyMasked`: NaN, or rejects) |
 * | masked entries            | −Infinity there, not counted               |
 * | temperature 0             | −log c at each of the c maxima, −Infinity elsewhere |
 *
 * Errors as for the GPU softmax.
 */
export function logSoftmax(x: GPUTensor, options?: GPUSoftmaxOptions): Promise<GPUTensor> {
  return runOp("logSoftmax", "logSoftmax", x, options);
}
