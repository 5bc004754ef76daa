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

/** Above 2^996, SPLITTER · a overflows: such products are formed at a 2^-28 scale. */
const SPLIT_MAX = 6.69692879491417e299;
const TWO_M28 = 3.725290298461914e-9; // 2^-28
const TWO_28 = 268435456; // 2^28

/** Returns fl(a * b) and sets {@link lo} so that a * b = result + lo exactly (finite product, no underflow). */
export function twoProd(a: number, b: number): number {
  if (Math.abs(a) > SPLIT_MAX || Math.abs(b) > SPLIT_MAX) {
    // Dekker's split of a huge factor overflows (SPLITTER · a = Infinity, then NaN), and so can its
    // high part near the largest double: multiply a scaled copy, then scale back (exact by powers of 2).
    const p = Math.abs(a) > SPLIT_MAX ? twoProd(a * TWO_M28, b) : twoProd(a, b * TWO_M28);
    lo *= TWO_28;
    return p * TWO_28;
  }
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

const TWO_1000 = 2 ** 1000;
const TWO_64 = 2 ** 64;
const TWO_M64 = 2 ** -64;

/**
 * Divides the double-double (hi, low) by t > 0: returns the high part of the
 * quotient and sets {@link lo} to its low part (relative error about 2^-104).
 */
export function ddDiv(hi: number, low: number, t: number): number {
  if (Math.abs(hi) > TWO_1000 && Math.abs(hi) !== Number.POSITIVE_INFINITY) {
    // Above 2^1000, q·t could round past the largest double in the correction: divide a 2^-64 scaled copy.
    const qs = ddDiv(hi * TWO_M64, low * TWO_M64, t);
    lo *= TWO_64;
    return qs * TWO_64;
  }
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
