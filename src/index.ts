/**
 * softmax: exact, fast softmax and its family for TypeScript.
 *
 * Layout: `api/` validates and converts (one file per public function) →
 * `kernels/js/` computes (no allocation, no validation) → later backends
 * (`kernels/wasm/`, `kernels/webgpu/`). `tensor/` converts inputs and outputs.
 */

export { type ArgmaxOptions, argmax } from "./api/argmax.js";
export { type LogSoftmaxOptions, logSoftmax } from "./api/logSoftmax.js";
export { type LogSumExpOptions, type LogSumExpResult, logSumExp } from "./api/logSumExp.js";
export { logSigmoid, type SigmoidOptions, sigmoid } from "./api/sigmoid.js";
export { type SoftmaxOptions, softmax } from "./api/softmax.js";
export { type TopKOptions, type TopKResult, topK } from "./api/topK.js";
export * from "./classifier/index.js";
export { SoftmaxError, type SoftmaxErrorCode, type SoftmaxIssue } from "./errors.js";

// Areas built on the core, each with its own barrel.
export * from "./family.js";
export * from "./kernels/dispatch.js";
export type {
  FloatTypedArray,
  FullyMaskedPolicy,
  IntegerTypedArray,
  Logits,
  Mask,
  NestedNumbers,
  NumericTypedArray,
  SameKind,
  Tensor,
  TensorLike,
} from "./tensor/types.js";
