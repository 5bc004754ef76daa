import { softmaxKernel } from "../kernels/js/softmax.js";
import type { Logits, SameKind } from "../tensor/types.js";
import { type AlongAxisOptions, alongAxis } from "./along-axis.js";

/** Options of {@link softmax}. */
export type SoftmaxOptions = AlongAxisOptions;

/**
 * Softmax along an axis: p_i = e^{x_i/T} / Σ_j e^{x_j/T}.
 *
 * ```ts
 * softmax([-1, 1, 2, 3]);             // [0.0120, 0.0889, 0.2418, 0.6572]
 * softmax(new Float32Array(logits));  // Float32Array, correctly rounded
 * softmax([[1, 2], [3, 4]], { axis: 0 });
 * ```
 *
 * **Method.** Subtract the slice maximum m exactly (TwoSum), e_k = e^{(x_k-m)/T}
 * with Math.exp, r = Σ_{k≠argmax} e_k (Neumaier-compensated), then
 * p_k = e_k / (1 + r) with 1 + r kept as a double-double. Float32 output is
 * computed in float64 and rounded once. Kernel: `src/kernels/js/softmax.ts`.
 *
 * **Accuracy** (against 64-digit decimal.js, `test/accuracy/softmax.test.ts`, and a
 * double-double reference on random adversarial rows, `test/property/`):
 * float64 ≤ 4 ulp asserted for any finite input, measured max 2.20 ulp on 7,114
 * fixture values (subnormal outputs included). Float32: 100% correctly rounded
 * (max 0.500 ulp) on 3,002 values and on a row of 10^6 (`test/accuracy/long-row.test.ts`).
 *
 * **Special cases** (per slice):
 * | input | output |
 * |---|---|
 * | empty slice | empty |
 * | any NaN counted | all NaN |
 * | -Infinity entries | 0 |
 * | all -Infinity / all masked | all 0 (`onFullyMasked: "nan"` → NaN, `"error"` → throws FULLY_MASKED) |
 * | +Infinity entries | the +Infinity entries share 1 equally, the rest 0 |
 * | temperature 0 | the maxima share 1 equally, the rest 0 |
 * | masked entries (`where` false) | 0, and do not count |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION, FULLY_MASKED.
 */
export function softmax<X extends Logits>(x: X, options?: SoftmaxOptions): SameKind<X> {
  return alongAxis("softmax", x, options, softmaxKernel, 0) as SameKind<X>;
}
