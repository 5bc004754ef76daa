/**
 * Cross-entropy kernels over one contiguous slice (the caller copies a strided
 * slice into scratch first). Compute only: no validation, no allocation.
 *
 * Every variant (class index or probability targets, class weights, label
 * smoothing) is written as one coefficient vector a ≥ 0 over the classes:
 *
 *   loss = Σ_k a_k · (−log p_k),   ∂loss/∂x_k = c·p_k − a_k,   c = Σ_k a_k.
 *
 * Index target y, weights w, smoothing ε over the K' counted classes (not
 * masked, logit > −∞): a_k = ε·w_k/K' (counted k) plus (1−ε)·w_y at k = y —
 * PyTorch's CrossEntropyLoss formula. Probability targets t:
 * a_k = w_k·((1−ε)·t_k + ε/K') for counted k, w_k·(1−ε)·t_k otherwise.
 *
 * log p comes from the exact log-softmax kernel (never log(softmax)), so a
 * loss near 0 keeps its digits; every term a_k·(−log p_k) is ≥ 0 and the sum
 * is compensated, so the loss is within a few ulp. In the gradient, c·p_k − a_k
 * cancels when p_k ≈ a_k/c: for the one class with p_k > 1/2 it is rewritten
 * as Σ_{j≠k} a_j − c·Σ_{j≠k} p_j, where both sums are of small positive terms.
 */
import { logSoftmaxKernel } from "../logSoftmax.js";
import { softmaxKernel } from "../softmax.js";
import { HAS_NAN, NOTHING } from "../stats.js";
import { type Accumulator, add, reset, total } from "./sums.js";

const NEG_INF = Number.NEGATIVE_INFINITY;

/** True when class k is counted for smoothing: not masked, logit not −∞ (and not NaN). */
function counted(x: ArrayLike<number>, mask: Uint8Array | null, k: number): boolean {
  return (mask === null || mask[k] !== 0) && (x[k] as number) > NEG_INF;
}

/** Number of counted classes K'. */
export function countedClasses(x: ArrayLike<number>, n: number, mask: Uint8Array | null): number {
  let c = 0;
  for (let k = 0; k < n; k++) if (counted(x, mask, k)) c++;
  return c;
}

/** Fills a[0..n) for class index target y; returns the item's weight w_y. */
export function indexCoefficients(
  a: Float64Array,
  x: ArrayLike<number>,
  n: number,
  mask: Uint8Array | null,
  y: number,
  w: Float64Array | null,
  eps: number,
): number {
  const kc = eps > 0 ? countedClasses(x, n, mask) : 0;
  for (let k = 0; k < n; k++) a[k] = kc > 0 && counted(x, mask, k) ? (eps * (w === null ? 1 : (w[k] as number))) / kc : 0;
  const wy = w === null ? 1 : (w[y] as number);
  a[y] = (a[y] as number) + (1 - eps) * wy;
  return wy;
}

/** Fills a[0..n) for probability targets t[tOff + k·tStride]. */
export function softCoefficients(
  a: Float64Array,
  x: ArrayLike<number>,
  n: number,
  mask: Uint8Array | null,
  t: ArrayLike<number>,
  tOff: number,
  tStride: number,
  w: Float64Array | null,
  eps: number,
): void {
  const kc = eps > 0 ? countedClasses(x, n, mask) : 0;
  for (let k = 0, i = tOff; k < n; k++, i += tStride) {
    const tk = t[i] as number;
    const smooth = kc > 0 && counted(x, mask, k) ? eps / kc : 0;
    a[k] = (w === null ? 1 : (w[k] as number)) * ((1 - eps) * tk + smooth);
  }
}

/**
 * Loss Σ a_k·(−log p_k) of the contiguous slice x[0..n); `lp` is scratch (≥ n).
 * NaN in the slice → NaN; nothing counted → +Infinity (when some a_k > 0).
 */
export function crossEntropyLoss(x: ArrayLike<number>, n: number, mask: Uint8Array | null, a: Float64Array, lp: Float64Array, acc: Accumulator): number {
  const status = logSoftmaxKernel(x, lp, 0, 1, n, mask, 1, NEG_INF);
  if (status === HAS_NAN) return Number.NaN;
  reset(acc);
  for (let k = 0; k < n; k++) {
    const ak = a[k] as number;
    if (ak === 0) continue;
    if (ak !== ak) return Number.NaN;
    add(acc, ak * -(lp[k] as number));
  }
  return total(acc);
}

/**
 * Gradient c·p − a of the loss of the contiguous slice x[0..n), divided by
 * `div`, written to g[gOff + k·gStride]. `p` is scratch (≥ n). NaN in the
 * slice, or nothing counted (the loss is +Infinity), gives NaN.
 */
export function crossEntropyGrad(
  x: ArrayLike<number>,
  n: number,
  mask: Uint8Array | null,
  a: Float64Array,
  p: Float64Array,
  g: Float32Array | Float64Array,
  gOff: number,
  gStride: number,
  div: number,
  acc: Accumulator,
): void {
  const status = softmaxKernel(x, p, 0, 1, n, mask, 1, 0, null);
  if (status === HAS_NAN || status === NOTHING) {
    for (let k = 0, i = gOff; k < n; k++, i += gStride) g[i] = Number.NaN;
    return;
  }
  reset(acc);
  let big = -1;
  for (let k = 0; k < n; k++) {
    add(acc, a[k] as number);
    if ((p[k] as number) > 0.5) big = k;
  }
  const c = total(acc);
  for (let k = 0, i = gOff; k < n; k++, i += gStride) {
    let v: number;
    if (k === big) {
      // c·p_k − a_k = Σ_{j≠k} a_j − c·Σ_{j≠k} p_j, both sums of small terms.
      reset(acc);
      for (let j = 0; j < n; j++) if (j !== k) add(acc, a[j] as number);
      const restA = total(acc);
      reset(acc);
      for (let j = 0; j < n; j++) if (j !== k) add(acc, p[j] as number);
      v = restA - c * total(acc);
    } else {
      v = c * (p[k] as number) - (a[k] as number);
    }
    g[i] = div === 1 ? v : v / div;
  }
}
