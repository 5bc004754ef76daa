/** Shared set-ups of the WASM tests: the three functions by name, a forced-backend runner, and result comparisons. */
import { logSoftmax, logSumExp, setBackend, softmax } from "../../src/index.js";
import { logits, ulpError, type WASM } from "./reference.js";

export type Fn = "softmax" | "logSoftmax" | "logSumExp";
export const FNS = { softmax, logSoftmax, logSumExp } as const;
export const ALL: Fn[] = ["softmax", "logSoftmax", "logSumExp"];

/** fn on the float32 tensor { data: x, shape } with `options` and a forced backend; the flat result. */
export function runFn(fn: Fn, x: Float32Array, shape: number[], options: Record<string, unknown>, backend: "js" | typeof WASM): Float32Array {
  setBackend(backend);
  return ((FNS[fn] as (x: unknown, o: unknown) => unknown)({ data: x, shape }, options) as { data: Float32Array }).data;
}

/** Indices where a and b differ as values (Object.is: -0 ≠ +0, any NaN equals any NaN). */
export function diffs(a: Float32Array, b: Float32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** Fast mode against the JS kernel: special and zero outputs identical (or a flushed tiny value), others ≤ limit ulp. */
export function badFast(js: Float32Array, fast: Float32Array, limit: number): number {
  let bad = 0;
  for (let i = 0; i < js.length; i++) {
    const a = js[i] as number;
    const b = fast[i] as number;
    if (!Number.isFinite(a) || a === 0) {
      if (!(Object.is(a, b) || (a === 0 && Math.abs(b) <= 2 ** -148))) bad++;
    } else if (ulpError(b, a) > limit) bad++;
  }
  return bad;
}

const shaped = new Map<string, Float32Array>();

/**
 * Seeded scale·N(0,1) float32 logits of `shape` (seed: its second dimension), made once per shape, scale and
 * `negInfAt` (an index set to -Infinity) and shared by the calls that ask again.
 */
export function shapeLogits(shape: number[], scale: number, negInfAt?: number): Float32Array {
  const key = `${shape.join("x")} ${scale} ${negInfAt}`;
  let x = shaped.get(key);
  if (x === undefined) {
    x = logits(
      shape.reduce((a, b) => a * b, 1),
      shape[1] as number,
      scale,
    );
    if (negInfAt !== undefined) x[negInfAt] = Number.NEGATIVE_INFINITY;
    shaped.set(key, x);
  }
  return x;
}

/** Flat indices of every slice along axis 1 of [outer, n, inner]. */
export function axisSlices(shape: number[]): number[][] {
  const [outer, n, inner] = shape as [number, number, number];
  const out: number[][] = [];
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) out.push(Array.from({ length: n }, (_, k) => o * n * inner + k * inner + j));
  return out;
}
