import { entmax15Kernel } from "../kernels/js/family/sparse.js";
import type { Logits, SameKind } from "../tensor/types.js";
import { type SparseOptions, sparseBody } from "./_sparse.js";

/**
 * 1.5-entmax: p = max(x/2 − τ, 0)² with τ such that Σp = 1 (Peters, Niculae &
 * Martins, ACL 2019): between softmax (α = 1) and sparsemax (α = 2), sparse
 * but smoother than sparsemax. Same scaling as the `entmax` package's `entmax15`.
 *
 * ```ts
 * entmax15([1, 0.5, -3]);   // [0.6739926363384381, 0.32600736366156174, 0]
 * ```
 *
 * **Method.** Exact and sort-based (O(n log n)): τ from the closed form per
 * support size (Welford means and variances), then two Newton steps with exact
 * differences (`src/kernels/js/family/sparse.ts`).
 *
 * **Accuracy** (`test/family/sparsemax.test.ts`, 64-digit decimal.js reference):
 * each entry within 4 ulp of max(p_i, √p_i·max(1, |x|_∞)): p = d² with
 * d = x_i/2 − τ, and τ carries an absolute error of a few ulp of max(1, |x|),
 * which the square turns into 2√p times that (measured max 1.15).
 *
 * **Special cases** (per slice): as {@link sparsemax}.
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function entmax15<X extends Logits>(x: X, options?: SparseOptions): SameKind<X> {
  return sparseBody("entmax15", x, options, entmax15Kernel) as SameKind<X>;
}
