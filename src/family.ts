/** Losses, gradients, sampling and the rest of the softmax family (issue: losses/gradients/sampling). Re-exports each public function. */

export type { Reduction } from "./family/_shared.js";
export { type BinaryCrossEntropyOptions, binaryCrossEntropyWithLogits } from "./family/binaryCrossEntropyWithLogits.js";
export { createRandom, type Random, type RandomSource } from "./family/createRandom.js";
export { createSoftmaxState, type SoftmaxState, type SoftmaxStateData } from "./family/createSoftmaxState.js";
export { type CrossEntropyOptions, crossEntropy, type LossResult, type Target } from "./family/crossEntropy.js";
export { crossEntropyBackward } from "./family/crossEntropyBackward.js";
export { entmax15 } from "./family/entmax15.js";
export { entmax15Backward } from "./family/entmax15Backward.js";
export { type EntropyOptions, entropy } from "./family/entropy.js";
export { type GumbelSoftmaxOptions, gumbelSoftmax } from "./family/gumbelSoftmax.js";
export { type KlDivergenceOptions, klDivergence } from "./family/klDivergence.js";
export { type LogMeanExpOptions, logMeanExp } from "./family/logMeanExp.js";
export { logSoftmaxBackward } from "./family/logSoftmaxBackward.js";
export { type NllOptions, nll } from "./family/nll.js";
export { type SampleCategoricalOptions, type SampleResult, sampleCategorical } from "./family/sampleCategorical.js";
export { type BackwardOptions, softmaxBackward } from "./family/softmaxBackward.js";
export { type SoftmaxJacobianOptions, softmaxJacobian } from "./family/softmaxJacobian.js";
export { type SoftminOptions, softmin } from "./family/softmin.js";
export { type SparseOptions, sparsemax } from "./family/sparsemax.js";
export { sparsemaxBackward } from "./family/sparsemaxBackward.js";
