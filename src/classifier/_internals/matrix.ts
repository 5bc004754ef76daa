/**
 * Input checks shared by the classifier functions: a 2-D matrix of finite
 * numbers (samples × features) and a label vector. Internal: not exported by the barrel.
 */
import { SoftmaxError } from "../../errors.js";
import { toFlat } from "../../tensor/convert.js";

/** A validated row-major float64 matrix. `data` may be the caller's Float64Array (never written). */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Any accepted input kind with shape [rows, cols] → a float64 matrix; every entry must be finite. */
export function toMatrix(x: unknown, fn: string, arg: string, what = "a 2-D matrix (samples × features)"): Matrix {
  const flat = toFlat(x, fn, arg);
  if (flat.shape.length !== 2) {
    throw new SoftmaxError({ code: "SHAPE_MISMATCH", fn, arg, expected: `${what}, got shape [${flat.shape.join(", ")}]` });
  }
  const [rows, cols] = flat.shape as [number, number];
  const data = flat.data instanceof Float64Array ? flat.data : Float64Array.from(flat.data);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) {
      throw new SoftmaxError({
        code: "INVALID_INPUT",
        fn,
        arg,
        path: `[${Math.floor(i / cols)}][${i % cols}]`,
        expected: "a finite number",
        received: v,
      });
    }
  }
  return { data, rows, cols };
}

/** The labels as an array (any array-like of strings or numbers). */
export function toLabelArray(y: unknown, fn: string, arg: string): (string | number)[] {
  if (!(Array.isArray(y) || (ArrayBuffer.isView(y) && !(y instanceof DataView)))) {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg, expected: "an array of class labels (strings or numbers)", received: y });
  }
  const out = Array.from(y as ArrayLike<unknown>);
  out.forEach((v, i) => {
    if (!((typeof v === "string" && v.length > 0) || (typeof v === "number" && Number.isFinite(v)))) {
      throw new SoftmaxError({
        code: "INVALID_INPUT",
        fn,
        arg,
        path: `[${i}]`,
        expected: "a class label (a non-empty string or a finite number)",
        received: v,
      });
    }
  });
  return out as (string | number)[];
}

/** Integer class indices in [0, k): an array-like of integers, checked. */
export function toClassIndices(y: unknown, k: number, n: number, fn: string, arg: string): Int32Array {
  if (!(Array.isArray(y) || (ArrayBuffer.isView(y) && !(y instanceof DataView)))) {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg, expected: `an array of class indices in [0, ${k})`, received: y });
  }
  const a = y as ArrayLike<unknown>;
  if (a.length !== n) {
    throw new SoftmaxError({ code: "SHAPE_MISMATCH", fn, arg, expected: `${n} labels (one per row), got ${a.length}` });
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= k) {
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg, path: `[${i}]`, expected: `a class index, an integer in [0, ${k})`, received: v });
    }
    out[i] = v;
  }
  return out;
}

/** Neumaier-compensated sum of a list. */
export function sumOf(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}
