import { runOp } from "./run.js";
import type { GPUSoftmaxOptions, GPUTensor } from "./types.js";

/**
 * Softmax along one axis of a float32 or float16 tensor on the GPU: y_i = e^{(x_i − m)/T} / Σ_k e^{(x_k − m)/T}, m the slice max (T = 1 by default).
 *
 * ```ts
 * import { requestSoftmaxDevice, softmax } from "softmax/webgpu";
 * const device = await requestSoftmaxDevice(navigator.gpu);
 * const y = await softmax({ device, buffer: logits, shape: [batch, vocab] }); // y.buffer: a new GPUBuffer
 * ```
 *
 * **Method**: one kernel class per slice layout (see wgsl/kernels.ts): rows held in registers
 * (one read, one write), several tiny rows per workgroup, an online (max, sum) pass for rows too
 * long to hold, a split-row path for few long rows, a strided kernel for non-last axes. The max is
 * a u32 max over an order-preserving key of the float bits; e^{x−m} is our own exp with the
 * rounding of x − m compensated; 1/Σ is a corrected division. Subgroup reductions when the device
 * has them, workgroup memory otherwise. Compiled pipelines are cached per device.
 *
 * Options (as the JS function's, see {@link GPUSoftmaxOptions}): `axis`, `temperature` (T > 0 divides
 * (x − m) by T as a float32 pair; T = 0 is the argmax limit), `where` (a byte-mask buffer: a masked
 * entry is loaded as −Infinity, so it gets 0 and does not count, NaN and +Infinity included),
 * `onFullyMasked`, `out`, `outDtype`. float16 tensors (`dtype: "float16"`, any adapter) are halves packed
 * two per u32, decoded exactly and computed in f32, the result rounded once to the nearest half by
 * integer code (not WGSL's pack2x16float, whose rounding and overflow are unspecified); where two
 * invocations share a u32 (odd rows, logSumExp results) each sets its own half atomically.
 *
 * **Accuracy** (against the float64 JS library on the exact inputs, measured on SwiftShader by
 * bench/webgpu/accuracy.ts over every kernel class and both reduction paths):
 * float32 out: at most 2.93 float32 ulp of y (3.14 with temperatures 0.1–7.3, 3.05 with masks),
 * enforced ≤ 4 by test/webgpu/softmax.test.ts and options.test.ts; T = 0 exact.
 * float16 out: at most 0.5001 half ulp (f32 error ≤ 4/8192 half ulp before one correct rounding),
 * 8,981,978 of 8,981,984 results the nearest half; enforced ≤ 0.501 by test/webgpu/float16.test.ts.
 * float32 results below 2^-126 may be flushed to 0 (WGSL allows it); half subnormals are kept.
 *
 * **Special cases** (per slice, same policy as the JS {@link import("../api/softmax.js").softmax}):
 *
 * | slice contains            | result                                   |
 * | ------------------------- | ---------------------------------------- |
 * | any NaN                   | NaN everywhere                           |
 * | c entries +Infinity       | 1/c at each +Infinity, 0 elsewhere       |
 * | −Infinity entries         | 0 there                                  |
 * | only −Infinity, or all masked | zeros (`onFullyMasked: "nan"`: NaN; `"error"`: rejects FULLY_MASKED) |
 * | masked entries (`where` 0)   | 0 there, not counted (whatever their value) |
 * | temperature 0             | 1/c at each of the c maxima, 0 elsewhere |
 * | an empty axis             | an empty result                          |
 *
 * Resolves once the device has accepted the work (reading the buffer waits for it to finish); with
 * `onFullyMasked: "error"` it waits for the GPU and reads back one status word. Rejects with a
 * {@link SoftmaxError} for bad input (INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION: unknown
 * options such as `precision` or `weights` included), FULLY_MASKED, or when the device reports an
 * error or is lost (DEVICE).
 */
export function softmax(x: GPUTensor, options?: GPUSoftmaxOptions): Promise<GPUTensor> {
  return runOp("softmax", "softmax", x, options);
}
