import { runOp } from "./run.js";
import type { GPULogSumExpOptions, GPUTensor } from "./types.js";

/**
 * log Σ e^{x_k} (or T·log Σ e^{x_k/T}) along one axis of a float32 or float16 tensor on the GPU; the result has that axis removed
 * (or kept as size 1 with `keepDims`).
 *
 * **Method**: the reductions of the GPU {@link import("./softmax.js").softmax}; writes m + log Σ e^{x_k − m}
 * (our own exp and log), one value per slice. Long rows use the online or split path.
 *
 * With a temperature T: m + T·log Σ e^{(x_k − m)/T} (T·log Σ as an exact product, the final sum
 * compensated); T = 0 gives the maximum. Options and float16 storage as the GPU softmax.
 *
 * **Accuracy** (measured on SwiftShader against the float64 JS library by bench/webgpu/accuracy.ts):
 * float32 out: at most 0.55 float32 ulp of max(|result|, 1) over every kernel class (0.57 with
 * masks); with T ≠ 1, 0.93 ulp of max(|result|, |m|, T·log Σ, T, 1) for T in 0.1–7.3 (log Σ's own
 * rounding is an absolute error that T multiplies); test/webgpu/softmax.test.ts and options.test.ts
 * enforce ≤ 2. float16 out: at most 0.4978 half ulp of max(|result|, 1); float16.test.ts enforces ≤ 0.501.
 *
 * **Special cases** (per slice):
 *
 * | slice contains        | result     |
 * | --------------------- | ---------- |
 * | any NaN               | NaN        |
 * | any +Infinity         | +Infinity  |
 * | only −Infinity, or all masked | −Infinity (`onFullyMasked`: NaN, or rejects FULLY_MASKED) |
 * | masked entries        | not counted |
 * | an empty axis         | −Infinity (NaN with `onFullyMasked: "nan"`; never an error) |
 *
 * Errors as for the GPU softmax.
 */
export function logSumExp(x: GPUTensor, options?: GPULogSumExpOptions): Promise<GPUTensor> {
  return runOp("logSumExp", "logSumExp", x, options);
}
