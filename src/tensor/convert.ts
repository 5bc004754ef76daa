/**
 * Input conversion: every accepted input kind to one flat, row-major
 * `{ data, shape }`, and back to the kind the caller gave. Validation lives
 * here (and in `api/options.ts`); kernels never validate.
 */
import { SoftmaxError } from "../errors.js";
import type { FloatTypedArray, Mask, NumericTypedArray, Tensor } from "./types.js";

/** How the input came, so that the output can be given back in the same kind. */
export type Kind = { type: "nested" } | { type: "typed"; float32: boolean } | { type: "tensor"; float32: boolean; dims: boolean };

/** A validated input: flat data (never copied for float typed arrays), its shape and its kind. */
export interface Flat {
  data: FloatTypedArray;
  shape: number[];
  kind: Kind;
}

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array];

function isIntegerArray(v: unknown): v is NumericTypedArray {
  return INTEGER_ARRAYS.some((C) => v instanceof C);
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Path text of an index list: `[3][1]`. */
export function pathOf(index: readonly number[]): string {
  return index.map((i) => `[${i}]`).join("");
}

/** The path of flat element `i` in a tensor of `shape`. */
export function pathOfFlat(i: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a] as number;
    idx[a] = d === 0 ? 0 : i % d;
    i = d === 0 ? 0 : Math.floor(i / d);
  }
  return pathOf(idx);
}

/** Shape of a nested array, checked rectangular; throws RAGGED / NOT_A_NUMBER with the path. */
function nestedShape(x: readonly unknown[]): number[] {
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  return shape;
}

function flattenNested(
  x: readonly unknown[],
  shape: number[],
  fn: string,
  arg: string,
  leaf: (v: unknown, path: () => string) => number,
  out: { [i: number]: number },
): void {
  let k = 0;
  const index: number[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) {
        throw new SoftmaxError({ code: "RAGGED", fn, arg, path: pathOf(index), expected: "a number, found a nested array", received: node });
      }
      out[k++] = leaf(node, () => pathOf(index));
      return;
    }
    if (!Array.isArray(node)) {
      throw new SoftmaxError({
        code: "RAGGED",
        fn,
        arg,
        path: pathOf(index),
        expected: `an array of length ${shape[depth]}`,
        received: node,
      });
    }
    if (node.length !== shape[depth]) {
      throw new SoftmaxError({
        code: "RAGGED",
        fn,
        arg,
        path: pathOf(index),
        expected: `length ${shape[depth]} like ${arg}${pathOf(index.map(() => 0))}, found length ${node.length}`,
      });
    }
    for (let i = 0; i < node.length; i++) {
      index.push(i);
      walk(node[i], depth + 1);
      index.pop();
    }
  };
  walk(x, 0);
}

function checkShape(shape: unknown, fn: string, arg: string): number[] {
  if (!Array.isArray(shape)) throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg, expected: "an array of non-negative integers", received: shape });
  shape.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg, path: `[${i}]`, expected: "a non-negative integer", received: d });
    }
  });
  return shape.slice();
}

function numberLeaf(fn: string, arg: string) {
  return (v: unknown, path: () => string): number => {
    if (typeof v !== "number") throw new SoftmaxError({ code: "NOT_A_NUMBER", fn, arg, path: path(), received: v });
    return v;
  };
}

/**
 * Converts logits of any accepted kind to flat row-major data.
 * Float typed arrays are used as they are (no copy); integers and nested arrays are copied to float64.
 */
export function toFlat(x: unknown, fn: string, arg = "x"): Flat {
  if (x instanceof Float32Array || x instanceof Float64Array) {
    return { data: x, shape: [x.length], kind: { type: "typed", float32: x instanceof Float32Array } };
  }
  if (isIntegerArray(x)) {
    return { data: Float64Array.from(x as ArrayLike<number>), shape: [x.length], kind: { type: "typed", float32: false } };
  }
  if (Array.isArray(x)) {
    const shape = nestedShape(x);
    const data = new Float64Array(sizeOf(shape));
    flattenNested(x, shape, fn, arg, numberLeaf(fn, arg), data);
    return { data, shape, kind: { type: "nested" } };
  }
  if (typeof x === "object" && x !== null && "data" in x) {
    const t = x as { data: unknown; shape?: unknown; dims?: unknown };
    const dims = t.shape === undefined && t.dims !== undefined;
    const shape = checkShape(dims ? t.dims : t.shape, fn, `${arg}.${dims ? "dims" : "shape"}`);
    let data: FloatTypedArray;
    let float32 = false;
    if (t.data instanceof Float32Array || t.data instanceof Float64Array) {
      data = t.data;
      float32 = t.data instanceof Float32Array;
    } else if (isIntegerArray(t.data)) {
      data = Float64Array.from(t.data as ArrayLike<number>);
    } else if (Array.isArray(t.data)) {
      const leaf = numberLeaf(fn, `${arg}.data`);
      data = Float64Array.from(t.data, (v, i) => leaf(v, () => `[${i}]`));
    } else {
      throw new SoftmaxError({
        code: "INVALID_INPUT",
        fn,
        arg: `${arg}.data`,
        expected: "a Float32Array, Float64Array, integer typed array or number[]",
        received: t.data,
      });
    }
    if (sizeOf(shape) !== data.length) {
      throw new SoftmaxError({
        code: "SHAPE_MISMATCH",
        fn,
        arg: `${arg}.${dims ? "dims" : "shape"}`,
        expected: `${data.length} elements to match ${arg}.data, but [${shape.join(", ")}] has ${sizeOf(shape)}`,
      });
    }
    return { data, shape, kind: { type: "tensor", float32, dims } };
  }
  throw new SoftmaxError({
    code: "INVALID_INPUT",
    fn,
    arg,
    expected: "an array, a nested array, a typed array or a tensor-like { data, shape } / { data, dims }",
    received: x,
  });
}

/** Allocates (or checks the caller's `out`) a float buffer for a result of `size` elements. */
export function outputBuffer(size: number, float32: boolean, out: unknown, fn: string, kind: Kind): FloatTypedArray {
  if (out === undefined) return float32 ? new Float32Array(size) : new Float64Array(size);
  if (kind.type === "nested") {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn,
      arg: "options.out",
      expected: "no out buffer for nested-array input (use a typed array or tensor-like input)",
      received: out,
    });
  }
  if (!(out instanceof Float32Array || out instanceof Float64Array)) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.out", expected: "a Float32Array or Float64Array", received: out });
  }
  if (out.length !== size) {
    throw new SoftmaxError({ code: "SHAPE_MISMATCH", fn, arg: "options.out", expected: `length ${size}, found length ${out.length}` });
  }
  return out;
}

/** Rebuilds a nested array of `shape` from flat data. */
export function unflatten<T>(data: ArrayLike<T>, shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0];
  let k = 0;
  const build = (depth: number): unknown[] => {
    const n = shape[depth] as number;
    const row = new Array<unknown>(n);
    if (depth === shape.length - 1) {
      for (let i = 0; i < n; i++) row[i] = data[k++];
    } else {
      for (let i = 0; i < n; i++) row[i] = build(depth + 1);
    }
    return row;
  };
  return build(0);
}

/**
 * Gives a result back in the input's kind: nested → nested arrays, typed → the typed array,
 * tensor-like → `{ data, shape }` (plus `dims` when the input used `dims`).
 * A 0-d result (a full reduction) of nested or typed input is a plain number.
 */
export function fromFlat(data: FloatTypedArray, shape: number[], kind: Kind): unknown {
  if (kind.type === "tensor") {
    const t: Tensor = { data, shape: shape.slice() };
    if (kind.dims) t.dims = shape.slice();
    return t;
  }
  if (shape.length === 0) return data[0];
  if (kind.type === "typed" && shape.length === 1) return data;
  return unflatten(data, shape);
}

/** Converts a mask (`where`) to flat bytes (1 = keep) of exactly `shape`. */
export function toMask(where: Mask | undefined, shape: readonly number[], fn: string): Uint8Array | null {
  if (where === undefined || where === null) return null;
  const arg = "options.where";
  const size = sizeOf(shape);
  const mismatch = (got: readonly number[]) =>
    new SoftmaxError({ code: "SHAPE_MISMATCH", fn, arg, expected: `shape [${shape.join(", ")}] like x, found [${got.join(", ")}]` });
  const truthy = (v: unknown, path: () => string): number => {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (v === 0 || v === 1) return v;
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg, path: path(), expected: "true/false (or 1/0)", received: v });
  };
  if (where instanceof Uint8Array) {
    if (where.length !== size) throw mismatch([where.length]);
    return where;
  }
  if (Array.isArray(where)) {
    const s = nestedShape(where);
    if (s.length !== shape.length || s.some((d, i) => d !== shape[i])) {
      // A flat mask for a 1-D input is the only other form accepted.
      throw mismatch(s);
    }
    const m = new Uint8Array(size);
    flattenNested(where, s, fn, arg, truthy, m);
    return m;
  }
  if (typeof where === "object" && "data" in where) {
    const t = where as { data: ArrayLike<unknown>; shape?: readonly number[]; dims?: readonly number[] };
    const s = checkShape(t.shape ?? t.dims ?? [t.data.length], fn, `${arg}.shape`);
    if (s.length !== shape.length || s.some((d, i) => d !== shape[i]) || t.data.length !== size) throw mismatch(s);
    const m = new Uint8Array(size);
    for (let i = 0; i < size; i++) m[i] = truthy(t.data[i], () => pathOfFlat(i, shape));
    return m;
  }
  throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg, expected: "a boolean array of the input's shape, a Uint8Array or a tensor-like", received: where });
}
