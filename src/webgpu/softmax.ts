import { runOp } from "./run.js";
import type { GPUSoftmaxOptions, GPUTensor } from "./types.js";

/**
 * Softmax along one axis of a float32 tensor on the GPU: y_i = e^{x_i − m} / Σ_k e^{x_k − m}, m the slice max.
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
 * **Accuracy** (float32 in and out): measured on SwiftShader against the float64 JS library, at most
 * 2.93 float32 ulp of y over every kernel class (bench/webgpu/accuracy.ts prints the table);
 * test/webgpu/softmax.test.ts enforces ≤ 4 ulp. Results below 2^-126 may be flushed to 0 (WGSL allows it).
 *
 * **Special cases** (per slice, same policy as the JS {@link import("../api/softmax.js").softmax}):
 *
 * | slice contains            | result                                   |
 * | ------------------------- | ---------------------------------------- |
 * | any NaN                   | NaN everywhere                           |
 * | c entries +Infinity       | 1/c at each +Infinity, 0 elsewhere       |
 * | −Infinity entries         | 0 there                                  |
 * | only −Infinity            | zeros                                    |
 * | an empty axis             | an empty result                          |
 *
 * Resolves once the device has accepted the work (reading the buffer waits for it to finish);
 * rejects with a {@link SoftmaxError} for bad input (INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS,
 * INVALID_OPTION) or when the device reports an error or is lost (DEVICE).
 */
export function softmax(x: GPUTensor, options?: GPUSoftmaxOptions): Promise<GPUTensor> {
  return runOp("softmax", "softmax", x, options);
}
