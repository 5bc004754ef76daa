import { jacobianKernel } from "../kernels/js/family/backward.js";
import { fromFlat, sizeOf, toFlat } from "../tensor/convert.js";
import { forEachSlice, layoutOf, reducedShape } from "../tensor/layout.js";
import type { Logits } from "../tensor/types.js";
import { axisOf, checkOptions, isFloat32 } from "./_shared.js";

/** Options of {@link softmaxJacobian}. */
export interface SoftmaxJacobianOptions {
  /** The axis p sums along. Default -1. */
  axis?: number;
}

/**
 * The Jacobian of softmax at p = softmax(x): J = diag(p) − p pᵀ, J_ab = ∂p_a/∂x_b.
 * For a batch, one n×n matrix per slice: the result has shape
 * [...p's shape without the axis, n, n] (nested arrays for array and typed input,
 * a tensor-like for tensor-like input).
 *
 * ```ts
 * softmaxJacobian([0.5, 0.5]);   // [[0.25, -0.25], [-0.25, 0.25]]
 * ```
 *
 * **Method.** J_aa = p_a·(1 − p_a) (1 − p_a is exact for p_a ≥ 1/2), J_ab = −p_a·p_b.
 *
 * **Accuracy.** Each entry is one correctly rounded product of the given p
 * (≤ 0.5 ulp, `test/family/softmaxBackward.test.ts`); rows sum to p_a·(1 − Σp),
 * i.e. to 0 within a few ulp of p_a when p sums to 1; J is symmetric exactly.
 *
 * **Special cases.** | NaN in p | NaN in its row and column | · | p = 0 | zero row and column |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function softmaxJacobian(p: Logits, options?: SoftmaxJacobianOptions): unknown {
  const fn = "softmaxJacobian";
  const o = checkOptions(options, ["axis"], fn);
  const flat = toFlat(p, fn, "p");
  const axis = axisOf(o.axis, flat.shape.length, fn);
  const n = flat.shape[axis] as number;
  const outShape = [...reducedShape(flat.shape, [axis], false), n, n];
  const J = isFloat32(flat) ? new Float32Array(sizeOf(outShape)) : new Float64Array(sizeOf(outShape));
  forEachSlice(layoutOf(flat.shape, axis), (off, stride, s) => jacobianKernel(flat.data, off, stride, n, J, s * n * n));
  return fromFlat(J, outShape, flat.kind.type === "typed" ? { type: "nested" } : flat.kind);
}
