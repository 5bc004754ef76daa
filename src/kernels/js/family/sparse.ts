/**
 * Sparsemax and 1.5-entmax kernels over one strided slice: exact, sort-based
 * (no bisection). Compute only; `z` is float64 scratch of length ≥ n.
 *
 * Sparsemax (Martins & Astudillo, ICML 2016, Alg. 1): sort z descending,
 * k* = max{k : 1 + k·z_(k) > Σ_{j≤k} z_(j)}, τ = (Σ_{j≤k*} z_(j) − 1)/k*,
 * p = max(z − τ, 0). The prefix sum is compensated and τ is kept as a
 * double-double, and z_i − τ is taken exactly (TwoSum), so p_i is within
 * about 1 ulp of max(|z_i|, |τ|)·2^-53 absolute.
 *
 * 1.5-entmax (Peters, Niculae & Martins, ACL 2019, Alg. 2): u = z/2 (exact),
 * sorted descending; on a support of size k, τ_k solves Σ_{j≤k}(u_j − τ)² = 1:
 * τ_k = mean_k − √(1/k − var_k); k* = max{k : τ_k ≤ u_(k)},
 * p = max(u − τ, 0)². Means and variances run on u − u_(1) (Welford), then τ
 * gets two Newton steps on Σ(u_j − τ)² − 1 with exact differences, so the
 * result is accurate to a few ulp, not only to the closed form's rounding.
 *
 * Special slices (as softmax): NaN → all NaN; nothing counted → zeros;
 * +Infinity entries share 1 equally; masked and −∞ entries → 0.
 */
import { ddDiv, lo, twoSum } from "../exact.js";
import { fillSlice, shareMax } from "../softmax.js";
import { HAS_NAN, NOTHING, POS_INF, scan, scanned } from "../stats.js";

const NEG_INF = Number.NEGATIVE_INFINITY;

/** The contract of both kernels: the slice of x at positions off + k·stride, k < n, into y at the same positions; `mask` as x or null; `z` scratch of length ≥ n. */
export type SparseKernel = (
  x: ArrayLike<number>,
  y: Float32Array | Float64Array,
  off: number,
  stride: number,
  n: number,
  mask: Uint8Array | null,
  z: Float64Array,
) => void;

/** Gathers the counted finite entries into z[0..c), sorted descending; returns c. */
function sortedDesc(x: ArrayLike<number>, off: number, stride: number, n: number, mask: Uint8Array | null, z: Float64Array): number {
  let c = 0;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if (mask !== null && mask[i] === 0) continue;
    const v = x[i] as number;
    if (v > NEG_INF) z[c++] = v;
  }
  const view = z.subarray(0, c);
  view.sort();
  view.reverse();
  return c;
}

/** The special slices; returns true when handled. */
function special(x: ArrayLike<number>, y: Float32Array | Float64Array, off: number, stride: number, n: number, mask: Uint8Array | null): boolean {
  const status = scan(x, off, stride, n, mask);
  if (status === HAS_NAN) fillSlice(y, off, stride, n, Number.NaN);
  else if (status === NOTHING) fillSlice(y, off, stride, n, 0);
  else if (status === POS_INF) shareMax(x, y, off, stride, n, mask, scanned.max, 1 / scanned.count, 0);
  else return false;
  return true;
}

/** Sparsemax of the slice into y at the same positions. */
export const sparsemaxKernel: SparseKernel = (x, y, off, stride, n, mask, z) => {
  if (special(x, y, off, stride, n, mask)) return;
  const c = sortedDesc(x, off, stride, n, mask, z);
  let sh = 0;
  let sl = 0;
  let kh = 0;
  let kl = 0;
  let kStar = 0;
  for (let k = 1; k <= c; k++) {
    const u = z[k - 1] as number;
    sh = twoSum(sh, u);
    sl += lo;
    if (1 + k * u > sh + sl) {
      kStar = k;
      kh = sh;
      kl = sl;
    }
  }
  // τ = (Σ − 1)/k* as a double-double.
  const h = twoSum(kh, -1);
  const tauH = ddDiv(h, lo + kl, kStar);
  const tauL = lo;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if ((mask !== null && mask[i] === 0) || x[i] === NEG_INF) {
      y[i] = 0;
      continue;
    }
    const dh = twoSum(x[i] as number, -tauH);
    const v = dh + (lo - tauL);
    y[i] = Math.max(v, 0);
  }
};

/** 1.5-entmax of the slice into y at the same positions. */
export const entmax15Kernel: SparseKernel = (x, y, off, stride, n, mask, z) => {
  if (special(x, y, off, stride, n, mask)) return;
  const c = sortedDesc(x, off, stride, n, mask, z);
  const u1 = (z[0] as number) / 2;
  // Welford on v_j = u_j − u_1 ≤ 0.
  let mean = 0;
  let m2 = 0;
  let tau = 0;
  let kStar = 1;
  for (let k = 1; k <= c; k++) {
    const v = (z[k - 1] as number) / 2 - u1;
    const d = v - mean;
    mean += d / k;
    m2 += d * (v - mean);
    const delta = 1 / k - m2 / k;
    if (delta < 0) continue;
    const t = mean - Math.sqrt(delta);
    if (t <= v) {
      kStar = k;
      tau = t;
    }
  }
  // Newton on f(τ) = Σ_{u_j − u_1 > τ} (u_j − u_1 − τ)² − 1, differences exact.
  for (let it = 0; it < 2; it++) {
    let f = -1;
    let fc = 0;
    let g = 0;
    for (let j = 0; j < kStar; j++) {
      const dh = twoSum((z[j] as number) / 2, -u1);
      const d = dh - tau + lo;
      if (!(d > 0)) continue;
      const sq = d * d;
      const s = f + sq;
      fc += Math.abs(f) >= sq ? f - s + sq : sq - s + f;
      f = s;
      g += d;
    }
    if (g > 0) tau += (f + fc) / (2 * g);
  }
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if (mask !== null && mask[i] === 0) {
      y[i] = 0;
      continue;
    }
    const v = x[i] as number;
    if (v === NEG_INF) {
      y[i] = 0;
      continue;
    }
    const dh = twoSum(v / 2, -u1);
    const d = dh - tau + lo;
    y[i] = d > 0 ? d * d : 0;
  }
};
