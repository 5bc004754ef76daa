/**
 * What the browser's results are checked against, computed in Node: the
 * library's JavaScript exact kernel (`setBackend("js")`, the bits exact mode
 * must reproduce) and the double-double reference (reference/dd.mjs, ~106
 * bits, for the ulp bounds), slice by slice along any axis.
 */
import * as dd from "../../reference/dd.mjs";
import { lastBackend, logSoftmax, logSumExp, setBackend, softmax } from "../../src/index.js";
import { ulpError } from "../accuracy/ulp.js";
import type { Op } from "./page.js";

/** The flat indices of every slice along `axis` (slice s = o·inner + j, its k-th element at o·n·inner + j + k·inner). */
export function slices(shape: readonly number[], axis: number): number[][] {
  const a = axis < 0 ? shape.length + axis : axis;
  const n = shape[a] as number;
  const outer = shape.slice(0, a).reduce((p, q) => p * q, 1);
  const inner = shape.slice(a + 1).reduce((p, q) => p * q, 1);
  const out: number[][] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) out.push(Array.from({ length: n }, (_, k) => o * n * inner + j + k * inner));
  }
  return out;
}

/** A slice the WASM kernels hand to the JavaScript kernel: a NaN, a +Infinity, or nothing but -Infinity. */
export function special(x: Float32Array, idx: readonly number[]): boolean {
  let finite = false;
  for (const i of idx) {
    const v = x[i] as number;
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) return true;
    if (v !== Number.NEGATIVE_INFINITY) finite = true;
  }
  return !finite;
}

/** The three functions of the JavaScript exact kernel in Node (float32 in, float32 out). */
export function nodeExact(x: Float32Array, shape: number[], axis: number): Record<Op, Float32Array> {
  setBackend("js");
  try {
    const t = { data: x, shape };
    const out = {
      softmax: softmax(t, { axis }).data as Float32Array,
      logSoftmax: logSoftmax(t, { axis }).data as Float32Array,
      logSumExp: (logSumExp(t, { axis }) as { data: Float32Array }).data,
    };
    if (lastBackend() !== "js") throw new Error(`the Node reference ran on ${lastBackend()}, not the JS kernel`);
    return out;
  } finally {
    setBackend("auto");
  }
}

/** Positions where a and b differ (Object.is: NaN equals NaN, -0 differs from +0); the first few, and how many. */
export function bitDiff(a: Float32Array, b: Float32Array): { count: number; first: string[] } {
  const first: string[] = [];
  let count = a.length === b.length ? 0 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (!Object.is(a[i], b[i])) {
      count++;
      if (first.length < 5) first.push(`[${i}] ${a[i]} vs ${b[i]}`);
    }
  }
  if (a.length !== b.length) first.push(`lengths ${a.length} vs ${b.length}`);
  return { count, first };
}

/** The double-double reference of op's result at every output position (null where the slice is special). */
export function reference(op: Op, x: Float32Array, all: readonly number[][]): (dd.Exact | null)[] {
  const out: (dd.Exact | null)[] = new Array(op === "logSumExp" ? all.length : x.length).fill(null);
  all.forEach((idx, s) => {
    if (special(x, idx)) return;
    const row = idx.map((i) => x[i] as number);
    if (op === "logSumExp") out[s] = dd.logSumExp(row);
    else {
      const ref = op === "softmax" ? dd.softmax(row) : dd.logSoftmax(row);
      idx.forEach((i, k) => {
        out[i] = ref[k] as dd.Exact;
      });
    }
  });
  return out;
}

/** The largest float32 ulp error of y against the reference (special positions left out: callers compare their bits). */
export function worstUlp(y: Float32Array, ref: readonly (dd.Exact | null)[]): { ulp: number; where: string; values: number } {
  let ulp = 0;
  let where = "";
  let values = 0;
  ref.forEach((exact, i) => {
    if (exact === null) return;
    values++;
    const e = ulpError(y[i] as number, exact, "float32");
    if (!(e <= ulp)) {
      ulp = e;
      where = `[${i}]: got ${y[i]}, reference (${exact.hi} + ${exact.lo})·2^${exact.k}`;
    }
  });
  return { ulp, where, values };
}

/** The results of the special slices (elements, or one value per slice for logSumExp). */
export function specialPart(op: Op, x: Float32Array, y: Float32Array, all: readonly number[][]): Float32Array {
  const out: number[] = [];
  all.forEach((idx, s) => {
    if (!special(x, idx)) return;
    if (op === "logSumExp") out.push(y[s] as number);
    else for (const i of idx) out.push(y[i] as number);
  });
  return Float32Array.from(out);
}
