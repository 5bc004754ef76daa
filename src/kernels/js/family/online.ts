/**
 * The online softmax state (Milakov & Gimelshein, "Online normalizer
 * calculation for softmax", 2018): the running maximum m and
 * r = Σ e^{x_k − m} − 1 (the sum minus the one term of the maximum) as a
 * double-double. Compute only.
 *
 * Merging (m₁, r₁) with (m₂, r₂), m₁ ≥ m₂: r = r₁ + (1 + r₂)·e^{m₂ − m₁},
 * with m₂ − m₁ exact (TwoSum), e^{dh}(1 + dl), and the products and sums kept
 * as double-doubles (TwoProd/TwoSum): each merge that rescales adds about one
 * rounding of Math.exp (≤ 1 ulp relative) to the scaled part, so after c
 * rescalings the relative error of 1 + r is at most about (c + 2)·2^-53.
 */
import { lo, twoProd, twoSum } from "../exact.js";
import { expSum, scaledDiff } from "../expsum.js";
import { HAS_NAN, NOTHING, POS_INF, scan, scanned } from "../stats.js";

/** The plain-data state. `infinities` counts +∞ entries; `nan` is sticky. */
export interface OnlineState {
  max: number;
  rHi: number;
  rLo: number;
  infinities: number;
  nan: boolean;
}

/** Adds (m₂, r₂) into s (s.max, m₂ finite). */
export function mergeFinite(s: OnlineState, m2: number, r2h: number, r2l: number): void {
  if (s.max === Number.NEGATIVE_INFINITY) {
    s.max = m2;
    s.rHi = r2h;
    s.rLo = r2l;
    return;
  }
  // Make (hm, hr) the one with the larger maximum, (sm, sr) the one scaled down.
  let bigR = s.rHi;
  let bigRl = s.rLo;
  let smallR = r2h;
  let smallRl = r2l;
  let bigM = s.max;
  let smallM = m2;
  if (m2 > s.max) {
    bigR = r2h;
    bigRl = r2l;
    smallR = s.rHi;
    smallRl = s.rLo;
    bigM = m2;
    smallM = s.max;
  }
  // (1 + r_small) as a double-double.
  const oh = twoSum(1, smallR);
  const ol = lo + smallRl;
  let eh = 1;
  let el = 0;
  if (smallM !== bigM) {
    const dh = scaledDiff(smallM, bigM, 1);
    const dl = lo;
    eh = Math.exp(dh);
    el = eh * dl;
  }
  // (oh + ol)(eh + el) ≈ oh·eh (exact by TwoProd) + oh·el + ol·eh.
  const ph = twoProd(oh, eh);
  const pl = lo + oh * el + ol * eh;
  const sh = twoSum(bigR, ph);
  const sl = lo + bigRl + pl;
  s.rHi = twoSum(sh, sl);
  s.rLo = lo;
  s.max = bigM;
}

/** Adds the chunk x[off + k·stride], k < n, to s. */
export function updateKernel(s: OnlineState, x: ArrayLike<number>, off: number, stride: number, n: number): void {
  const status = scan(x, off, stride, n, null);
  if (status === HAS_NAN) s.nan = true;
  else if (status === POS_INF) {
    s.infinities += scanned.count;
    s.max = Number.POSITIVE_INFINITY;
  } else if (status !== NOTHING && s.infinities === 0) {
    const { max, argmax } = scanned;
    const r = expSum(x, off, stride, n, null, max, argmax, 1, null, 0, 0);
    mergeFinite(s, max, r, 0);
  }
}

/** log Σ e^x of everything seen. */
export function stateLogSumExp(s: OnlineState): number {
  if (s.nan) return Number.NaN;
  if (s.infinities > 0) return Number.POSITIVE_INFINITY;
  if (s.max === Number.NEGATIVE_INFINITY) return s.max;
  return s.max + Math.log1p(s.rHi + s.rLo);
}

/** p_k = e^{x_k − m}/(1 + r) of a chunk into y (same positions); `log` gives log p_k instead. */
export function normalizeKernel(s: OnlineState, x: ArrayLike<number>, y: Float32Array | Float64Array, n: number, log: boolean): void {
  const NEG_INF = Number.NEGATIVE_INFINITY;
  if (s.nan) {
    y.fill(Number.NaN, 0, n);
    return;
  }
  if (s.infinities > 0) {
    const hit = log ? -Math.log(s.infinities) : 1 / s.infinities;
    for (let i = 0; i < n; i++) {
      const v = x[i] as number;
      y[i] = v !== v ? Number.NaN : v === Number.POSITIVE_INFINITY ? hit : log ? NEG_INF : 0;
    }
    return;
  }
  if (s.max === NEG_INF) {
    for (let i = 0; i < n; i++) y[i] = x[i] !== x[i] ? Number.NaN : log ? NEG_INF : 0;
    return;
  }
  const sh = twoSum(1, s.rHi);
  const sl = lo + s.rLo;
  const c = -sl / sh;
  const L = Math.log1p(s.rHi + s.rLo);
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    if (v !== v) {
      y[i] = Number.NaN;
      continue;
    }
    const dh = scaledDiff(v, s.max, 1);
    const dl = lo;
    if (log) {
      y[i] = dh === NEG_INF ? NEG_INF : dh - L + dl;
      continue;
    }
    if (dh === NEG_INF) {
      y[i] = 0;
      continue;
    }
    const e = Math.exp(dh);
    const q = (e + e * dl) / sh;
    y[i] = q + q * c;
  }
}
