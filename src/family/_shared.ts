/**
 * Helpers shared by the family's public functions (validation and conversion
 * only; the numbers are computed in `src/kernels/js/family/`).
 */
import { checkOptions, slicePath } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import type { Kind } from "../tensor/convert.js";
import { type Flat, fromFlat, pathOfFlat, sizeOf, toFlat } from "../tensor/convert.js";
import { normalizeAxis, reducedShape } from "../tensor/layout.js";
import type { FloatTypedArray } from "../tensor/types.js";

export { checkOptions, slicePath };

/** How per-item losses are combined. */
export type Reduction = "none" | "sum" | "mean";

/** `reduction`: "none", "sum" or "mean"; `fallback` when undefined. */
export function reductionOf(v: unknown, fn: string, fallback: Reduction): Reduction {
  if (v === undefined) return fallback;
  if (v === "none" || v === "sum" || v === "mean") return v;
  throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.reduction", expected: '"none", "sum" or "mean"', received: v });
}

/** True when the flat input came as float32 (typed or tensor-like). */
export function isFloat32(flat: Flat): boolean {
  return flat.kind.type !== "nested" && flat.kind.float32;
}

/** Checks that `b` has exactly the shape of `a`. */
export function sameShape(a: readonly number[], b: readonly number[], fn: string, arg: string, like = "x"): void {
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new SoftmaxError({ code: "SHAPE_MISMATCH", fn, arg, expected: `shape [${a.join(", ")}] like ${like}, found [${b.join(", ")}]` });
  }
}

/** Checks that every entry is a probability, finite and ≥ 0 (NaN passes: it propagates as the special-values policy says). */
export function checkProbabilities(flat: Flat, fn: string, arg: string): void {
  for (let i = 0; i < flat.data.length; i++) {
    const v = flat.data[i] as number;
    if (v < 0 || v === Number.POSITIVE_INFINITY) {
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg, path: pathOfFlat(i, flat.shape), expected: "a probability (finite, ≥ 0)", received: v });
    }
  }
}

/** A finite number option in a range. */
export function numberOption(v: unknown, fn: string, name: string, fallback: number, ok: (x: number) => boolean, expected: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !ok(v)) throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: `options.${name}`, expected, received: v });
  return v;
}

/** Per-class weights: `n` finite numbers ≥ 0 (any input kind, flattened), or null. */
export function classWeightsOf(w: unknown, n: number, fn: string): Float64Array | null {
  if (w === undefined || w === null) return null;
  const flat = toFlat(w, fn, "options.weights");
  if (flat.data.length !== n) {
    throw new SoftmaxError({ code: "SHAPE_MISMATCH", fn, arg: "options.weights", expected: `${n} class weights (one per class), found ${flat.data.length}` });
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = flat.data[i] as number;
    if (!(v >= 0) || v === Number.POSITIVE_INFINITY) {
      throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.weights", path: `[${i}]`, expected: "a finite number ≥ 0", received: v });
    }
    out[i] = v;
  }
  return out;
}

/** Validates `axis` for a single-axis reduction. */
export function axisOf(axis: unknown, ndim: number, fn: string): number {
  return normalizeAxis(axis, ndim, fn);
}

/** The per-slice result (`reduction: "none"`) in the input's kind, or a reduced number. */
export function perSliceResult(values: Float64Array, shape: readonly number[], axis: number, kind: Kind, float32: boolean): unknown {
  const outShape = reducedShape(shape, [axis], false);
  const data: FloatTypedArray = float32 ? Float32Array.from(values) : values;
  return fromFlat(data, outShape, kind);
}

/** Rounds a scalar result to float32 when the input was float32 (one rounding of the float64 value). */
export function scalarOf(v: number, float32: boolean): number {
  return float32 ? Math.fround(v) : v;
}

/** Index targets: integers in [0, n) or `ignoreIndex`, of exactly `shape` (the logits' shape without the class axis). */
export function indexTargetsOf(target: unknown, shape: readonly number[], n: number, ignoreIndex: number, fn: string): Float64Array {
  let flat: Flat;
  if (typeof target === "number") flat = { data: Float64Array.of(target), shape: [], kind: { type: "nested" } };
  else flat = toFlat(target, fn, "target");
  // A 1-d typed array or number[] target for a 2-d batch: toFlat gives shape [b]; a scalar target for 1-d logits: shape [].
  if (flat.shape.length !== shape.length || flat.shape.some((d, i) => d !== shape[i])) {
    throw new SoftmaxError({
      code: "SHAPE_MISMATCH",
      fn,
      arg: "target",
      expected: `class indices of shape [${shape.join(", ")}] (the logits' shape without the class axis) or probabilities of the logits' shape, found [${flat.shape.join(", ")}]`,
    });
  }
  const size = sizeOf(shape);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const v = flat.data[i] as number;
    if (v !== ignoreIndex && !(Number.isInteger(v) && v >= 0 && v < n)) {
      throw new SoftmaxError({
        code: "INVALID_INPUT",
        fn,
        arg: "target",
        path: shape.length === 0 ? "" : pathOfFlat(i, shape),
        expected: `a class index, an integer in [0, ${n - 1}] (or ignoreIndex ${ignoreIndex})`,
        received: v,
      });
    }
    out[i] = v;
  }
  return out;
}

/** `ignoreIndex`: an integer (default -100, as in PyTorch). */
export function ignoreIndexOf(v: unknown, fn: string): number {
  return numberOption(v, fn, "ignoreIndex", -100, Number.isInteger, "an integer");
}

/** Throws for a slice that holds a NaN (samplers have no answer for it). */
export function nanSlice(fn: string, slice: number, shape: readonly number[], axis: number): SoftmaxError {
  return new SoftmaxError({
    code: "INVALID_INPUT",
    fn,
    arg: "logits",
    path: slicePath(slice, shape, axis),
    expected: "a slice without NaN (a NaN slice has no distribution to sample from)",
    received: Number.NaN,
  });
}

/** Throws for a slice with nothing to sample (all masked, all -Infinity, empty, or emptied by topK/topP/minP). */
export function fullyMaskedSlice(fn: string, slice: number, shape: readonly number[], axis: number): SoftmaxError {
  return new SoftmaxError({ code: "FULLY_MASKED", fn, arg: "logits", path: slicePath(slice, shape, axis) });
}
