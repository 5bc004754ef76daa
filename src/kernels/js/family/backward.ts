/**
 * Closed-form backward passes (vector–Jacobian products) over one strided
 * slice. Compute only. `y` is the forward output, `dy` the upstream gradient,
 * `dx` the result at the same positions (dx may alias dy).
 *
 * The inner products are Dot2 / compensated (sums.ts), so each entry is
 * y_k·(dy_k − s) with s accurate to about 1 ulp: the only error left is the
 * rounding of the final difference and product, i.e. within 2–3 ulp of
 * |y_k|·max(|dy_k|, |s|) (the conditioning of the difference itself).
 */
import { lo, twoProd } from "../exact.js";
import { dot2 } from "./sums.js";

/**
 * The contract of every backward kernel: the slice at positions off + k·stride, k < n, of `y` and `dy` into `dx` at the same
 * positions. `scratch` (float64, indexed like y) and `ones` (float64 ones, indexed like y) are the caller's; a kernel
 * uses what it needs.
 */
export type BackwardKernel = (
  y: ArrayLike<number>,
  dy: ArrayLike<number>,
  dx: Float32Array | Float64Array,
  off: number,
  stride: number,
  n: number,
  scratch: Float64Array,
  ones: Float64Array,
) => void;

/** Softmax: dx = y ⊙ (dy − Σ dy·y). */
export const softmaxBackwardKernel: BackwardKernel = (y, dy, dx, off, stride, n) => {
  const s = dot2(y, dy, off, stride, n, null);
  for (let k = 0, i = off; k < n; k++, i += stride) {
    const yk = y[i] as number;
    dx[i] = yk === 0 ? 0 * (dy[i] as number) * s : yk * ((dy[i] as number) - s);
  }
};

/** Log-softmax (y = log p): dx = dy − e^y · Σ dy. */
export const logSoftmaxBackwardKernel: BackwardKernel = (y, dy, dx, off, stride, n, _scratch, ones) => {
  const s = dot2(dy, ones, off, stride, n, null);
  for (let k = 0, i = off; k < n; k++, i += stride) {
    const p = Math.exp(y[i] as number);
    dx[i] = (dy[i] as number) - (p === 0 && Number.isFinite(s) ? 0 : p * s);
  }
};

/** Sparsemax: on the support S = {y > 0}, dx = dy − mean_S(dy); 0 off the support (`support`: the scratch). */
export const sparsemaxBackwardKernel: BackwardKernel = (y, dy, dx, off, stride, n, support) => {
  let size = 0;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    const yk = y[i] as number;
    support[i] = yk > 0 ? 1 : yk !== yk ? Number.NaN : 0;
    if (yk > 0) size++;
  }
  const mean = size === 0 ? 0 : dot2(dy, support, off, stride, n, null) / size;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    const yk = y[i] as number;
    dx[i] = yk > 0 ? (dy[i] as number) - mean : yk !== yk ? Number.NaN : 0;
  }
};

/**
 * 1.5-entmax: with s = √y, dx = s ⊙ dy − s · (Σ s·dy) / Σ s. `s` is scratch at the slice positions.
 * Σ s·dy can cancel (dy of both signs), so √y is taken as a double-double
 * (sh + sl, sl = (y − sh²)/(2·sh) with sh² exact by TwoProd) and the inner
 * products are compensated: q is then accurate to a few ulp.
 */
export const entmax15BackwardKernel: BackwardKernel = (y, dy, dx, off, stride, n, s, ones) => {
  let lowDot = 0;
  let lowSum = 0;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    const yk = y[i] as number;
    const sh = yk > 0 ? Math.sqrt(yk) : yk !== yk ? Number.NaN : 0;
    s[i] = sh;
    if (sh > 0 && Number.isFinite(sh) && yk > 1e-290) {
      const sq = twoProd(sh, sh);
      const sl = (yk - sq - lo) / (2 * sh);
      lowDot += sl * (dy[i] as number);
      lowSum += sl;
    }
  }
  const sdy = dot2(s, dy, off, stride, n, null) + lowDot;
  const ss = dot2(s, ones, off, stride, n, null) + lowSum;
  const q = ss === 0 ? 0 : sdy / ss;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    const sk = s[i] as number;
    dx[i] = sk === 0 ? 0 : sk * ((dy[i] as number) - q);
  }
};

/** J = diag(p) − p pᵀ of the slice into J[jOff + a·n + b] (row-major n×n). Diagonal p(1 − p): 1 − p is exact for p ≥ 1/2. */
export function jacobianKernel(p: ArrayLike<number>, off: number, stride: number, n: number, J: Float32Array | Float64Array, jOff: number): void {
  for (let a = 0, i = off; a < n; a++, i += stride) {
    const pa = p[i] as number;
    for (let b = 0, j = off; b < n; b++, j += stride) {
      J[jOff + a * n + b] = a === b ? pa * (1 - pa) : -pa * (p[j] as number);
    }
  }
}
