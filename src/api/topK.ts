import { SoftmaxError } from "../errors.js";
import { topKKernel } from "../kernels/js/argmax.js";
import { fromFlat, type Kind, sizeOf, toFlat, unflatten } from "../tensor/convert.js";
import { forEachSlice, layoutOf, normalizeAxis } from "../tensor/layout.js";
import type { Logits, Tensor } from "../tensor/types.js";
import { checkOptions } from "./options.js";

/** Options of {@link topK}. */
export interface TopKOptions {
  /** The axis to rank along. Default -1. */
  axis?: number;
  /** One label per position along the axis (e.g. `["cat", "dog", "tiger", "none"]`): the result then has `labels`. */
  labels?: readonly string[];
}

/** What {@link topK} returns: the axis has length k in each field; the kinds follow the input (see {@link topK}). */
export interface TopKResult {
  indices: number[] | unknown[] | Int32Array | Tensor | { data: Int32Array; shape: number[] };
  values: number[] | unknown[] | Float32Array | Float64Array | Tensor;
  labels?: string[] | unknown[];
}

/**
 * The k largest entries along an axis, largest first; ties keep the lower index first (stable).
 *
 * ```ts
 * topK(softmax([1.25, 2.44, 0.78, 0.12]), 2, { labels: ["cat", "dog", "tiger", "none"] });
 * // { indices: [1, 0], values: [0.6279, 0.1910], labels: ["dog", "cat"] }
 * ```
 *
 * Kinds: nested input → nested `number[]` indices and values; a typed array →
 * `Int32Array` indices and values of the input's float type; a tensor-like →
 * `{ data: Int32Array, shape }` and `{ data, shape }`. Labels are nested
 * `string[]` shaped like the indices (flat, row-major for tensor-likes).
 *
 * **Method.** Per slice, a stable sort of the positions by value, largest
 * first, NaN first, ties by index (`topKKernel` of `src/kernels/js/argmax.ts`),
 * then the first k; values are read back from the input, never recomputed.
 *
 * **Accuracy:** exact (comparisons only); checked against a selection
 * reference on random rows in `test/property/argmax.property.test.ts`.
 *
 * **Special cases:** NaN ranks above +Infinity (as PyTorch's topk), so a NaN
 * is never hidden; -Infinity ranks last; k = 0 gives empty results.
 *
 * @throws {SoftmaxError} INVALID_OPTION when k is not an integer in [0, n]; SHAPE_MISMATCH when labels has another length than the axis.
 */
export function topK(x: Logits, k: number, options?: TopKOptions): TopKResult {
  const fn = "topK";
  const o = checkOptions(options, ["axis", "labels"], fn);
  const flat = toFlat(x, fn);
  const axis = normalizeAxis(o.axis, flat.shape.length, fn);
  const layout = layoutOf(flat.shape, axis);
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k > layout.n) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "k", expected: `an integer in [0, ${layout.n}]`, received: k });
  }
  const labels = o.labels as readonly string[] | undefined;
  if (labels !== undefined && (!Array.isArray(labels) || labels.length !== layout.n)) {
    throw new SoftmaxError({
      code: "SHAPE_MISMATCH",
      fn,
      arg: "options.labels",
      expected: `${layout.n} labels, one per position along axis ${axis}`,
      received: labels,
    });
  }
  const shape = flat.shape.slice();
  shape[axis] = k;
  const size = sizeOf(shape);
  const indices = new Int32Array(size);
  const float32 = flat.kind.type !== "nested" && flat.kind.float32;
  const values = float32 ? new Float32Array(size) : new Float64Array(size);
  const order = new Int32Array(layout.n);
  const pick = new Int32Array(k);
  forEachSlice(layout, (off, stride, slice) => {
    topKKernel(flat.data, off, stride, layout.n, k, pick, order);
    const o2 = Math.floor(slice / layout.inner);
    const j = slice % layout.inner;
    const base = o2 * k * layout.inner + j;
    for (let r = 0; r < k; r++) {
      const at = base + r * layout.inner;
      const p = pick[r] as number;
      indices[at] = p;
      values[at] = flat.data[off + p * stride] as number;
    }
  });
  const result: TopKResult = { indices: asKind(indices, shape, flat.kind), values: fromFlat(values, shape, flat.kind) as TopKResult["values"] };
  if (labels !== undefined) {
    const names = Array.from(indices, (i) => labels[i] as string);
    result.labels = flat.kind.type === "tensor" ? names : (unflatten(names, shape) as string[]);
  }
  return result;
}

function asKind(indices: Int32Array, shape: number[], kind: Kind): TopKResult["indices"] {
  if (kind.type === "tensor") return { data: indices, shape: shape.slice() };
  if (kind.type === "typed") return indices;
  return unflatten(Array.from(indices), shape) as number[];
}
