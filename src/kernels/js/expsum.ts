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

/**
 * Below TINY, e^d is under 2^-1021 and Math.exp would round it to a subnormal
 * quantum (2^-1074): n such terms would put n/2 quanta of error in r, and a
 * logSoftmax / logSumExp result that is itself about r (logSoftmax at the max
 * of [745.1, 0, 0, ..., 0] is -9·e^-745.1) would be off by n/2 ulp. Those terms
 * are computed as e^{d + 600 ln 2} (normal), summed apart, and scaled by 2^-600
 * once at the end; below SCALED_UNDERFLOW even that sum is under 2^-1100.
 */
export const TINY = -708;
export const SCALED_UNDERFLOW = -1160;
/** 600·ln 2 as a double-double. */
export const C_HI = 415.88830833596717;
export const C_LO = 1.8355172981578424e-14;
/** 2^-600 (exact). */
export const TWO_M600 = 2.409919865102884e-181;

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
  // Terms below e^TINY, scaled by 2^600 (see TINY).
  let tiny = 0;
  let tinyComp = 0;
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
      if (dh > TINY) {
        e = Math.exp(dh);
        e += e * dl;
        const s = sum + e;
        comp += sum >= e ? sum - s + e : e - s + sum;
        sum = s;
      } else if (dh > SCALED_UNDERFLOW) {
        const sh = twoSum(dh, C_HI);
        let es = Math.exp(sh);
        es += es * (lo + dl + C_LO);
        const s = tiny + es;
        tinyComp += tiny >= es ? tiny - s + es : es - s + tiny;
        tiny = s;
        e = es * TWO_M600;
      }
    }
    if (store !== null) store[j] = e;
  }
  return sum + comp + (tiny + tinyComp) * TWO_M600;
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
