/**
 * Softmax kernel over one strided slice. Computes only: no validation, no allocation.
 *
 * Method: (1) scan for the maximum m (stats.ts); (2) e_k = e^{(x_k - m)/t}
 * with the difference exact, r = Σ_{k≠argmax} e_k compensated (expsum.ts);
 * (3) S = 1 + r as a double-double (sh, sl) and p_k = e_k / S
 * = (e_k / sh)(1 - sl/sh). Float32 output is computed in float64 and rounded once.
 *
 * Special slices: NaN → all NaN; nothing counted (empty, all -Infinity, all
 * masked) → zeros, or NaN with `nothing = NaN`; maximum +Infinity, or t = 0 →
 * the entries equal to the maximum share the mass equally, the rest get 0.
 */
import { lo, twoSum } from "./exact.js";
import { expSum } from "./expsum.js";
import { FINITE, HAS_NAN, NOTHING, POS_INF, scan, scanned } from "./stats.js";

/** Fills a slice with a constant. */
export function fillSlice(y: Float32Array | Float64Array, off: number, stride: number, n: number, v: number): void {
  for (let k = 0, i = off; k < n; k++, i += stride) y[i] = v;
}

/** Writes `hit` where x equals `max` (and is counted), `miss` elsewhere. */
export function shareMax(
  x: ArrayLike<number>,
  y: Float32Array | Float64Array,
  off: number,
  stride: number,
  n: number,
  mask: Uint8Array | null,
  max: number,
  hit: number,
  miss: number,
): void {
  for (let k = 0, i = off; k < n; k++, i += stride) {
    y[i] = x[i] === max && (mask === null || mask[i] !== 0) ? hit : miss;
  }
}

/**
 * Softmax of the slice x[off + k·stride], k < n, into y at the same positions.
 * `t` is the temperature (finite, ≥ 0); `nothing` is what a slice with nothing
 * counted gets (0 or NaN). `scratch` (length ≥ n) holds the float64
 * exponentials when y is a Float32Array; pass null when y is a Float64Array.
 * Returns the slice's class (FINITE, HAS_NAN, NOTHING, POS_INF).
 */
export function softmaxKernel(
  x: ArrayLike<number>,
  y: Float32Array | Float64Array,
  off: number,
  stride: number,
  n: number,
  mask: Uint8Array | null,
  t: number,
  nothing: number,
  scratch: Float64Array | null,
): number {
  const status = scan(x, off, stride, n, mask);
  const { max, argmax, count } = scanned;
  if (status === HAS_NAN) {
    fillSlice(y, off, stride, n, Number.NaN);
  } else if (status === NOTHING) {
    fillSlice(y, off, stride, n, nothing);
  } else if (status === POS_INF || t === 0) {
    shareMax(x, y, off, stride, n, mask, max, 1 / count, 0);
  } else if (scratch === null) {
    const y64 = y as Float64Array;
    const r = expSum(x, off, stride, n, mask, max, argmax, t, y64, off, stride);
    const sh = twoSum(1, r);
    const c = -lo / sh;
    for (let k = 0, i = off; k < n; k++, i += stride) {
      const q = (y64[i] as number) / sh;
      y64[i] = q + q * c;
    }
  } else {
    const r = expSum(x, off, stride, n, mask, max, argmax, t, scratch, 0, 1);
    const sh = twoSum(1, r);
    const c = -lo / sh;
    for (let k = 0, i = off; k < n; k++, i += stride) {
      const q = (scratch[k] as number) / sh;
      y[i] = q + q * c;
    }
  }
  return status === FINITE && t === 0 ? POS_INF : status;
}
