/**
 * The in-page benchmark: the library's softmax on float64 and on float32 logits (float32 is what the WASM SIMD kernels
 * take, under the dispatch rules), against the plain three-loop JavaScript softmax every tutorial writes.
 */
import { softmax } from "../src/index.js";
import { kernelName } from "./kernel.js";

export interface BenchRow {
  n: number;
  /** Nanoseconds per element, library softmax on a Float64Array (into a reused `out`). */
  f64Ns: number;
  /** The kernel that ran it. */
  f64Kernel: string;
  /** Nanoseconds per element, library softmax on a Float32Array. */
  f32Ns: number;
  f32Kernel: string;
  /** Nanoseconds per element, the plain loop on float64 (max, exp and sum, divide). */
  naiveNs: number;
  /** max |library − plain| over the float64 outputs: a guard against timing dead code. */
  maxDiff: number;
}

/** The plain softmax, with the max subtracted. */
export function naiveSoftmax(x: Float64Array, y: Float64Array): void {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) if ((x[i] as number) > m) m = x[i] as number;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.exp((x[i] as number) - m);
    y[i] = e;
    s += e;
  }
  for (let i = 0; i < x.length; i++) y[i] = (y[i] as number) / s;
}

/** Seeded logits, roughly N(0, 3²) (a sum of uniforms), so that runs compare. */
function logits(n: number): Float64Array {
  let state = 0x9e3779b9 ^ n;
  const u = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 3 * (u() + u() + u() + u() - 2);
  return x;
}

/** Mean seconds per call of `f`, calling it until `budgetMs` has passed (at least 3 calls, after one warm-up call). */
function time(f: () => void, budgetMs: number): number {
  f();
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (calls < 3 || t - t0 < budgetMs) {
    f();
    calls++;
    t = performance.now();
  }
  return (t - t0) / 1000 / calls;
}

/** Runs one size; `budgetMs` per implementation. */
export function benchOne(n: number, budgetMs: number): BenchRow {
  const x = logits(n);
  const x32 = Float32Array.from(x);
  const a = new Float64Array(n);
  const a32 = new Float32Array(n);
  const b = new Float64Array(n);
  const f64 = time(() => softmax(x, { out: a }), budgetMs);
  const f64Kernel = kernelName();
  const f32 = time(() => softmax(x32, { out: a32 }), budgetMs);
  const f32Kernel = kernelName();
  const naive = time(() => naiveSoftmax(x, b), budgetMs);
  let maxDiff = 0;
  for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (b[i] as number)));
  let sum32 = 0;
  for (let i = 0; i < n; i++) sum32 += a32[i] as number;
  if (!Number.isFinite(maxDiff) || !(Math.abs(sum32 - 1) < 1e-3)) throw new Error(`benchmark output is wrong at n = ${n}`);
  return { n, f64Ns: (f64 * 1e9) / n, f64Kernel, f32Ns: (f32 * 1e9) / n, f32Kernel, naiveNs: (naive * 1e9) / n, maxDiff };
}
