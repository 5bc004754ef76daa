/**
 * The first pass shared by every softmax-family kernel: one scan of a slice
 * that finds its maximum and classifies it.
 */

/** The slice has a finite maximum: the general path. */
export const FINITE = 0;
/** The slice holds a NaN among its counted entries: the result is NaN. */
export const HAS_NAN = 1;
/** Nothing is counted: the slice is empty, all -Infinity or all masked. */
export const NOTHING = 2;
/** The maximum is +Infinity: the +Infinity entries share the mass. */
export const POS_INF = 3;

/** Results of the last {@link scan}. */
export const scanned = { max: 0, argmax: -1, count: 0 };

/**
 * Scans `n` entries from `off` by `stride`, skipping those masked out
 * (`mask[i] === 0`). Sets {@link scanned}: `max`, `argmax` (first index of the
 * max, in slice positions) and `count` (how many entries equal the max).
 * Returns FINITE, HAS_NAN, NOTHING or POS_INF.
 */
export function scan(x: ArrayLike<number>, off: number, stride: number, n: number, mask: Uint8Array | null): number {
  let max = Number.NEGATIVE_INFINITY;
  let argmax = -1;
  let count = 0;
  let nan = false;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if (mask !== null && mask[i] === 0) continue;
    const v = x[i] as number;
    if (v > max) {
      max = v;
      argmax = k;
      count = 1;
    } else if (v === max) {
      if (argmax < 0) argmax = k;
      count++;
    } else if (v !== v) {
      nan = true;
    }
  }
  scanned.max = max;
  scanned.argmax = argmax;
  scanned.count = count;
  if (nan) return HAS_NAN;
  if (max === Number.NEGATIVE_INFINITY) return NOTHING;
  if (max === Number.POSITIVE_INFINITY) return POS_INF;
  return FINITE;
}
