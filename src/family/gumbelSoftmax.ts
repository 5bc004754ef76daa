import { booleanOf } from "../api/options.js";
import { gumbel } from "../kernels/js/family/sampling.js";
import { softmaxKernel } from "../kernels/js/softmax.js";
import { HAS_NAN, NOTHING, POS_INF, scan } from "../kernels/js/stats.js";
import { fromFlat, outputBuffer, toFlat, toMask } from "../tensor/convert.js";
import { forEachSlice, layoutOf } from "../tensor/layout.js";
import type { Logits, Mask, SameKind } from "../tensor/types.js";
import { axisOf, checkOptions, fullyMaskedSlice, isFloat32, nanSlice, numberOption } from "./_shared.js";
import { type RandomSource, uniformOf } from "./createRandom.js";

/** Options of {@link gumbelSoftmax}. */
export interface GumbelSoftmaxOptions {
  /** The class axis. Default -1. */
  axis?: number;
  /** The temperature τ (finite, > 0). Default 1. */
  tau?: number;
  /** Return the one-hot of the argmax instead of the soft sample. Default false. */
  hard?: boolean;
  /** Boolean mask of the logits' shape: false classes get 0. */
  where?: Mask;
  /** The uniform source: a `() => number` in [0, 1) or a Random. Default Math.random. */
  random?: RandomSource;
  /** Shorthand for `random: createRandom(seed)`. */
  seed?: number;
}

const KNOWN = ["axis", "tau", "hard", "where", "random", "seed"] as const;

/**
 * A Gumbel-softmax (concrete) sample: softmax((x + G)/τ) with G_k i.i.d.
 * standard Gumbel (Jang, Gu & Poole, ICLR 2017; Maddison, Mnih & Teh, ICLR 2017).
 * With `hard`, the one-hot of argmax(x + G), which is an exact categorical
 * draw from softmax(x) (the Gumbel-max trick).
 *
 * ```ts
 * gumbelSoftmax([1, 2, 3], { tau: 0.5, seed: 3 });        // a point of the simplex
 * gumbelSoftmax([1, 2, 3], { hard: true, seed: 3 });      // [0, 0, 1] or another one-hot
 * ```
 *
 * **Method.** G = −log(−log U) (U = 0 redrawn), z = x + G in float64, then
 * the core's exact softmax kernel with temperature τ; the output is rounded
 * once to float32 for float32 input.
 *
 * **Accuracy.** For the given noise, that of softmax (≤ 4 ulp) of the rounded
 * z; `hard` draws are checked by a chi-square test at significance 0.001
 * (`test/family/gumbelSoftmax.test.ts`).
 *
 * **Special cases** (per slice):
 * | input | result |
 * |---|---|
 * | any NaN | throws INVALID_INPUT |
 * | all masked / −∞ / empty | throws FULLY_MASKED |
 * | +∞ entries | softmax(G/τ) over them (their limit), 0 elsewhere |
 * | masked / −∞ entries | 0 |
 *
 * @throws {SoftmaxError} NOT_A_NUMBER, RAGGED, INVALID_INPUT, SHAPE_MISMATCH, INVALID_AXIS, INVALID_OPTION, FULLY_MASKED.
 */
export function gumbelSoftmax<X extends Logits>(logits: X, options?: GumbelSoftmaxOptions): SameKind<X> {
  const fn = "gumbelSoftmax";
  const o = checkOptions(options, KNOWN, fn);
  const flat = toFlat(logits, fn, "logits");
  const axis = axisOf(o.axis, flat.shape.length, fn);
  const tau = numberOption(o.tau, fn, "tau", 1, (v) => v > 0 && Number.isFinite(v), "a finite number > 0");
  const hard = booleanOf(o.hard, fn, "hard");
  const mask = toMask(o.where as Mask | undefined, flat.shape, fn);
  const uniform = uniformOf(o, fn);
  const y = outputBuffer(flat.data.length, isFloat32(flat), undefined, fn, flat.kind);
  const layout = layoutOf(flat.shape, axis);
  const n = layout.n;
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  forEachSlice(layout, (off, stride, s) => {
    const status = scan(flat.data, off, stride, n, mask);
    if (status === HAS_NAN) throw nanSlice(fn, s, flat.shape, axis);
    if (status === NOTHING) throw fullyMaskedSlice(fn, s, flat.shape, axis);
    let best = -1;
    for (let k = 0, i = off; k < n; k++, i += stride) {
      const v = flat.data[i] as number;
      const counted = (mask === null || mask[i] !== 0) && v > Number.NEGATIVE_INFINITY;
      const live = counted && (status !== POS_INF || v === Number.POSITIVE_INFINITY);
      z[k] = live ? (status === POS_INF ? 0 : v) + gumbel(uniform) : Number.NEGATIVE_INFINITY;
      if (live && (best < 0 || (z[k] as number) > (z[best] as number))) best = k;
    }
    if (hard) {
      for (let k = 0, i = off; k < n; k++, i += stride) y[i] = k === best ? 1 : 0;
      return;
    }
    softmaxKernel(z, p, 0, 1, n, null, tau, 0, null);
    for (let k = 0, i = off; k < n; k++, i += stride) y[i] = p[k] as number;
  });
  return fromFlat(y, flat.shape, flat.kind) as SameKind<X>;
}
