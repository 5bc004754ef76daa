/**
 * Entropy and Kullback–Leibler kernels over one contiguous slice. Compute only.
 *
 * From logits, log p comes from the exact log-softmax kernel and p from the
 * exact softmax kernel; H = Σ p_k·(−log p_k) is a sum of terms ≥ 0
 * (compensated), so it is accurate to a few ulp. KL(p‖q) = Σ p_k (log p_k −
 * log q_k) can cancel (it is 0 for p = q): its error is absolute, a few
 * units of 2^-53 · Σ p_k (|log p_k| + |log q_k|). From probabilities,
 * log(p/q) is taken as log1p((p − q)/q) when p/q ∈ (1/2, 2) (p − q exact by
 * Sterbenz's lemma), which keeps small KL values relatively accurate.
 */
import { logSoftmaxKernel } from "../logSoftmax.js";
import { softmaxKernel } from "../softmax.js";
import { HAS_NAN, NOTHING } from "../stats.js";
import { type Accumulator, add, reset, total } from "./sums.js";

const NEG_INF = Number.NEGATIVE_INFINITY;

/** Entropy of softmax(x[0..n)); `p`, `lp` scratch ≥ n. Nothing counted → 0; NaN → NaN. */
export function entropyOfLogits(x: ArrayLike<number>, n: number, mask: Uint8Array | null, p: Float64Array, lp: Float64Array, acc: Accumulator): number {
  const status = softmaxKernel(x, p, 0, 1, n, mask, 1, 0, null);
  if (status === HAS_NAN) return Number.NaN;
  if (status === NOTHING) return 0;
  logSoftmaxKernel(x, lp, 0, 1, n, mask, 1, NEG_INF);
  reset(acc);
  for (let k = 0; k < n; k++) {
    const pk = p[k] as number;
    if (pk > 0) add(acc, pk * -(lp[k] as number));
  }
  return total(acc);
}

/** −Σ p log p of probabilities p[off + k·stride] (0·log 0 = 0; masked entries skipped). */
export function entropyOfProbabilities(p: ArrayLike<number>, off: number, stride: number, n: number, mask: Uint8Array | null, acc: Accumulator): number {
  reset(acc);
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if (mask !== null && mask[i] === 0) continue;
    const v = p[i] as number;
    if (v === 0) continue;
    add(acc, v * -Math.log(v));
  }
  return total(acc);
}

/** KL(softmax(a) ‖ softmax(b)) of contiguous slices; scratch p, la, lb ≥ n. */
export function klOfLogits(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  mask: Uint8Array | null,
  p: Float64Array,
  la: Float64Array,
  lb: Float64Array,
  acc: Accumulator,
): number {
  const sa = softmaxKernel(a, p, 0, 1, n, mask, 1, 0, null);
  const sb = logSoftmaxKernel(b, lb, 0, 1, n, mask, 1, NEG_INF);
  if (sa === HAS_NAN || sb === HAS_NAN) return Number.NaN;
  if (sa === NOTHING) return 0;
  logSoftmaxKernel(a, la, 0, 1, n, mask, 1, NEG_INF);
  reset(acc);
  for (let k = 0; k < n; k++) {
    const pk = p[k] as number;
    if (!(pk > 0)) continue;
    const lq = lb[k] as number;
    if (lq === NEG_INF) return Number.POSITIVE_INFINITY;
    add(acc, pk * ((la[k] as number) - lq));
  }
  return total(acc);
}

/** log(p/q) for p > 0, q ≥ 0, accurate near p = q. */
export function logRatio(pv: number, qv: number): number {
  const r = pv / qv;
  if (r > 0.5 && r < 2) return Math.log1p((pv - qv) / qv);
  if (r > 0 && Number.isFinite(r)) return Math.log(r);
  return Math.log(pv) - Math.log(qv);
}

/** KL(p ‖ q) of probability slices p[off + k·stride], q[...]; p = 0 terms are 0, q = 0 < p gives +Infinity. */
export function klOfProbabilities(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
  off: number,
  stride: number,
  n: number,
  mask: Uint8Array | null,
  acc: Accumulator,
): number {
  reset(acc);
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if (mask !== null && mask[i] === 0) continue;
    const pv = p[i] as number;
    const qv = q[i] as number;
    if (pv !== pv || qv !== qv) return Number.NaN;
    if (pv === 0) continue;
    if (qv === 0) return Number.POSITIVE_INFINITY;
    add(acc, pv * logRatio(pv, qv));
  }
  return total(acc);
}
