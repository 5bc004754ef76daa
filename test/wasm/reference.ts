/**
 * Reference values for the WASM kernel tests: softmax, log-softmax and
 * log-sum-exp of a row in 40-digit decimal arithmetic (decimal.js), and the
 * error of a float32 result in float32 ulps of the reference.
 */
import { Decimal } from "decimal.js";
import { afterAll, beforeAll } from "vitest";
import { setBackend, setThreads } from "../../src/index.js";

const D = Decimal.clone({ precision: 40 });

/** float32 ulp in the binade of v (the least subnormal below the normal range and at 0). */
export function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  return 2 ** (e - 23);
}

/** |y - ref| in float32 ulps of ref; 0 when both are the same special value, Infinity when only one is. */
export function ulpError(y: number, ref: number): number {
  if (Object.is(y, ref) || (y === ref && Number.isFinite(y))) return 0;
  if (!Number.isFinite(ref) || !Number.isFinite(y)) return Number.POSITIVE_INFINITY;
  return Math.abs(y - ref) / ulp32(ref);
}

/** The three functions of a finite row (at least one entry finite), as float64 nearest to the 40-digit values. */
export function referenceRow(x: ArrayLike<number>): { softmax: number[]; logSoftmax: number[]; logSumExp: number } {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i] as number);
  const M = new D(m);
  const d = Array.from(x, (v) => (v === Number.NEGATIVE_INFINITY ? null : new D(v).minus(M)));
  const e = d.map((v) => (v === null ? new D(0) : v.exp()));
  // r = Σ_{x ≠ m} e^{x - m} + (count of maxima - 1), so S = 1 + r. L = log(1 + r) is summed as its series when
  // r < 1e-4: the outputs at a maximum are -L, and r can be e^-200 (scale 40), whose digits ln(1 + r) in 40-digit
  // arithmetic would lose (it gave -2.556e-36 for -2.55611574e-36).
  let r = new D(0);
  let count = 0;
  d.forEach((v, i) => {
    if (v?.isZero()) count++;
    else r = r.plus(e[i] as Decimal);
  });
  r = r.plus(count - 1);
  const s = r.plus(1);
  let l = new D(0);
  if (r.gte(1e-4)) l = s.ln();
  else for (let k = 1, p = r; k < 14; k++, p = p.times(r)) l = k % 2 === 1 ? l.plus(p.div(k)) : l.minus(p.div(k));
  return {
    softmax: e.map((v) => v.div(s).toNumber()),
    logSoftmax: d.map((v) => (v === null ? Number.NEGATIVE_INFINITY : v.minus(l).toNumber())),
    logSumExp: M.plus(l).toNumber(),
  };
}

/** Seeded scale·N(0,1) float32 logits (reference/prng.mjs, the generator bench/run.ts uses too). */
export { logits } from "../../reference/prng.mjs";

/**
 * The module variant the WASM tests run: "relaxed" in the vitest project "wasm-relaxed" (vitest.config.ts: Node started
 * with --experimental-wasm-relaxed-simd, SOFTMAX_TEST_WASM=relaxed), else "simd128" (forced, so that a platform with
 * relaxed SIMD still tests the SIMD128 module).
 */
export const VARIANT: "simd128" | "relaxed" = process.env.SOFTMAX_TEST_WASM === "relaxed" ? "relaxed" : "simd128";
/** The backend that forces {@link VARIANT}. */
export const WASM: "wasm-simd128" | "wasm-relaxed" = VARIANT === "relaxed" ? "wasm-relaxed" : "wasm-simd128";
/** What lastBackend() says after a one-thread WASM call of that precision on {@link VARIANT}. */
export function ran(mode: "exact" | "fast", variant: "simd128" | "relaxed" = VARIANT): string {
  return `wasm-${variant === "relaxed" ? "relaxed-" : ""}${mode}`;
}

/** Test-file hooks: force {@link WASM} before the file's tests; after them, back to one thread and backend "auto". */
export function useWasmBackend(): void {
  beforeAll(() => setBackend(WASM));
  afterAll(async () => {
    await setThreads(1);
    setBackend("auto");
  });
}
