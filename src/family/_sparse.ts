/** The shared body of sparsemax and entmax15: convert, a kernel per slice along the axis, the result in the input's kind. */
import type { SparseKernel } from "../kernels/js/family/sparse.js";
import { fromFlat, outputBuffer, toFlat, toMask } from "../tensor/convert.js";
import { forEachSlice, layoutOf } from "../tensor/layout.js";
import type { Mask } from "../tensor/types.js";
import { axisOf, checkOptions, isFloat32 } from "./_shared.js";

/** Options of sparsemax and entmax15. */
export interface SparseOptions {
  /** The axis the probabilities sum along. Default -1. */
  axis?: number;
  /** Boolean mask of x's shape: false entries get probability 0 and do not count. */
  where?: Mask;
}

export function sparseBody(fn: string, x: unknown, options: unknown, kernel: SparseKernel): unknown {
  const o = checkOptions(options, ["axis", "where"], fn);
  const flat = toFlat(x, fn);
  const axis = axisOf(o.axis, flat.shape.length, fn);
  const mask = toMask(o.where as Mask | undefined, flat.shape, fn);
  const y = outputBuffer(flat.data.length, isFloat32(flat), undefined, fn, flat.kind);
  const work = y instanceof Float64Array ? y : new Float64Array(y.length);
  const layout = layoutOf(flat.shape, axis);
  const z = new Float64Array(layout.n);
  forEachSlice(layout, (off, stride) => kernel(flat.data, work, off, stride, layout.n, mask, z));
  if (work !== y) y.set(work);
  return fromFlat(y, flat.shape, flat.kind);
}
