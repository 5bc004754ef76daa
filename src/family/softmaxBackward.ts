import { softmaxBackwardKernel } from "../kernels/js/family/backward.js";
import type { Logits, SameKind } from "../tensor/types.js";
import { type BackwardOptions, backwardBody } from "./_backward.js";

export type { BackwardOptions } from "./_backward.js";

/**
 * The backward pass of softmax: given y = softmax(x) and the upstream gradient
 * dy = ∂L/∂y, returns ∂L/∂x = y ⊙ (dy − Σ_k dy_k y_k) = Jᵀ dy.
 *
 * ```ts
 * const y = softmax([1, 2, 3]);
 * softmaxBackward(y, [1, 0, 0]);   // [0.0819..., -0.0220..., -0.0599...]: the first row of J
 * ```
 *
 * **Method.** s = Σ dy·y by Dot2 (Ogita–Rump–Oishi, as if in twice the
 * precision), then y_k·(dy_k − s) (`src/kernels/js/family/backward.ts`).
 *
 * **Accuracy** (`test/family/softmaxBackward.test.ts`, 64-digit decimal.js closed
 * form and central finite differences of the 64-digit softmax): each entry within
 * 3 ulp of |y_k|·max(|dy_k|, |s|, 2^-100·Σ|y·dy|) (measured max 1.4; the last term
 * only matters when Σ dy·y cancels deeply). Equals Jᵀdy of softmaxJacobian.
 * Float32 in → float32 out, rounded once.
 *
 * **Special cases.**
 * | input | dx |
 * |---|---|
 * | NaN in y or dy of the slice | NaN over the slice (through s) |
 * | y_k = 0 | 0 (unless dy or s is NaN / ±∞) |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH (dy), INVALID_AXIS, INVALID_OPTION.
 */
export function softmaxBackward<X extends Logits>(y: X, dy: Logits, options?: BackwardOptions): SameKind<X> {
  return backwardBody("softmaxBackward", y, dy, options, softmaxBackwardKernel) as SameKind<X>;
}
