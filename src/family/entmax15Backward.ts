import { entmax15BackwardKernel } from "../kernels/js/family/backward.js";
import type { Logits, SameKind } from "../tensor/types.js";
import { type BackwardOptions, backwardBody } from "./_backward.js";

/**
 * The backward pass of {@link entmax15}: with s = √y (0 off the support),
 * ∂L/∂x = s ⊙ dy − s·(Σ s·dy)/(Σ s) (Peters, Niculae & Martins, "Sparse
 * Sequence-to-Sequence Models", ACL 2019, Prop. 1 with α = 1.5).
 *
 * ```ts
 * entmax15Backward(entmax15([1, 0.5, -3]), [1, 0, 0]);
 * ```
 *
 * **Method.** s_k = √y_k as a double-double (Σ s·dy can cancel), both inner
 * products compensated (Dot2), then s_k·(dy_k − q).
 *
 * **Accuracy** (`test/family/sparsemax.test.ts`): within 4 ulp of
 * s_k·max(|dy_k|, |q|, 2^-100·Σs|dy|/Σs) for the given y (measured max 2.9), against the 64-digit closed
 * form; agrees with central finite differences of the 64-digit entmax15 to 1e-14.
 *
 * **Special cases.** | y_k = 0 | 0 | · | NaN in y | NaN |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function entmax15Backward<X extends Logits>(y: X, dy: Logits, options?: BackwardOptions): SameKind<X> {
  return backwardBody("entmax15Backward", y, dy, options, entmax15BackwardKernel) as SameKind<X>;
}
