/**
 * Elementwise sigmoid and log-sigmoid kernels. Compute only.
 *
 * Method (sigmoid): with e = e^{-|x|} ≤ 1 (never overflows) and 1 + e as a
 * double-double (sh, sl): σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0,
 * each divided by sh and corrected by (1 - sl/sh).
 * Method (log-sigmoid): log σ(x) = -log1p(e^{-x}) for x ≥ 0 and
 * x - log1p(e^{x}) for x < 0: no overflow anywhere (logSigmoid(-800) = -800).
 *
 * Special cases: σ(NaN) = NaN, σ(+∞) = 1, σ(-∞) = 0, σ(±0) = 0.5;
 * logσ(+∞) = 0, logσ(-∞) = -∞, logσ(NaN) = NaN.
 */
import { lo, twoSum } from "./exact.js";

/** σ(x) of one value. */
export function sigmoid1(x: number): number {
  if (x !== x) return x;
  const e = Math.exp(-Math.abs(x));
  const sh = twoSum(1, e);
  const num = x >= 0 ? 1 : e;
  const q = num / sh;
  return q - q * (lo / sh);
}

/** log σ(x) of one value. */
export function logSigmoid1(x: number): number {
  if (x !== x) return x;
  // 0 - (...) rather than -(...): log σ(+∞) is +0, not -0.
  if (x >= 0) return 0 - Math.log1p(Math.exp(-x));
  return x - Math.log1p(Math.exp(x));
}

/** y[i] = σ(x[i]) for i < n (in-place safe). */
export function sigmoidKernel(x: ArrayLike<number>, y: Float32Array | Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = sigmoid1(x[i] as number);
}

/** y[i] = log σ(x[i]) for i < n (in-place safe). */
export function logSigmoidKernel(x: ArrayLike<number>, y: Float32Array | Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = logSigmoid1(x[i] as number);
}
