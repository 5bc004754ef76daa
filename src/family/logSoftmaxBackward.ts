import { logSoftmaxBackwardKernel } from "../kernels/js/family/backward.js";
import type { Logits, SameKind } from "../tensor/types.js";
import { type BackwardOptions, backwardBody } from "./_backward.js";

/**
 * The backward pass of log-softmax: given y = logSoftmax(x) and dy = ∂L/∂y,
 * returns ∂L/∂x = dy − softmax(x)·Σ_k dy_k, with softmax(x) = e^y.
 *
 * ```ts
 * logSoftmaxBackward(logSoftmax([1, 2, 3]), [0, 0, -1]);  // the cross-entropy gradient p − onehot(2)
 * ```
 *
 * **Method.** Σ dy compensated (Dot2 with ones), p_k = e^{y_k} (Math.exp), dx_k = dy_k − p_k·Σdy.
 *
 * **Accuracy** (`test/family/softmaxBackward.test.ts`, 64-digit decimal.js closed
 * form for the given y): within 3 ulp of max(|dy_k|, p_k·|Σdy|, 2^-100·p_k·Σ|dy|)
 * (measured max 1.7 for |y| ≤ 60); agrees with central finite differences of the
 * 64-digit log-softmax.
 *
 * **Special cases.**
 * | input | dx |
 * |---|---|
 * | y_k = −∞ (p_k = 0) | dy_k |
 * | NaN in dy | NaN over the slice |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function logSoftmaxBackward<X extends Logits>(y: X, dy: Logits, options?: BackwardOptions): SameKind<X> {
  return backwardBody("logSoftmaxBackward", y, dy, options, logSoftmaxBackwardKernel) as SameKind<X>;
}
