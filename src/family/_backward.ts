/** The shared body of the backward passes: y and dy of one shape, a kernel per slice along the axis, the result in y's kind. */
import type { BackwardKernel } from "../kernels/js/family/backward.js";
import { fromFlat, outputBuffer, toFlat } from "../tensor/convert.js";
import { forEachSlice, layoutOf } from "../tensor/layout.js";
import { axisOf, checkOptions, isFloat32, sameShape } from "./_shared.js";

/** Options of the backward passes. */
export interface BackwardOptions {
  /** The axis the forward function normalized along. Default -1. */
  axis?: number;
}

/** Runs `kernel(y, dy, dx, off, stride, n, scratch, ones)` per slice; `scratch` and `ones` are float64 arrays of the input's size. */
export function backwardBody(fn: string, y: unknown, dy: unknown, options: unknown, kernel: BackwardKernel): unknown {
  const o = checkOptions(options, ["axis"], fn);
  const fy = toFlat(y, fn, "y");
  const fdy = toFlat(dy, fn, "dy");
  sameShape(fy.shape, fdy.shape, fn, "dy", "y");
  const axis = axisOf(o.axis, fy.shape.length, fn);
  const dx = outputBuffer(fy.data.length, isFloat32(fy), undefined, fn, fy.kind);
  // Float32 output: compute in float64, round once at the end.
  const work = dx instanceof Float64Array ? dx : new Float64Array(dx.length);
  const scratch = new Float64Array(fy.data.length);
  const ones = new Float64Array(fy.data.length).fill(1);
  const layout = layoutOf(fy.shape, axis);
  forEachSlice(layout, (off, stride) => kernel(fy.data, fdy.data, work, off, stride, layout.n, scratch, ones));
  if (work !== dx) dx.set(work);
  return fromFlat(dx, fy.shape, fy.kind);
}
