/**
 * The second pass of the softmax family: r = Σ e^{(x_k - max)/t} over the
 * counted entries other than the first maximum, in float64 with the
 * difference x_k - max taken exactly (TwoSum) and a Neumaier-compensated sum.
 *
 * Why exact differences: fl(x_k - max) is off by up to half an ulp of the
 * difference, which e^d turns into a relative error of |d|·2^-53, i.e. up to
 * 370 ulp for d near -745. With d = dh + dl exact, e^d = e^dh · (1 + dl).
 */
import { ddDiv, lo, twoSum } from "./exact.js";

/** Below this e^d is 0 in float64 (e^-745.14 is the least subnormal). */
const UNDERFLOW = -746;

/**
 * Returns r = Σ_{k ≠ argmax, unmasked} e^{(x_k - m)/t}. When `store` is given,
 * writes e_k (1 at argmax, 0 where masked) to `store[storeOff + k * storeStride]`.
 * `m` must be finite and `t` finite and > 0. In-place safe (reads x[i] before writing store at i).
 */
export function expSum(
  x: ArrayLike<number>,
  off: number,
  stride: number,
  n: number,
  mask: Uint8Array | null,
  m: number,
  argmax: number,
  t: number,
  store: Float64Array | null,
  storeOff: number,
  storeStride: number,
): number {
  let sum = 0;
  let comp = 0;
  for (let k = 0, i = off, j = storeOff; k < n; k++, i += stride, j += storeStride) {
    let e = 0;
    if (k === argmax) {
      e = 1;
    } else if (mask === null || mask[i] !== 0) {
      let dh = twoSum(x[i] as number, -m);
      let dl = lo;
      if (t !== 1) {
        dh = ddDiv(dh, dl, t);
        dl = lo;
      }
      if (dh > UNDERFLOW) {
        e = Math.exp(dh);
        e += e * dl;
        const s = sum + e;
        comp += sum >= e ? sum - s + e : e - s + sum;
        sum = s;
      }
    }
    if (store !== null) store[j] = e;
  }
  return sum + comp;
}

/**
 * Exact (x - m)/t as a double-double: returns the high part and leaves the low
 * part in {@link lo}. Returns -Infinity when the difference overflows.
 */
export function scaledDiff(v: number, m: number, t: number): number {
  const dh = twoSum(v, -m);
  if (dh === Number.NEGATIVE_INFINITY) return dh;
  if (t === 1) return dh;
  return ddDiv(dh, lo, t);
}
