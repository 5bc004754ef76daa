import { logSoftmaxKernel } from "../kernels/js/logSoftmax.js";
import type { Logits, SameKind } from "../tensor/types.js";
import { type AlongAxisOptions, alongAxis } from "./along-axis.js";

/** Options of {@link logSoftmax}. */
export type LogSoftmaxOptions = AlongAxisOptions;

/**
 * Log-softmax along an axis: log p_i = x_i/T - log Σ_j e^{x_j/T}, fused (never log(softmax(x))).
 *
 * ```ts
 * logSoftmax([0, -46]); // [-1.0530e-20, -46]  (SciPy and PyTorch give [0, -46])
 * ```
 *
 * **Method.** d_k = (x_k - m)/T as an exact double-double, L = log1p(r) with
 * r = Σ_{k≠argmax} e^{d_k} compensated, then (d_k.hi - L) + d_k.lo.
 * log1p keeps results near 0 exact. Kernel: `src/kernels/js/logSoftmax.ts`.
 *
 * **Accuracy** (against 64-digit decimal.js and a double-double reference):
 * float64 ≤ 4 ulp asserted for any finite input, including outputs near 0 and
 * rows where x - max is not representable; measured max 1.07 ulp on 7,114
 * fixture values (`test/accuracy/softmax.test.ts`, and random adversarial rows
 * in `test/property/softmax.property.test.ts`). Float32: 100% correctly
 * rounded (max 0.498 ulp) on 3,002 values and a row of 10^6 (`test/accuracy/long-row.test.ts`).
 *
 * **Special cases** (per slice):
 * | input | output |
 * |---|---|
 * | empty slice | empty |
 * | any NaN counted | all NaN |
 * | -Infinity entries | -Infinity |
 * | all -Infinity / all masked | all -Infinity (`onFullyMasked: "nan"` → NaN, `"error"` → throws) |
 * | +Infinity entries (k of them) | -log(k) at them (+0 for k = 1), -Infinity elsewhere |
 * | temperature 0 | -log(k) at the k maxima, -Infinity elsewhere |
 * | masked entries | -Infinity |
 *
 * @throws {SoftmaxError} as {@link softmax}.
 */
export function logSoftmax<X extends Logits>(x: X, options?: LogSoftmaxOptions): SameKind<X> {
  return alongAxis("logSoftmax", x, options, logSoftmaxKernel, Number.NEGATIVE_INFINITY) as SameKind<X>;
}
