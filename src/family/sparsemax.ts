import { sparsemaxKernel } from "../kernels/js/family/sparse.js";
import type { Logits, SameKind } from "../tensor/types.js";
import { type SparseOptions, sparseBody } from "./_sparse.js";

export type { SparseOptions } from "./_sparse.js";

/**
 * Sparsemax: the Euclidean projection of x onto the probability simplex,
 * p = max(x − τ, 0) with τ such that Σp = 1 (Martins & Astudillo, ICML 2016).
 * Unlike softmax it gives exact zeros.
 *
 * ```ts
 * sparsemax([1, 0.5, -3]);   // [0.75, 0.25, 0]
 * sparsemax([0, 0, 0]);      // [1/3, 1/3, 1/3]
 * ```
 *
 * **Method.** Exact and sort-based (O(n log n)): `src/kernels/js/family/sparse.ts`;
 * the threshold τ is a double-double from a compensated prefix sum and x − τ is exact.
 *
 * **Accuracy** (`test/family/sparsemax.test.ts`, 64-digit decimal.js reference):
 * each entry within 2 ulp of max(1, |x|_∞) absolute (measured max 0.25);
 * entries outside the support are exactly 0.
 *
 * **Special cases** (per slice):
 * | input | output |
 * |---|---|
 * | any NaN | all NaN |
 * | all masked / all −∞ / empty | zeros |
 * | +∞ entries | they share 1 equally, the rest 0 |
 * | −∞ or masked entries | 0 |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function sparsemax<X extends Logits>(x: X, options?: SparseOptions): SameKind<X> {
  return sparseBody("sparsemax", x, options, sparsemaxKernel) as SameKind<X>;
}
