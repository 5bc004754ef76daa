import type { Logits } from "../tensor/types.js";
import { type CrossEntropyOptions, crossEntropyBody, type Target } from "./_crossEntropy.js";

export type { CrossEntropyOptions, Target } from "./_crossEntropy.js";

/** The result of a loss: a number ("sum", "mean"), or per-item losses in the input's kind ("none"). */
export type LossResult = number | number[] | number[][] | Float32Array | Float64Array | { data: Float32Array | Float64Array; shape: number[] } | unknown[];

/**
 * Cross-entropy of logits against class indices or probabilities, −Σ_k target_k · log softmax(x)_k.
 *
 * ```ts
 * crossEntropy([[2, 1, 0.1]], [0]);                       // 0.41703001627783354
 * crossEntropy([[2, 1, 0.1]], [[0.9, 0.05, 0.05]]);       // soft targets
 * crossEntropy(logits, labels, { labelSmoothing: 0.1, weights: [1, 2, 1], ignoreIndex: -1, reduction: "sum" });
 * ```
 *
 * **Method.** log p from the exact log-softmax kernel (m + log1p(r) with exact
 * differences; never log(softmax)), then loss = Σ_k a_k·(−log p_k) with the
 * coefficient vector a of `src/kernels/js/family/crossEntropy.ts`
 * (PyTorch's formula for weights and smoothing), summed compensated. "mean" is
 * Σ_i loss_i / Σ_i w_i over the counted items, w_i = weights[target_i] for
 * class indices and 1 for probability targets; with no counted item (all
 * ignored, or all weights 0) it is **0** (PyTorch gives NaN).
 *
 * **Accuracy** (float64, against 64-digit decimal.js, `test/family/crossEntropy.test.ts`):
 * per-item loss with class indices ≤ 2 ulp (measured max 1.1), with weights,
 * smoothing, masks or probability targets ≤ 3 ulp (measured max 2.6),
 * including losses near 0 such as crossEntropy([[40, 0]], [0]) =
 * 4.248354255291589e-18; "sum"/"mean" ≤ 4 ulp. Subnormal losses (subnormal
 * weights or ε) have an absolute error of a few 2^-1074. Float32 logits give
 * float32 results, rounded once.
 *
 * **Special cases** (per item):
 * | input | loss |
 * |---|---|
 * | target = ignoreIndex | 0, not counted |
 * | any NaN in the slice | NaN |
 * | target class masked or −∞ | +Infinity |
 * | all classes masked / −∞ | +Infinity |
 * | +Infinity logits | log(count of +∞) when the target is one of them, else +Infinity |
 * | smoothing | spread over unmasked classes with finite logits only |
 * | nothing counted, "mean" | 0 |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT (target index out of range, negative probability), SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function crossEntropy(logits: Logits, target: Target, options?: CrossEntropyOptions): LossResult {
  return crossEntropyBody("crossEntropy", logits, target, options) as LossResult;
}
