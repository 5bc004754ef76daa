import { booleanOf, temperatureOf } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { candidates, drawWithoutReplacement, drawWithReplacement, SLICE_NAN } from "../kernels/js/family/sampling.js";
import { toFlat, toMask, unflatten } from "../tensor/convert.js";
import { forEachSlice, layoutOf, reducedShape } from "../tensor/layout.js";
import type { Logits, Mask } from "../tensor/types.js";
import { axisOf, checkOptions, fullyMaskedSlice, nanSlice, numberOption, slicePath } from "./_shared.js";
import { type RandomSource, uniformOf } from "./createRandom.js";

/** Options of {@link sampleCategorical}. */
export interface SampleCategoricalOptions {
  /** The class axis. Default -1. */
  axis?: number;
  /** Divide the logits by T (finite, ≥ 0) first. Default 1. 0: uniform among the maxima (greedy). */
  temperature?: number;
  /** Keep only the entries ≥ the k-th largest logit (ties at the boundary kept). Integer ≥ 1. Default off. */
  topK?: number;
  /** Nucleus: keep the smallest set of most likely entries whose probability reaches topP ∈ (0, 1]. Default 1 (off). */
  topP?: number;
  /** Keep the entries with probability ≥ minP × the largest probability, minP ∈ [0, 1]. Default 0 (off). */
  minP?: number;
  /** Draws per slice. Default: one draw and no extra axis; with n, a last axis of length n is added. */
  n?: number;
  /** Draw with replacement (default true); false draws n distinct classes (Gumbel top-k). */
  replacement?: boolean;
  /** Boolean mask of the logits' shape: false classes are never drawn. */
  where?: Mask;
  /** The uniform source: a `() => number` in [0, 1) or a Random. Default Math.random (not reproducible). */
  random?: RandomSource;
  /** Shorthand for `random: createRandom(seed)`. */
  seed?: number;
}

/** Class indices: a number (one draw from 1-d logits), nested arrays, an Int32Array (typed input) or `{ data: Int32Array, shape }`. */
export type SampleResult = number | number[] | number[][] | Int32Array | { data: Int32Array; shape: number[]; dims?: number[] } | unknown[];

const KNOWN = ["axis", "temperature", "topK", "topP", "minP", "n", "replacement", "where", "random", "seed"] as const;

/** Gives class indices back in the logits' kind. */
export function indicesResult(data: Int32Array, shape: number[], kind: ReturnType<typeof toFlat>["kind"]): SampleResult {
  if (kind.type === "tensor") return kind.dims ? { data, shape, dims: shape.slice() } : { data, shape };
  if (shape.length === 0) return data[0] as number;
  if (kind.type === "typed" && shape.length === 1) return data;
  return unflatten(data, shape) as SampleResult;
}

/**
 * Draws class indices from softmax(logits / T), optionally filtered by topK,
 * topP and minP, with or without replacement, along any axis.
 *
 * ```ts
 * sampleCategorical([1, 2, 3], { seed: 7 });                       // one index, e.g. 2
 * sampleCategorical(batch, { n: 5, topP: 0.9, temperature: 0.7, random: createRandom(1) });
 * sampleCategorical(logits, { n: 3, replacement: false, seed: 1 }); // 3 distinct classes
 * ```
 *
 * **Method.** `src/kernels/js/family/sampling.ts`: weights w_k = e^{(x_k−m)/T}
 * straight from the logits in float64 (exact differences), never from
 * rounded normalized probabilities. With replacement: inverse CDF on Σw,
 * exact: one uniform per draw (53 bits) decides unless it lands within the
 * float rounding margin of a segment boundary (probability at most
 * (c²−1)·2^-50 for c candidates), where exact BigInt prefix sums and 53 more
 * random bits per round settle it. Without: Gumbel top-k on log w_k + G_k.
 * Filters in Hugging Face's order: temperature, topK, topP, minP.
 *
 * **Accuracy.** With replacement, class k is drawn with probability exactly
 * w_k / Σw for the float64 weights w_k (each within about 1 ulp of
 * e^{(x_k−m)/T}), however small (down to 2^-1074 relative), given a source of
 * uniform 53-bit values such as `createRandom` (Math.random gives 52 bits in
 * V8). Tested at a class of relative probability 2^-60 by forcing the first
 * uniform into the boundary's 2^-53-wide window (rate 2^53·p within it).
 * Without replacement, the Gumbel keys carry the 2^-53 resolution of one
 * uniform per class. Chi-square goodness-of-fit tests at
 * significance 0.001 with pinned seeds (`test/family/sampleCategorical.test.ts`)
 * check each mode (report in the README, "Losses, gradients, sampling").
 *
 * **Special cases** (per slice):
 * | input | result |
 * |---|---|
 * | any NaN | throws INVALID_INPUT naming the slice |
 * | all masked / all −∞ / empty | throws FULLY_MASKED naming the slice |
 * | +∞ entries | uniform among them |
 * | temperature 0 | uniform among the maxima |
 * | n > candidates, replacement false | throws INVALID_OPTION |
 * | a `random` that stays on a boundary for 64 refinement draws | throws INVALID_OPTION (`options.random`) |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION, FULLY_MASKED.
 */
export function sampleCategorical(logits: Logits, options?: SampleCategoricalOptions): SampleResult {
  const fn = "sampleCategorical";
  const o = checkOptions(options, KNOWN, fn);
  const flat = toFlat(logits, fn, "logits");
  const axis = axisOf(o.axis, flat.shape.length, fn);
  const t = temperatureOf(o.temperature, fn);
  const topK = numberOption(o.topK, fn, "topK", 0, (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
  const topP = numberOption(o.topP, fn, "topP", 1, (v) => v > 0 && v <= 1, "a number in (0, 1]");
  const minP = numberOption(o.minP, fn, "minP", 0, (v) => v >= 0 && v <= 1, "a number in [0, 1]");
  const count = numberOption(o.n, fn, "n", 1, (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
  const replacement = o.replacement === undefined ? true : booleanOf(o.replacement, fn, "replacement");
  const mask = toMask(o.where as Mask | undefined, flat.shape, fn);
  const uniform = uniformOf(o, fn);
  const layout = layoutOf(flat.shape, axis);
  const n = layout.n;
  const slices = layout.outer * layout.inner;
  const out = new Int32Array(slices * count);
  const cand = new Int32Array(n);
  const order = new Int32Array(2 * n);
  const w = new Float64Array(n);
  const key = new Float64Array(n);
  const cum = new Float64Array(n);
  const filters = { t, topK, topP, minP };
  forEachSlice(layout, (off, stride, s) => {
    const c = candidates(flat.data, off, stride, n, mask, filters, cand, w, key, order);
    if (c === SLICE_NAN) throw nanSlice(fn, s, flat.shape, axis);
    if (c === 0) throw fullyMaskedSlice(fn, s, flat.shape, axis);
    if (replacement) {
      if (!drawWithReplacement(cand, w, c, cum, count, uniform, out, s * count, 1)) {
        throw new SoftmaxError({
          code: "INVALID_OPTION",
          fn,
          arg: "options.random",
          expected: "a uniform source in [0, 1) (64 further draws never settled one exact draw)",
        });
      }
    } else {
      if (count > c) {
        throw new SoftmaxError({
          code: "INVALID_OPTION",
          fn,
          arg: "options.n",
          expected: `at most ${c} draws without replacement: slice logits${slicePath(s, flat.shape, axis)} has ${c} classes to draw from`,
          received: count,
        });
      }
      drawWithoutReplacement(cand, key, c, cum, order, count, uniform, out, s * count, 1);
    }
  });
  const shape = reducedShape(flat.shape, [axis], false);
  if (o.n !== undefined) shape.push(count);
  return indicesResult(out, shape, flat.kind);
}
