/// <reference types="@webgpu/types" preserve="true" />
/**
 * `softmax/webgpu`: softmax, logSoftmax and logSumExp over float32 or float16 GPUBuffers
 * (WebGPU), and array-in/array-out versions through the GPU. A separate entry
 * point: the core library does not depend on it.
 */

export { SoftmaxError } from "../errors.js";
export {
  type GPUArrayOptions,
  type GPUArrayResult,
  halfToNumber,
  logSoftmaxArray,
  logSumExpArray,
  numberToHalf,
  readHalfBits,
  readTensor,
  softmaxArray,
  uploadTensor,
} from "./arrays.js";
export { pipelineCount } from "./context.js";
export { requestSoftmaxDevice, type SoftmaxDeviceOptions } from "./device.js";
export { logSoftmax } from "./logSoftmax.js";
export { logSumExp } from "./logSumExp.js";
export { softmax } from "./softmax.js";
export type { GPUDtype, GPULogSumExpOptions, GPUSoftmaxOptions, GPUTensor } from "./types.js";
