/**
 * Axis arithmetic. A reduction along `axis` of a row-major tensor visits
 * `outer * inner` slices of length `n`; slice (o, j) starts at
 * `o * n * inner + j` and steps by `inner`. Kernels take (offset, stride, n).
 */
import { SoftmaxError } from "../errors.js";

/** The slices of a tensor along one axis. */
export interface Layout {
  outer: number;
  n: number;
  inner: number;
}

/** Checks `axis` (default -1; negative counts from the end) against `ndim`; returns it in [0, ndim). */
export function normalizeAxis(axis: unknown, ndim: number, fn: string, arg = "options.axis"): number {
  const a = axis === undefined ? -1 : axis;
  if (typeof a !== "number" || !Number.isInteger(a) || a < -ndim || a >= ndim) {
    throw new SoftmaxError({
      code: "INVALID_AXIS",
      fn,
      arg,
      expected: ndim === 0 ? "an input with at least one dimension" : `an integer in [${-ndim}, ${ndim - 1}] for a ${ndim}-d input`,
      received: axis,
    });
  }
  return a < 0 ? a + ndim : a;
}

/** The (outer, n, inner) decomposition of `shape` around `axis`. */
export function layoutOf(shape: readonly number[], axis: number): Layout {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i] as number;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i] as number;
  return { outer, n: shape[axis] as number, inner };
}

/** Calls `f(offset, stride, sliceIndex)` for every slice along the axis, in row-major order of the other axes. */
export function forEachSlice(l: Layout, f: (offset: number, stride: number, slice: number) => void): void {
  const { outer, n, inner } = l;
  let s = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let j = 0; j < inner; j++) f(base + j, inner, s++);
  }
}

/**
 * {@link forEachSlice} over the slices whose flag in `done` is 0 only (done: one flag per slice, null: every slice), found
 * with the native `indexOf`: after the WASM kernels leave a few slices to the JavaScript kernel, a loop calling `f` for
 * each of 65536 rows cost 0.3 ms (a third of a log-softmax call on 65536 rows of 2).
 */
export function forEachSliceLeft(l: Layout, done: Uint8Array | null, f: (offset: number, stride: number, slice: number) => void): void {
  if (done === null) {
    forEachSlice(l, f);
    return;
  }
  const { n, inner } = l;
  for (let s = done.indexOf(0); s !== -1; s = done.indexOf(0, s + 1)) {
    const o = Math.floor(s / inner);
    f(o * n * inner + (s - o * inner), inner, s);
  }
}

/** The shape with `axis` removed (or set to 1 with keepDims). */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}
