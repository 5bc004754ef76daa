import type { Logits, SameKind } from "../tensor/types.js";
import { type CrossEntropyOptions, crossEntropyBackwardBody, type Target } from "./_crossEntropy.js";

/**
 * The gradient of {@link crossEntropy} with respect to the logits, fused in
 * closed form: c·softmax(x) − a per item (= p − target without weights or
 * smoothing), scaled by 1/Σ item weights for "mean". Same kind and shape as
 * the logits. For "none" the gradient of Σ_i loss_i is given (the items are
 * independent, so each slice holds the gradient of its own loss).
 *
 * ```ts
 * crossEntropyBackward([[2, 1, 0.1]], [0]);  // [[-0.34099886, 0.24243297, 0.09856589]]
 * ```
 *
 * **Method.** p from the exact softmax kernel, a the coefficient vector of
 * the loss (`src/kernels/js/family/crossEntropy.ts`), c = Σ a; g_k = c·p_k − a_k,
 * except for the class with p_k > 1/2 where g_k = Σ_{j≠k} a_j − c·Σ_{j≠k} p_j
 * so that p_k − 1 for a confident correct class keeps its digits
 * (crossEntropyBackward([[40, 0]], [0]) = [[-4.248354255291589e-18, 4.24…e-18]]).
 *
 * **Accuracy** (float64, `test/family/crossEntropyBackward.test.ts`): each
 * entry within 4 ulp of max(c·p_k, a_k) against the closed form in 64-digit
 * decimal.js (measured max 2.7); within 4·2^-53 relative of central finite
 * differences (h = 1e-25) of the 64-digit loss.
 *
 * **Special cases** (per item):
 * | input | gradient |
 * |---|---|
 * | ignored item, or nothing counted with "mean" | 0 |
 * | masked class | 0 |
 * | any NaN in the slice | NaN |
 * | all classes masked / −∞ | NaN (the loss is +Infinity) |
 *
 * @throws {SoftmaxError} as {@link crossEntropy}.
 */
export function crossEntropyBackward<X extends Logits>(logits: X, target: Target, options?: CrossEntropyOptions): SameKind<X> {
  return crossEntropyBackwardBody("crossEntropyBackward", logits, target, options) as SameKind<X>;
}
