import { SoftmaxError } from "../errors.js";
import { accumulator, add, total } from "../kernels/js/family/sums.js";
import { toFlat } from "../tensor/convert.js";
import { forEachSlice, layoutOf, reducedShape } from "../tensor/layout.js";
import type { Logits } from "../tensor/types.js";
import type { Target } from "./_crossEntropy.js";
import {
  axisOf,
  checkOptions,
  classWeightsOf,
  ignoreIndexOf,
  indexTargetsOf,
  isFloat32,
  perSliceResult,
  type Reduction,
  reductionOf,
  scalarOf,
} from "./_shared.js";
import type { LossResult } from "./crossEntropy.js";

/** Options of {@link nll}. */
export interface NllOptions {
  /** The class axis. Default -1. */
  axis?: number;
  /** One weight per class (finite, ≥ 0). Default all 1. */
  weights?: Logits;
  /** Items whose target equals this are not counted. Default -100. */
  ignoreIndex?: number;
  /** "none", "sum" or "mean" (default: Σ w_y·loss / Σ w_y over counted items, 0 when none). */
  reduction?: Reduction;
}

const KNOWN = ["axis", "weights", "ignoreIndex", "reduction"] as const;

/**
 * Negative log-likelihood of class indices given log-probabilities (for example
 * the output of `logSoftmax`): loss_i = −w_{y_i} · logProbs[i, y_i].
 *
 * ```ts
 * nll(logSoftmax([[2, 1, 0.1]]), [0]);   // 0.41703001627783354
 * ```
 *
 * **Method.** A gather, a negation (exact) and a product by the class weight;
 * sums compensated (Neumaier).
 *
 * **Accuracy.** Per item exact (one rounding for weights ≠ 1); "sum" and
 * "mean" (compensated) within 4·2^-53 relative of the exact quotient
 * (`test/family/nll.test.ts`).
 *
 * **Special cases.**
 * | input | loss |
 * |---|---|
 * | target = ignoreIndex | 0, not counted |
 * | log-probability −∞ | +Infinity |
 * | NaN | NaN |
 * | nothing counted, "mean" | 0 |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION.
 */
export function nll(logProbs: Logits, target: Target, options?: NllOptions): LossResult {
  const fn = "nll";
  const o = checkOptions(options, KNOWN, fn);
  const flat = toFlat(logProbs, fn, "logProbs");
  const axis = axisOf(o.axis, flat.shape.length, fn);
  const n = flat.shape[axis] as number;
  const weights = classWeightsOf(o.weights, n, fn);
  const reduction = reductionOf(o.reduction, fn, "mean");
  const ignoreIndex = ignoreIndexOf(o.ignoreIndex, fn);
  if (n === 0) throw new SoftmaxError({ code: "EMPTY", fn, arg: "logProbs", expected: "at least one class" });
  const y = indexTargetsOf(target, reducedShape(flat.shape, [axis], false), n, ignoreIndex, fn);
  const layout = layoutOf(flat.shape, axis);
  const losses = new Float64Array(layout.outer * layout.inner);
  const sum = accumulator();
  const wsum = accumulator();
  forEachSlice(layout, (off, stride, item) => {
    const c = y[item] as number;
    if (c === ignoreIndex) return;
    const w = weights === null ? 1 : (weights[c] as number);
    const lp = flat.data[off + c * stride] as number;
    const loss = w === 0 && lp === lp ? 0 : 0 - w * lp;
    losses[item] = loss;
    add(sum, loss);
    add(wsum, w);
  });
  const f32 = isFloat32(flat);
  if (reduction === "none") return perSliceResult(losses, flat.shape, axis, flat.kind, f32) as LossResult;
  const s = total(sum);
  if (reduction === "sum") return scalarOf(s, f32);
  const w = total(wsum);
  return scalarOf(w === 0 ? 0 : s / w, f32);
}
