import { booleanOf } from "../api/options.js";
import { ddDiv, lo, twoSum } from "../kernels/js/exact.js";
import { expSum, scaledDiff } from "../kernels/js/expsum.js";
import { HAS_NAN, NOTHING, POS_INF, scan, scanned } from "../kernels/js/stats.js";
import { fromFlat, sizeOf, toFlat, toMask } from "../tensor/convert.js";
import { forEachSlice, layoutOf, reducedShape } from "../tensor/layout.js";
import type { Logits, Mask } from "../tensor/types.js";
import { axisOf, checkOptions, isFloat32 } from "./_shared.js";

/** Options of {@link logMeanExp}. */
export interface LogMeanExpOptions {
  /** The axis to reduce, or null for all. Default -1. */
  axis?: number | null;
  /** Keep the reduced axis as size 1. Default false. */
  keepDims?: boolean;
  /** Boolean mask of x's shape: false entries do not count (neither in the sum nor in the count). */
  where?: Mask;
}

/** log((1/n)·Σ e^{x_k}) of a slice, n = number of counted entries. */
export function logMeanExpKernel(x: ArrayLike<number>, off: number, stride: number, n: number, mask: Uint8Array | null): number {
  const status = scan(x, off, stride, n, mask);
  if (status === HAS_NAN) return Number.NaN;
  if (status === NOTHING) return Number.NEGATIVE_INFINITY;
  if (status === POS_INF) return Number.POSITIVE_INFINITY;
  let count = n;
  if (mask !== null) {
    count = 0;
    for (let k = 0, i = off; k < n; k++, i += stride) if (mask[i] !== 0) count++;
  }
  const { max, argmax } = scanned;
  const r = expSum(x, off, stride, n, mask, max, argmax, 1, null, 0, 0);
  const sh = twoSum(1, r);
  const qh = ddDiv(sh, lo, count);
  const ql = lo;
  if (qh < 0.5) return max + (Math.log(qh) + ql / qh);
  // S/n near 1: S − n = Σ (e^{d_k} − 1) by expm1, terms ≤ 0 summed compensated, so log1p((S − n)/n) keeps
  // the digits that e^{d_k} (rounded near 1) would lose: logMeanExp([0, 1e-70]) = 5e-71.
  let sum = 0;
  let comp = 0;
  for (let k = 0, i = off; k < n; k++, i += stride) {
    if (k === argmax || (mask !== null && mask[i] === 0)) continue;
    const dh = scaledDiff(x[i] as number, max, 1);
    const t = dh === Number.NEGATIVE_INFINITY ? -1 : Math.expm1(dh) + Math.exp(dh) * lo;
    const s = sum + t;
    comp += Math.abs(sum) >= Math.abs(t) ? sum - s + t : t - s + sum;
    sum = s;
  }
  return max + Math.log1p((sum + comp) / count);
}

/**
 * Log-mean-exp: log((1/n)·Σ_k e^{x_k}) = logSumExp(x) − log n, without
 * overflow and without the cancellation of that difference (the log of an
 * average of likelihoods, e.g. for importance-weighted bounds).
 *
 * ```ts
 * logMeanExp([0, 0, 0]);          // 0 (exactly)
 * logMeanExp([1000, 1000]);       // 1000
 * logMeanExp([[0, Math.log(3)]]); // [log 2] = [0.6931471805599453]
 * ```
 *
 * **Method.** m + log(S/n) with S = Σ e^{x_k − m} (exact differences,
 * compensated, S/n as a double-double). When S/n ≥ 1/2 the logarithm is taken
 * as log1p((S − n)/n) with S − n = Σ expm1(x_k − m) (terms ≤ 0, compensated),
 * so results near 0, and inputs spread by less than an ulp of 1, keep their digits.
 *
 * **Accuracy** (`test/family/logMeanExp.test.ts`, decimal.js): within 3 ulp of
 * max(|m|, |log(S/n)|) (measured max 1.9); float32 input → float32 output, rounded once.
 *
 * **Special cases** (per slice):
 * | input | output |
 * |---|---|
 * | any NaN | NaN |
 * | any +∞ | +∞ |
 * | all −∞ / all masked / empty | −∞ |
 * | masked entries | not in the sum nor in n |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function logMeanExp(
  x: Logits,
  options?: LogMeanExpOptions,
): number | number[] | unknown[] | Float32Array | Float64Array | { data: Float32Array | Float64Array; shape: number[] } {
  const fn = "logMeanExp";
  const o = checkOptions(options, ["axis", "keepDims", "where"], fn);
  const flat = toFlat(x, fn);
  const keepDims = booleanOf(o.keepDims, fn, "keepDims");
  const mask = toMask(o.where as Mask | undefined, flat.shape, fn);
  const all = o.axis === null;
  const axes = all ? flat.shape.map((_, i) => i) : [axisOf(o.axis, flat.shape.length, fn)];
  const outShape = reducedShape(flat.shape, axes, keepDims);
  const values = new Float64Array(sizeOf(reducedShape(flat.shape, axes, false)));
  if (all) values[0] = logMeanExpKernel(flat.data, 0, 1, flat.data.length, mask);
  else {
    const layout = layoutOf(flat.shape, axes[0] as number);
    forEachSlice(layout, (off, stride, s) => {
      values[s] = logMeanExpKernel(flat.data, off, stride, layout.n, mask);
    });
  }
  return fromFlat(isFloat32(flat) ? Float32Array.from(values) : values, outShape, flat.kind) as number;
}
