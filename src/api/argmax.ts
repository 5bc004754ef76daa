import { SoftmaxError } from "../errors.js";
import { argmaxKernel } from "../kernels/js/argmax.js";
import { fromFlat, sizeOf, toFlat, toMask } from "../tensor/convert.js";
import { forEachSlice, layoutOf, normalizeAxis, reducedShape } from "../tensor/layout.js";
import type { Logits, Mask, Tensor } from "../tensor/types.js";
import { booleanOf, checkOptions } from "./options.js";

/** Options of {@link argmax}. */
export interface ArgmaxOptions {
  /** The axis to search. Default -1. */
  axis?: number;
  /** Keep the reduced axis as size 1. Default false. */
  keepDims?: boolean;
  /** Boolean mask of x's shape: false entries are never chosen. */
  where?: Mask;
}

/**
 * Index of the largest entry along an axis; ties go to the lowest index.
 * argmax(softmax(x)) = argmax(x): the predicted class.
 *
 * ```ts
 * argmax([0.25, 1.23, -0.8]);     // 1
 * argmax([[1, 5], [7, 2]]);       // [1, 0]
 * ```
 *
 * Returns a number for 1-D input, nested numbers for nested input, and
 * `{ data: Float64Array, shape }` for tensor-likes (float64 so that NaN can mark a slice with no answer).
 *
 * **Method.** One pass per slice (`scan` of `src/kernels/js/stats.ts`, through
 * `argmaxKernel` of `src/kernels/js/argmax.ts`): the first entry strictly larger
 * than every earlier one wins; a NaN or an empty mask ends in NaN.
 *
 * **Accuracy:** exact (comparisons only); checked against an independent
 * per-slice reference on random tensors in `test/property/argmax.property.test.ts`.
 *
 * **Special cases** (per slice): any NaN counted → NaN; all masked → NaN;
 * all -Infinity → 0 (all tie); +Infinity → its first index; -0 and +0 tie.
 *
 * @throws {SoftmaxError} EMPTY when the axis has length 0; and the input/axis errors of {@link softmax}.
 */
export function argmax(x: Logits, options?: ArgmaxOptions): number | number[] | unknown[] | Tensor {
  const fn = "argmax";
  const o = checkOptions(options, ["axis", "keepDims", "where"], fn);
  const flat = toFlat(x, fn);
  const axis = normalizeAxis(o.axis, flat.shape.length, fn);
  const keepDims = booleanOf(o.keepDims, fn, "keepDims");
  const mask = toMask(o.where as Mask | undefined, flat.shape, fn);
  const layout = layoutOf(flat.shape, axis);
  if (layout.n === 0) throw new SoftmaxError({ code: "EMPTY", fn, arg: "x", expected: `axis ${axis} to have at least one entry` });
  const out = new Float64Array(sizeOf(reducedShape(flat.shape, [axis], false)));
  forEachSlice(layout, (off, stride, slice) => {
    out[slice] = argmaxKernel(flat.data, off, stride, layout.n, mask);
  });
  const kind = flat.kind.type === "tensor" ? { ...flat.kind, float32: false } : flat.kind;
  const shape = reducedShape(flat.shape, [axis], keepDims);
  const result = fromFlat(out, shape, kind);
  return result instanceof Float64Array ? Array.from(result) : (result as number | unknown[] | Tensor);
}
