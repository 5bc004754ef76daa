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
 * **Accuracy:** float64 ≤ 4 ulp for any finite input, including outputs near 0
 * and rows where x - max is not representable; float32 correctly rounded in
 * ≥ 99.99% of cases, never worse than 1 ulp (`test/accuracy/`).
 *
 * **Special cases** (per slice):
 * | input | output |
 * |---|---|
 * | empty slice | empty |
 * | any NaN counted | all NaN |
 * | -Infinity entries | -Infinity |
 * | all -Infinity / all masked | all -Infinity (`onFullyMasked: "nan"` → NaN, `"error"` → throws) |
 * | +Infinity entries (k of them) | -log(k) at them, -Infinity elsewhere |
 * | temperature 0 | -log(k) at the k maxima, -Infinity elsewhere |
 * | masked entries | -Infinity |
 *
 * @throws {SoftmaxError} as {@link softmax}.
 */
export function logSoftmax<X extends Logits>(x: X, options?: LogSoftmaxOptions): SameKind<X> {
  return alongAxis("logSoftmax", x, options, logSoftmaxKernel, Number.NEGATIVE_INFINITY) as SameKind<X>;
}
