/**
 * Log-softmax kernel over one strided slice. Computes only.
 *
 * Method: log p_k = d_k - L with d_k = (x_k - m)/t exact as a double-double
 * and L = log1p(r), r = Σ_{k≠argmax} e^{d_k} (expsum.ts). Using log1p keeps
 * outputs near 0 exact: logSoftmax([0, -46]) = [-1.05e-20, -46] where
 * log(Σ e^{d}) rounds to 0. The result (dh - L) + dl has no cancellation
 * since d_k ≤ 0 ≤ L.
 *
 * Special slices: NaN → all NaN; nothing counted → all -Infinity (or NaN);
 * maximum +Infinity or t = 0 → -log(count) at the maxima, -Infinity elsewhere.
 */
import { lo } from "./exact.js";
import { expSum, scaledDiff } from "./expsum.js";
import { fillSlice, shareMax } from "./softmax.js";
import { FINITE, HAS_NAN, NOTHING, POS_INF, scan, scanned } from "./stats.js";

/** Log-softmax of the slice into y at the same positions; see {@link softmaxKernel} for the parameters. */
export function logSoftmaxKernel(
  x: ArrayLike<number>,
  y: Float32Array | Float64Array,
  off: number,
  stride: number,
  n: number,
  mask: Uint8Array | null,
  t: number,
  nothing: number,
): number {
  const status = scan(x, off, stride, n, mask);
  const { max, argmax, count } = scanned;
  const NEG_INF = Number.NEGATIVE_INFINITY;
  if (status === HAS_NAN) {
    fillSlice(y, off, stride, n, Number.NaN);
  } else if (status === NOTHING) {
    fillSlice(y, off, stride, n, nothing);
  } else if (status === POS_INF || t === 0) {
    shareMax(x, y, off, stride, n, mask, max, 0 - Math.log(count), NEG_INF);
  } else {
    const L = Math.log1p(expSum(x, off, stride, n, mask, max, argmax, t, null, 0, 0));
    for (let k = 0, i = off; k < n; k++, i += stride) {
      if (mask !== null && mask[i] === 0) {
        y[i] = NEG_INF;
        continue;
      }
      const dh = scaledDiff(x[i] as number, max, t);
      y[i] = dh === NEG_INF ? NEG_INF : dh - L + lo;
    }
  }
  return status === FINITE && t === 0 ? POS_INF : status;
}
