import { sparsemaxBackwardKernel } from "../kernels/js/family/backward.js";
import type { Logits, SameKind } from "../tensor/types.js";
import { type BackwardOptions, backwardBody } from "./_backward.js";

/**
 * The backward pass of {@link sparsemax}: given y = sparsemax(x) and dy,
 * ∂L/∂x_k = dy_k − mean_{j ∈ S} dy_j on the support S = {k : y_k > 0}, 0 off it
 * (Martins & Astudillo, "From softmax to sparsemax", ICML 2016, §2.5).
 *
 * ```ts
 * sparsemaxBackward(sparsemax([1, 0.5, -3]), [1, 0, 0]);  // [0.5, -0.5, 0]
 * ```
 *
 * **Method.** The support from y > 0, its mean of dy by Dot2 divided by |S|, one subtraction.
 *
 * **Accuracy** (`test/family/sparsemax.test.ts`): within 2 ulp of
 * max(|dy_k|, |mean|, 2^-100·mean|dy|) for the given y (measured max 1.5), against the 64-digit closed form;
 * agrees with central finite differences of the 64-digit sparsemax to 1e-14.
 *
 * **Special cases.** | y_k = 0 | 0 | · | NaN in y | NaN at that entry, and in the mean |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function sparsemaxBackward<X extends Logits>(y: X, dy: Logits, options?: BackwardOptions): SameKind<X> {
  return backwardBody("sparsemaxBackward", y, dy, options, sparsemaxBackwardKernel) as SameKind<X>;
}
