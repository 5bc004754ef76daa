/**
 * Sampling kernels over one strided slice of logits. Compute only: the caller
 * passes scratch (`cand` Int32Array, `w`, `key`, `cum` Float64Array, each ≥ n)
 * and a uniform source.
 *
 * Weights are taken from the logits directly in float64: w_k = e^{(x_k − m)/T}
 * with (x_k − m)/T exact as a double-double (the core's `scaledDiff`), never
 * through rounded, normalized probabilities. With replacement: inverse CDF,
 * exact in distribution for the float64 weights (see {@link drawWithReplacement}:
 * one uniform per draw, binary search on the running float sum, and an exact
 * BigInt refinement with more random bits in the rare ambiguous case). Without
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

const TWO32 = 4294967296;
const TWO53 = 9007199254740992;
/** Refinement rounds (53 random bits each) before a source is declared broken: a uniform source needs a 65th round with probability below 2^-3000. */
const MAX_ROUNDS = 64;
/** Limbs of 32 bits from 2^-1074 up: 72 cover every finite double times 2^31 summands. */
const LIMBS = 72;
/** Prefix sums are snapshotted every BLOCK weights, so one exact prefix costs at most BLOCK additions after the first. */
const BLOCK = 1024;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** The index of the high (sign, exponent) word of f64 in u32: 1 on little-endian machines. */
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
let mantissa = 0;
let shift = 0;
const POW2 = Float64Array.from({ length: 32 }, (_, i) => 2 ** i);
const INV32 = 2 ** -32;

/** Splits x > 0 finite into mantissa · 2^(shift − 1074), an integer mantissa < 2^53 and shift ≥ 0 (module variables). */
function decompose(x: number): void {
  f64[0] = x;
  const hi = u32[HI] as number;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (hi & 0xfffff) * TWO32 + (u32[1 - HI] as number);
  mantissa = biased === 0 ? frac : frac + TWO53 / 2;
  shift = biased === 0 ? 0 : biased - 1;
}

/** w > 0 exactly, as an integer count of 2^-1074. */
function scaled(x: number): bigint {
  decompose(x);
  return BigInt(mantissa) << BigInt(shift);
}

/**
 * Adds the positive w[from..to) (to − from ≤ BLOCK) exactly to `limbs`, 32-bit
 * limbs from 2^-1074 up held in float64, then carries so every limb is < 2^32.
 * Each weight adds less than 2^33 to a limb, so no limb passes 2^53 before the carry.
 */
function addBlock(w: Float64Array, from: number, to: number, limbs: Float64Array): void {
  for (let j = from; j < to; j++) {
    const wj = w[j] as number;
    if (!(wj > 0)) continue;
    // wj = (mh·2^32 + lo)·2^(shift − 1074), mantissa = mh·2^32 + lo < 2^53 (split exactly).
    decompose(wj);
    const mh = Math.floor(mantissa * INV32);
    const lo = mantissa - mh * TWO32;
    const li = shift >>> 5;
    const scale = POW2[shift & 31] as number;
    // (mh·2^32 + lo)·2^(shift mod 32) < 2^84 as three limbs (every product and split below is exact).
    const t1 = lo * scale;
    const h1 = Math.floor(t1 * INV32);
    const t2 = mh * scale;
    const h2 = Math.floor(t2 * INV32);
    limbs[li] = (limbs[li] as number) + (t1 - h1 * TWO32);
    limbs[li + 1] = (limbs[li + 1] as number) + h1 + (t2 - h2 * TWO32);
    limbs[li + 2] = (limbs[li + 2] as number) + h2;
  }
  for (let i = 0; i < LIMBS - 1; i++) {
    const carry = Math.floor((limbs[i] as number) * INV32);
    limbs[i] = (limbs[i] as number) - carry * TWO32;
    limbs[i + 1] = (limbs[i + 1] as number) + carry;
  }
}

/** The integer the limbs hold. */
function limbsValue(limbs: Float64Array): bigint {
  let acc = 0n;
  for (let i = LIMBS - 1; i >= 0; i--) acc = (acc << 32n) + BigInt(limbs[i] as number);
  return acc;
}

/** The exact prefix sums of a slice's weights, in units of 2^-1074, built once per call on its first ambiguous draw. */
interface ExactPrefix {
  /** snaps[b·LIMBS ..] = the limbs of w_0 + … + w_{b·BLOCK − 1}. */
  snaps: Float64Array;
  total: bigint;
  work: Float64Array;
}

function exactPrefix(w: Float64Array, c: number): ExactPrefix {
  const blocks = Math.floor(c / BLOCK) + 1;
  const snaps = new Float64Array(blocks * LIMBS);
  const work = new Float64Array(LIMBS);
  for (let b = 0; b < blocks; b++) {
    snaps.set(work, b * LIMBS);
    addBlock(w, b * BLOCK, Math.min(c, (b + 1) * BLOCK), work);
  }
  return { snaps, total: limbsValue(work), work };
}

/** w_0 + … + w_{j−1} exactly (units of 2^-1074): a snapshot and at most BLOCK − 1 additions. */
function prefixAt(e: ExactPrefix, w: Float64Array, j: number): bigint {
  const b = Math.floor(j / BLOCK);
  e.work.set(e.snaps.subarray(b * LIMBS, (b + 1) * LIMBS));
  addBlock(w, b * BLOCK, j, e.work);
  return limbsValue(e.work);
}

/**
 * The exact inverse CDF for U in [k/2^53, (k+1)/2^53), refined with 53 more
 * bits of U per round until U·S lies inside one segment [P_j, P_{j+1}) for
 * every U left, with P_j the exact prefix sums (integers, units of 2^-1074)
 * and S = P_c. Only segments ja..jb, which hold the whole first interval, are
 * built (P_ja from `base`). Returns j, or −1 after MAX_ROUNDS.
 */
function refine(w: Float64Array, ja: number, jb: number, base: bigint, total: bigint, k: number, uniform: () => number): number {
  const q: bigint[] = [base];
  for (let j = ja; j <= jb; j++) {
    const wj = w[j] as number;
    q.push((q[q.length - 1] as bigint) + (wj > 0 ? scaled(wj) : 0n));
  }
  let v = BigInt(k);
  let b = 53n;
  for (let round = 0; round <= MAX_ROUNDS; round++) {
    // Left end L = v·S/2^b: its segment is the largest i with P ≤ ⌊L⌋ (the P are integers).
    const left = (v * total) >> b;
    let loIdx = 0;
    let hiIdx = jb - ja;
    while (loIdx < hiIdx) {
      const mid = (loIdx + hiIdx + 1) >>> 1;
      if ((q[mid] as bigint) <= left) loIdx = mid;
      else hiIdx = mid - 1;
    }
    // Right end R = (v+1)·S/2^b (excluded): the interval is inside segment i iff ⌈R⌉ ≤ P_{i+1}.
    const right = ((v + 1n) * total + (1n << b) - 1n) >> b;
    if (right <= (q[loIdx + 1] as bigint)) return ja + loIdx;
    if (round === MAX_ROUNDS) break;
    v = (v << 53n) + BigInt(Math.floor(uniform() * TWO53));
    b += 53n;
  }
  return -1;
}

/** First j in [from, c) with cum[j] > t, or c − 1. */
function firstAbove(cum: Float64Array, from: number, c: number, t: number): number {
  let loIdx = from;
  let hiIdx = c - 1;
  while (loIdx < hiIdx) {
    const mid = (loIdx + hiIdx) >>> 1;
    if ((cum[mid] as number) > t) hiIdx = mid;
    else loIdx = mid + 1;
  }
  return loIdx;
}

/** What the rare branch of one {@link drawWithReplacement} call needs (one object, so the hot loop passes one value). */
interface Slice {
  w: Float64Array;
  c: number;
  cum: Float64Array;
  lastPositive: number;
  margin: number;
  uniform: () => number;
  /** The exact prefix sums, built on the first ambiguous draw. */
  exact: ExactPrefix | null;
}

/**
 * The rare branch of {@link drawWithReplacement} (fl(u·s) = target within M of
 * the end of the segment found from j0): the float inverse CDF's answer if both
 * of its ends are far enough, else the exact draw; −1 for a broken source.
 * Kept out of the hot loop, with its state in one object, so that the loop
 * stays as small as a plain inverse CDF's.
 */
function nearBoundary(sl: Slice, j0: number, target: number, u: number): number {
  const { w, c, cum, lastPositive, margin } = sl;
  let j = firstAbove(cum, j0, c, target);
  if (!((cum[j] as number) > target)) j = lastPositive;
  // C_{j−1} = 0 exactly when the float prefix is 0 (all earlier weights 0); the last segment ends at S exactly.
  const lowerOk = j === 0 || (cum[j - 1] as number) === 0 || (cum[j - 1] as number) + margin <= target;
  const upperOk = j === lastPositive || target + margin <= (cum[j] as number);
  if (lowerOk && upperOk) return j;
  if (sl.exact === null) sl.exact = exactPrefix(w, c);
  // Segments that can meet the interval: C_j > fl(u·s) − 2M and C_{j−1} < fl(u·s) + 2M.
  const ja = firstAbove(cum, 0, c, target - 2 * margin);
  const jb = firstAbove(cum, ja, c, target + 2 * margin);
  return refine(w, ja, jb, prefixAt(sl.exact, w, ja), sl.exact.total, Math.floor(u * TWO53), sl.uniform);
}

/**
 * Draws `count` indices with replacement among cand[0..c) with weights w into
 * out[outOff + j·outStride]; `cum` is scratch ≥ c. Returns false, with out
 * partly written, only for a broken uniform source (see below).
 *
 * **Method.** Entry j is drawn iff U·S ∈ [C_{j−1}, C_j), with C_j the exact
 * prefix sums of w, S the exact total and U uniform on [0, 1) as an unending
 * binary fraction, of which each `uniform()` call u gives 53 bits
 * (k = ⌊u·2^53⌋). So the probability of j is w_j/S exactly, for every positive
 * weight down to 2^-1074.
 * Fast path, one uniform: the first j with fl(u·s) < cum[j] on the float
 * running sums (what an inverse CDF on them returns), kept when every U in
 * [k/2^53, (k+1)/2^53) maps into segment j however the float sums are
 * rounded: fl(u·s) at least M = (c+1)·2^-51·s away from both float
 * boundaries, twice the forward error bound of recursive summation plus the
 * 2^-53 width of the interval (the first segment's lower end, 0, and the
 * last's upper end, S, are exact).
 * Otherwise (at most (c²−1)·2^-50 per draw: about 3·10^-14 for c = 6,
 * 2·10^-6 for c = 50 000), exact integer prefix sums (units of 2^-1074: a
 * limb accumulator snapshotted every 1024 weights, one O(c) pass on a call's
 * first ambiguous draw and at most 1023 additions on each later one; BigInt
 * over the few segments within 2M of fl(u·s)) and 53 more random bits per
 * round settle it.
 * A source that keeps U on a boundary for 64 rounds (3,392 bits; a uniform one
 * does with probability below 2^-3000) makes it return false.
 */
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
): boolean {
  let s = 0;
  let lastPositive = 0;
  for (let j = 0; j < c; j++) {
    const wj = w[j] as number;
    s += wj;
    cum[j] = s;
    if (wj > 0) lastPositive = j;
  }
  // Bounds every rounding below (2^-1000 covers products and sums that underflow); see the doc comment.
  const margin = (c + 1) * 4.440892098500626e-16 * s + 2 ** -1000;
  const slice: Slice = { w, c, cum, lastPositive, margin, uniform, exact: null };
  for (let d = 0; d < count; d++) {
    const u = uniform();
    const target = u * s;
    // Search fl(u·s) − M: when the segment found also ends above fl(u·s) + M, it is the first j with cum[j] > fl(u·s)
    // (what a float inverse CDF returns) and no rounding can move U out of it. One search, one more comparison.
    const low = target - margin;
    let loIdx = 0;
    let hiIdx = c - 1;
    while (loIdx < hiIdx) {
      const mid = (loIdx + hiIdx) >>> 1;
      if ((cum[mid] as number) > low) hiIdx = mid;
      else loIdx = mid + 1;
    }
    let j = loIdx;
    if (!((cum[j] as number) > target + margin)) {
      j = nearBoundary(slice, j, target, u);
      if (j < 0) return false;
    }
    out[outOff + d * outStride] = cand[j] as number;
  }
  return true;
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
