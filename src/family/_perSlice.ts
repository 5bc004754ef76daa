/** The shared body of the per-slice information measures (entropy, klDivergence): values per slice, then a reduction. */
import { accumulator, add, total } from "../kernels/js/family/sums.js";
import type { Flat } from "../tensor/convert.js";
import { forEachSlice, layoutOf } from "../tensor/layout.js";
import { isFloat32, perSliceResult, type Reduction, scalarOf } from "./_shared.js";

/** Runs `f(off, stride)` per slice along `axis` of `flat`, then reduces ("none": per slice; "sum"; "mean": Σ / slice count, 0 for none). */
export function perSlice(flat: Flat, axis: number, reduction: Reduction, f: (off: number, stride: number) => number): unknown {
  const layout = layoutOf(flat.shape, axis);
  const values = new Float64Array(layout.outer * layout.inner);
  forEachSlice(layout, (off, stride, s) => {
    values[s] = f(off, stride);
  });
  const f32 = isFloat32(flat);
  if (reduction === "none") return perSliceResult(values, flat.shape, axis, flat.kind, f32);
  const acc = accumulator();
  for (const v of values) add(acc, v);
  const s = total(acc);
  if (reduction === "sum") return scalarOf(s, f32);
  return scalarOf(values.length === 0 ? 0 : s / values.length, f32);
}

/** Copies the strided slice (and its mask) into contiguous scratch. */
export function gather(
  src: ArrayLike<number>,
  mask: Uint8Array | null,
  off: number,
  stride: number,
  n: number,
  dst: Float64Array,
  mdst: Uint8Array | null,
): void {
  for (let k = 0, i = off; k < n; k++, i += stride) {
    dst[k] = src[i] as number;
    if (mask !== null && mdst !== null) mdst[k] = mask[i] as number;
  }
}
