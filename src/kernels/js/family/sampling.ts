/**
 * Sampling kernels over one strided slice of logits. Compute only: the caller
 * passes scratch (`cand` Int32Array, `w`, `key`, `cum` Float64Array, each ≥ n)
 * and a uniform source.
 *
 * Weights are taken from the logits directly in float64: w_k = e^{(x_k − m)/T}
 * with (x_k − m)/T exact as a double-double (the core's `scaledDiff`), never
 * through rounded, normalized probabilities. With replacement: inverse CDF on
 * the running sum of w (one uniform per draw, binary search). Without
 * replacement: Gumbel top-k (Vieira 2014; Kool, van Hoof & Welling, ICML 2019):
 * the n largest of log w_k + G_k, G_k = −log(−log U_k), are an ordered sample
 * without replacement of the categorical distribution.
 */
import { lo } from "../exact.js";
import { scaledDiff } from "../expsum.js";
import { HAS_NAN, NOTHING, POS_INF, scan, scanned } from "../stats.js";

/** Filters of the sampler; `topK` = 0 and `topP` = 1, `minP` = 0 mean off. */
export interface SampleFilters {
  t: number;
  topK: number;
  topP: number;
  minP: number;
}

/** Returned by {@link candidates} for a slice holding a NaN. */
export const SLICE_NAN = -1;

function compact(cand: Int32Array, w: Float64Array, key: Float64Array, c: number, keep: (j: number) => boolean): number {
  let m = 0;
  for (let j = 0; j < c; j++) {
    if (!keep(j)) continue;
    cand[m] = cand[j] as number;
    w[m] = w[j] as number;
    key[m] = key[j] as number;
    m++;
  }
  return m;
}

/**
 * Fills cand[0..c) with the slice positions that can be drawn, w with their
 * weights (the largest is 1) and key with their log-weights; returns c, 0 when
 * nothing is counted, or SLICE_NAN. `order` is Int32Array scratch ≥ n.
 * Filters, in the order of Hugging Face transformers' warpers: temperature,
 * topK (keeps every entry ≥ the k-th largest, so ties at the boundary are all
 * kept), topP (the smallest prefix, by weight descending and index, whose mass
 * reaches topP of the remaining mass), minP (keeps w_k ≥ minP·max w).
 */
export function candidates(
  x: ArrayLike<number>,
  off: number,
  stride: number,
  n: number,
  mask: Uint8Array | null,
  f: SampleFilters,
  cand: Int32Array,
  w: Float64Array,
  key: Float64Array,
  order: Int32Array,
): number {
  const status = scan(x, off, stride, n, mask);
  if (status === HAS_NAN) return SLICE_NAN;
  if (status === NOTHING) return 0;
  const max = scanned.max;
  let c = 0;
  if (status === POS_INF || f.t === 0) {
    for (let k = 0, i = off; k < n; k++, i += stride) {
      if ((mask === null || mask[i] !== 0) && x[i] === max) {
        cand[c] = k;
        w[c] = 1;
        key[c] = 0;
        c++;
      }
    }
    return c;
  }
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if (mask !== null && mask[i] === 0) continue;
    const v = x[i] as number;
    if (v === Number.NEGATIVE_INFINITY) continue;
    const dh = scaledDiff(v, max, f.t);
    const dl = lo;
    const e = Math.exp(dh);
    cand[c] = k;
    w[c] = e + e * dl;
    key[c] = dh + dl;
    c++;
  }
  if (f.topK > 0 && f.topK < c) {
    for (let j = 0; j < c; j++) order[j] = j;
    const view = order.subarray(0, c);
    // Rank by the logits themselves: their rounded scaled differences can tie where the logits do not.
    const xv = (j: number): number => x[off + (cand[j] as number) * stride] as number;
    view.sort((a, b) => xv(b) - xv(a) || a - b);
    const threshold = xv(view[f.topK - 1] as number);
    c = compact(cand, w, key, c, (j) => xv(j) >= threshold);
  }
  if (f.topP < 1) {
    for (let j = 0; j < c; j++) order[j] = j;
    const view = order.subarray(0, c);
    view.sort((a, b) => (w[b] as number) - (w[a] as number) || a - b);
    let totalW = 0;
    for (let j = 0; j < c; j++) totalW += w[j] as number;
    const target = f.topP * totalW;
    let cum = 0;
    let last = c - 1;
    for (let j = 0; j < c; j++) {
      cum += w[view[j] as number] as number;
      if (cum >= target) {
        last = j;
        break;
      }
    }
    // Mark the kept entries by their rank in `order` (reuse key's sign-free space: a rank array).
    const keepFlag = order.subarray(c, 2 * c);
    keepFlag.fill(0);
    for (let j = 0; j <= last; j++) keepFlag[view[j] as number] = 1;
    c = compact(cand, w, key, c, (j) => keepFlag[j] === 1);
  }
  if (f.minP > 0) c = compact(cand, w, key, c, (j) => (w[j] as number) >= f.minP);
  return c;
}

/** Draws `count` indices with replacement among cand[0..c) with weights w into out[outOff + j·outStride]. `cum` is scratch ≥ c. */
export function drawWithReplacement(
  cand: Int32Array,
  w: Float64Array,
  c: number,
  cum: Float64Array,
  count: number,
  uniform: () => number,
  out: Int32Array,
  outOff: number,
  outStride: number,
): void {
  let s = 0;
  let lastPositive = 0;
  for (let j = 0; j < c; j++) {
    const wj = w[j] as number;
    s += wj;
    cum[j] = s;
    if (wj > 0) lastPositive = j;
  }
  for (let d = 0; d < count; d++) {
    const target = uniform() * s;
    // First j with cum[j] > target: never an entry of weight 0.
    let loIdx = 0;
    let hiIdx = c - 1;
    while (loIdx < hiIdx) {
      const mid = (loIdx + hiIdx) >>> 1;
      if ((cum[mid] as number) > target) hiIdx = mid;
      else loIdx = mid + 1;
    }
    const j = (cum[loIdx] as number) > target ? loIdx : lastPositive;
    out[outOff + d * outStride] = cand[j] as number;
  }
}

/** A standard Gumbel draw −log(−log U), U ∈ (0, 1) (U = 0 is redrawn). */
export function gumbel(uniform: () => number): number {
  let u = uniform();
  while (u === 0) u = uniform();
  return -Math.log(-Math.log(u));
}

/** Draws `count` ≤ c distinct indices (Gumbel top-k, in order of the perturbed keys) into out. `order` and `g` are scratch ≥ c. */
export function drawWithoutReplacement(
  cand: Int32Array,
  key: Float64Array,
  c: number,
  g: Float64Array,
  order: Int32Array,
  count: number,
  uniform: () => number,
  out: Int32Array,
  outOff: number,
  outStride: number,
): void {
  for (let j = 0; j < c; j++) {
    g[j] = (key[j] as number) + gumbel(uniform);
    order[j] = j;
  }
  const view = order.subarray(0, c);
  view.sort((a, b) => (g[b] as number) - (g[a] as number) || a - b);
  for (let d = 0; d < count; d++) out[outOff + d * outStride] = cand[view[d] as number] as number;
}
