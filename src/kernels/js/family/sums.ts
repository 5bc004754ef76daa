/**
 * Compensated sums for the family kernels. Compute only, never allocate in
 * hot loops (an accumulator is a two-field object the caller reuses).
 *
 * Neumaier's variant of Kahan summation (A. Neumaier, "Rundungsfehleranalyse
 * einiger Verfahren zur Summation endlicher Summen", ZAMM 54, 1974): the error
 * of Σ v_k is at most 2u|Σ v_k| + O(n u²) Σ |v_k|, so a sum of terms of one
 * sign is accurate to about 1 ulp whatever n. `dot2` is Ogita, Rump and
 * Oishi's Dot2 ("Accurate sum and dot product", SIAM J. Sci. Comput. 26, 2005):
 * as accurate as if computed in twice the working precision, then rounded.
 */
import { lo, twoProd, twoSum } from "../exact.js";

/** A running compensated sum: the value is `s + c`. */
export interface Accumulator {
  s: number;
  c: number;
}

/** A fresh accumulator at 0. */
export function accumulator(): Accumulator {
  return { s: 0, c: 0 };
}

/** Resets `acc` to 0 and returns it. */
export function reset(acc: Accumulator): Accumulator {
  acc.s = 0;
  acc.c = 0;
  return acc;
}

/** acc += v (Neumaier). */
export function add(acc: Accumulator, v: number): void {
  const a = acc.s;
  const s = a + v;
  acc.c += Math.abs(a) >= Math.abs(v) ? a - s + v : v - s + a;
  acc.s = s;
}

/** The rounded value of the sum. Infinite or NaN running sums are returned as they are (the compensation is meaningless there). */
export function total(acc: Accumulator): number {
  return Number.isFinite(acc.s) ? acc.s + acc.c : acc.s;
}

/** Σ a[offA + k·strideA] · b[offB + k·strideB] over k < n where mask is null or mask[offA + k·strideA] ≠ 0, in twice the working precision (Dot2). */
export function dot2(a: ArrayLike<number>, b: ArrayLike<number>, off: number, stride: number, n: number, mask: Uint8Array | null): number {
  let s = 0;
  let c = 0;
  let plain = 0;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if (mask !== null && mask[i] === 0) continue;
    const x = a[i] as number;
    const y = b[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      // ±Infinity or NaN: the result is the plain sum's (±Infinity or NaN); no error-free transform applies.
      plain += x * y;
      s = Number.NaN;
      continue;
    }
    const p = twoProd(x, y);
    // Dekker's split is not error-free when a factor or the product is (near) subnormal: drop the low part there (its true size is below 2^-1000).
    const pl = Math.abs(p) > 1e-290 ? lo : 0;
    plain += p;
    s = twoSum(s, p);
    c += lo + pl;
  }
  // Overflow, infinities or NaN: the compensation is meaningless, give the plain sum.
  if (!Number.isFinite(s) || !Number.isFinite(c)) return plain;
  return s + c;
}
