/**
 * Log-sum-exp kernels over one strided slice. Compute only; return the value.
 *
 * Method: LSE = m + t·log1p(r) with m the maximum and r = Σ_{k≠argmax}
 * e^{(x_k - m)/t} (expsum.ts). With t ≠ 1 this is the smooth maximum
 * t·log Σ e^{x_k/t}, which tends to max(x) as t → 0.
 *
 * Weighted (SciPy's `b`): log|Σ b_k e^{x_k}| = m + log|s| with
 * s = Σ b_k e^{x_k - m} summed compensated; entries with b_k = 0 do not count
 * (as in SciPy). The sign of s is left in {@link weightedSign}.
 */
import { lo, twoSum } from "./exact.js";
import { C_HI, C_LO, expSum, SCALED_UNDERFLOW, scaledDiff, TINY, TWO_M600 } from "./expsum.js";
import { HAS_NAN, NOTHING, POS_INF, scan, scanned } from "./stats.js";

/** True when the last kernel call found nothing counted (empty, all -Infinity, all masked). */
export let nothingCounted = false;

/** LSE of the slice; `nothing` is the value for a slice with nothing counted (-Infinity or NaN). */
export function logSumExpKernel(x: ArrayLike<number>, off: number, stride: number, n: number, mask: Uint8Array | null, t: number, nothing: number): number {
  const status = scan(x, off, stride, n, mask);
  const { max, argmax } = scanned;
  nothingCounted = status === NOTHING;
  if (status === HAS_NAN) return Number.NaN;
  if (status === NOTHING) return nothing;
  if (status === POS_INF || t === 0) return max;
  const r = expSum(x, off, stride, n, mask, max, argmax, t, null, 0, 0);
  return max + t * Math.log1p(r);
}

/** Sign of Σ b_k e^{x_k} from the last {@link weightedLogSumExpKernel}: 1, -1, 0, or NaN. */
export let weightedSign = 1;

/** log|Σ b_k e^{x_k}| over the slice; sets {@link weightedSign}. `b` has the layout of `x`. */
export function weightedLogSumExpKernel(
  x: ArrayLike<number>,
  b: ArrayLike<number>,
  off: number,
  stride: number,
  n: number,
  mask: Uint8Array | null,
  nothing: number,
): number {
  let m = Number.NEGATIVE_INFINITY;
  let nan = false;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    const w = b[i] as number;
    if (w === 0 || (mask !== null && mask[i] === 0)) continue;
    const v = x[i] as number;
    if (v !== v || w !== w) nan = true;
    else if (v > m) m = v;
  }
  nothingCounted = !nan && m === Number.NEGATIVE_INFINITY;
  if (nan) {
    weightedSign = Number.NaN;
    return Number.NaN;
  }
  if (m === Number.NEGATIVE_INFINITY) {
    weightedSign = 0;
    return nothing;
  }
  let sum = 0;
  let comp = 0;
  // Terms below e^TINY, scaled by 2^600 as in expSum (subnormal e^d would lose their digits).
  let tiny = 0;
  let tinyComp = 0;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    const w = b[i] as number;
    if (w === 0 || (mask !== null && mask[i] === 0)) continue;
    let term: number;
    if (m === Number.POSITIVE_INFINITY) {
      term = x[i] === m ? w : 0;
    } else {
      const dh = scaledDiff(x[i] as number, m, 1);
      const dl = lo;
      if (dh > TINY) {
        const e = Math.exp(dh);
        term = w * (e + e * dl);
      } else {
        if (dh > SCALED_UNDERFLOW) {
          const sh = twoSum(dh, C_HI);
          let es = Math.exp(sh);
          es += es * (lo + dl + C_LO);
          const ts = w * es;
          const s = tiny + ts;
          tinyComp += Math.abs(tiny) >= Math.abs(ts) ? tiny - s + ts : ts - s + tiny;
          tiny = s;
        }
        continue;
      }
    }
    const s = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? sum - s + term : term - s + sum;
    sum = s;
  }
  if (m === Number.POSITIVE_INFINITY) {
    weightedSign = sum > 0 ? 1 : sum < 0 ? -1 : Number.NaN;
    return sum === 0 ? Number.NaN : m;
  }
  const sh = twoSum(sum, comp + (tiny + tinyComp) * TWO_M600);
  const sl = lo;
  if (sh === 0) {
    weightedSign = 0;
    return Number.NEGATIVE_INFINITY;
  }
  weightedSign = sh > 0 ? 1 : -1;
  const a = Math.abs(sh);
  const al = sh > 0 ? sl : -sl;
  // Near |s| = 1, log1p of the exact (|s| - 1) keeps the small result's digits.
  // Elsewhere, al/a corrects log(a) for the rounding of the sum to a (|s| = a(1 + al/a)).
  const L = a > 0.5 && a < 2 ? Math.log1p(a - 1 + al) : Math.log(a) + al / a;
  return m + L;
}
