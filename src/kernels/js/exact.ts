/**
 * Error-free transformations (Knuth's TwoSum, Dekker's split and TwoProd) used
 * by the exact kernels. Each returns its low part through a module-level
 * register (`lo`) so that hot loops allocate nothing.
 *
 * References: D. E. Knuth, TAOCP vol. 2, §4.2.2 (TwoSum); T. J. Dekker,
 * "A floating-point technique for extending the available precision" (1971).
 */

/** Low part of the last {@link twoSum} / {@link twoProd} / {@link ddDiv}. */
export let lo = 0;

/** Returns fl(a + b) and sets {@link lo} so that a + b = result + lo exactly (finite inputs). */
export function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  lo = a - (s - bb) + (b - bb);
  return s;
}

const SPLITTER = 134217729; // 2^27 + 1

/** Returns fl(a * b) and sets {@link lo} so that a * b = result + lo exactly (no overflow, no underflow). */
export function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  lo = al * bl - (p - ah * bh - al * bh - ah * bl);
  return p;
}

/**
 * Divides the double-double (hi, low) by t > 0: returns the high part of the
 * quotient and sets {@link lo} to its low part (relative error about 2^-104).
 */
export function ddDiv(hi: number, low: number, t: number): number {
  const q = hi / t;
  if (!Number.isFinite(q) || q === 0) {
    lo = 0;
    return q;
  }
  const p = twoProd(q, t);
  const r = hi - p - lo + low;
  const ql = r / t;
  const s = q + ql;
  lo = ql - (s - q);
  return s;
}

/** Smallest x with exp(x) > 0 in float64 (exp(-745.14) is the least subnormal). Below it exp(x) = 0. */
export const EXP_UNDERFLOW = -745.1332191019412;
