/**
 * The shared body of {@link crossEntropy} and {@link crossEntropyBackward}:
 * validate, then run the coefficient / loss / gradient kernels per item.
 */
import { scratchOf } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { crossEntropyGrad, crossEntropyLoss, indexCoefficients, softCoefficients } from "../kernels/js/family/crossEntropy.js";
import { accumulator, add, total } from "../kernels/js/family/sums.js";
import { HAS_NAN, scan } from "../kernels/js/stats.js";
import { type Flat, fromFlat, outputBuffer, toFlat, toMask } from "../tensor/convert.js";
import { forEachSlice, layoutOf, reducedShape } from "../tensor/layout.js";
import type { Logits, Mask, NestedNumbers } from "../tensor/types.js";
import {
  axisOf,
  checkOptions,
  checkProbabilities,
  classWeightsOf,
  ignoreIndexOf,
  indexTargetsOf,
  isFloat32,
  numberOption,
  perSliceResult,
  type Reduction,
  reductionOf,
  sameShape,
  scalarOf,
} from "./_shared.js";

/** Options of {@link crossEntropy} and {@link crossEntropyBackward}. */
export interface CrossEntropyOptions {
  /** The class axis of the logits. Default -1. */
  axis?: number;
  /** ε in [0, 1]: the target becomes (1−ε)·target + ε/K' spread over the K' counted classes (not masked, logit > −∞). Default 0. */
  labelSmoothing?: number;
  /** One weight per class (finite, ≥ 0), as PyTorch's `weight`. Default all 1. */
  weights?: Logits;
  /** Items whose class index target equals this are not counted (loss 0, gradient 0). Default -100. Index targets only. */
  ignoreIndex?: number;
  /** A boolean mask of the logits' shape: false classes get probability 0, do not count in the softmax nor in smoothing. */
  where?: Mask;
  /** "none": per-item losses (the logits' shape without the class axis); "sum"; "mean" (default): Σ weighted loss / Σ item weights, 0 when nothing is counted. */
  reduction?: Reduction;
}

const KNOWN = ["axis", "labelSmoothing", "weights", "ignoreIndex", "where", "reduction"] as const;

/** Class index targets: a number (1-d logits), number[], nested, an integer typed array or a tensor-like of the logits' shape without the class axis. Probability targets: the logits' shape. */
export type Target = number | readonly NestedNumbers[] | Logits;

interface Prepared {
  flat: Flat;
  axis: number;
  n: number;
  mask: Uint8Array | null;
  weights: Float64Array | null;
  eps: number;
  reduction: Reduction;
  /** Class indices per item (index targets), or null. */
  indices: Float64Array | null;
  ignoreIndex: number;
  /** Probability targets of the logits' shape, or null. */
  soft: Flat | null;
}

function prepare(fn: string, logits: unknown, target: unknown, options: unknown): Prepared {
  const o = checkOptions(options, KNOWN, fn);
  const flat = toFlat(logits, fn, "logits");
  const axis = axisOf(o.axis, flat.shape.length, fn);
  const n = flat.shape[axis] as number;
  const eps = numberOption(o.labelSmoothing, fn, "labelSmoothing", 0, (v) => v >= 0 && v <= 1, "a number in [0, 1]");
  const weights = classWeightsOf(o.weights, n, fn);
  const reduction = reductionOf(o.reduction, fn, "mean");
  const ignoreIndex = ignoreIndexOf(o.ignoreIndex, fn);
  const mask = toMask(o.where as Mask | undefined, flat.shape, fn);
  const itemShape = reducedShape(flat.shape, [axis], false);
  let indices: Float64Array | null = null;
  let soft: Flat | null = null;
  const rank = typeof target === "number" ? 0 : toFlat(target, fn, "target").shape.length;
  if (rank === flat.shape.length && typeof target !== "number") {
    soft = toFlat(target, fn, "target");
    sameShape(flat.shape, soft.shape, fn, "target", "the logits (probability targets)");
    if (o.ignoreIndex !== undefined) {
      throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.ignoreIndex", expected: "no ignoreIndex with probability targets" });
    }
    checkProbabilities(soft, fn, "target");
  } else {
    indices = indexTargetsOf(target, itemShape, n, ignoreIndex, fn);
  }
  return { flat, axis, n, mask, weights, eps, reduction, indices, ignoreIndex, soft };
}

/** Runs `f(item, off, stride, a)` for every item with its coefficients in `a` and the contiguous slice copy in `xs`/`ms`; returns Σ item weights of counted items. */
function eachItem(
  p: Prepared,
  f: (item: number, off: number, stride: number, a: Float64Array, xs: Float64Array, ms: Uint8Array | null, weight: number, nan: boolean) => void,
): void {
  const { flat, axis, n, mask, weights, eps, indices, ignoreIndex, soft } = p;
  const layout = layoutOf(flat.shape, axis);
  const scratch = scratchOf(3 * n);
  const xs = scratch.subarray(0, n);
  const a = new Float64Array(n);
  const ms = mask === null ? null : new Uint8Array(n);
  forEachSlice(layout, (off, stride, item) => {
    for (let k = 0, i = off; k < n; k++, i += stride) {
      xs[k] = flat.data[i] as number;
      if (ms !== null && mask !== null) ms[k] = mask[i] as number;
    }
    let weight = 1;
    if (indices !== null) {
      const y = indices[item] as number;
      if (y === ignoreIndex) {
        f(item, off, stride, a, xs, ms, 0, false);
        return;
      }
      weight = indexCoefficients(a, xs, n, ms, y, weights, eps);
    } else if (soft !== null) {
      softCoefficients(a, xs, n, ms, soft.data, off, stride, weights, eps);
    }
    const nan = scan(xs, 0, 1, n, ms) === HAS_NAN;
    f(item, off, stride, a, xs, ms, weight, nan);
  });
}

/** Per-item losses, then the reduction. */
export function crossEntropyBody(fn: string, logits: unknown, target: unknown, options: unknown): unknown {
  const p = prepare(fn, logits, target, options);
  const { flat, axis, n } = p;
  const layout = layoutOf(flat.shape, axis);
  const items = layout.outer * layout.inner;
  const losses = new Float64Array(items);
  const lp = new Float64Array(n);
  const acc = accumulator();
  const sum = accumulator();
  const weightSum = accumulator();
  eachItem(p, (item, _off, _stride, a, xs, ms, weight, nan) => {
    if (weight === 0 && p.indices !== null && (p.indices[item] as number) === p.ignoreIndex) {
      losses[item] = 0;
      return;
    }
    const loss = nan ? Number.NaN : crossEntropyLoss(xs, n, ms, a, lp, acc);
    losses[item] = loss;
    add(sum, loss);
    add(weightSum, weight);
  });
  const f32 = isFloat32(flat);
  if (p.reduction === "none") return perSliceResult(losses, flat.shape, axis, flat.kind, f32);
  const s = total(sum);
  if (p.reduction === "sum") return scalarOf(s, f32);
  const w = total(weightSum);
  return scalarOf(w === 0 ? 0 : s / w, f32);
}

/** The gradient with respect to the logits, in the logits' kind and shape. */
export function crossEntropyBackwardBody(fn: string, logits: unknown, target: unknown, options: unknown): unknown {
  const p = prepare(fn, logits, target, options);
  const { flat, n } = p;
  const g = outputBuffer(flat.data.length, isFloat32(flat), undefined, fn, flat.kind);
  // Mean: the divisor Σ item weights needs a first pass (the coefficients give each item's weight).
  let div = 1;
  if (p.reduction === "mean") {
    const weightSum = accumulator();
    eachItem(p, (item, _o, _s, _a, _xs, _ms, weight) => {
      if (!(weight === 0 && p.indices !== null && (p.indices[item] as number) === p.ignoreIndex)) add(weightSum, weight);
    });
    div = total(weightSum);
  }
  const ps = new Float64Array(n);
  const acc = accumulator();
  eachItem(p, (item, off, stride, a, xs, ms, weight) => {
    const ignored = weight === 0 && p.indices !== null && (p.indices[item] as number) === p.ignoreIndex;
    if (ignored || div === 0) {
      for (let k = 0, i = off; k < n; k++, i += stride) g[i] = 0;
      return;
    }
    crossEntropyGrad(xs, n, ms, a, ps, g, off, stride, div, acc);
  });
  return fromFlat(g, flat.shape, flat.kind);
}
