/**
 * Float32 error measurement for the WebGPU tests. The reference is the JS
 * library run on float64 data (each float32 input widened exactly): it is
 * within 4 float64 ulp of the exact value (test/accuracy enforces that
 * against decimal.js), i.e. 2^-29 of a float32 ulp, so it stands for the exact
 * value here. Errors are in float32 ulps of the reference:
 * |y − ref| / ulp32(ref), ulp32(v) = 2^(max(floor(log2|v|), −126) − 23).
 */
import { logSoftmax, logSumExp, softmax } from "../../src/index.js";

/** The float32 ulp at v (the binade's spacing, clamped to the subnormal spacing 2^-149). */
export function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a === 0 || !Number.isFinite(a)) return 2 ** -149;
  return 2 ** (Math.max(Math.floor(Math.log2(a)), -126) - 23);
}

/** The reference results of the three operations, float64. */
export function reference(op: "softmax" | "logSoftmax" | "logSumExp", data: Float32Array, shape: number[], axis: number): Float64Array {
  const x = { data: Float64Array.from(data), shape };
  if (op === "softmax") return (softmax(x, { axis }) as { data: Float64Array }).data;
  if (op === "logSoftmax") return (logSoftmax(x, { axis }) as { data: Float64Array }).data;
  return (logSumExp(x, { axis }) as { data: Float64Array }).data;
}

/** The outcome of comparing a GPU result with a reference. */
export interface Comparison {
  /** Largest error in ulps of `scale(ref)` over finite nonzero references. */
  maxUlp: number;
  /** Entries whose special value (NaN, ±Infinity, 0) differs under Object.is, as `index: got vs expected`. */
  specialMismatches: string[];
  /** Where the largest error was. */
  worst: string;
  /** References in float32's subnormal range that came back flushed to zero (WGSL allows flushing subnormals). */
  flushed: number;
}

/**
 * Compares y with ref. A reference beyond float32's range must come back as the ±Infinity it rounds to.
 * References below 2^-126 (float32 subnormals) accept any result within 2^-126: WGSL lets
 * an implementation flush subnormals. Special references (NaN, ±Infinity, exact 0) must match under Object.is
 * (±0 compared as 0: the GPU writes +0 for e^-∞ and the JS library too). Finite nonzero references are measured
 * in ulps of `scale(ref, i)` (default |ref|).
 */
export function compare(y: Float32Array, ref: Float64Array, scale: (r: number, i: number) => number = (r) => r): Comparison {
  let maxUlp = 0;
  let worst = "";
  let flushed = 0;
  const specialMismatches: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] as number;
    const g = y[i] as number;
    // A finite reference beyond float32's range rounds to ±Infinity in float32: that is the expected result.
    if (Number.isNaN(r) || !Number.isFinite(Math.fround(r)) || r === 0) {
      const want = Math.fround(r);
      const same = r === 0 ? g === 0 : Object.is(g, want);
      if (!same) specialMismatches.push(`${i}: ${g} vs ${r}`);
      continue;
    }
    if (Math.abs(r) < 2 ** -126 && Math.abs(g - r) <= 2 ** -126) {
      if (g === 0) flushed++;
      continue;
    }
    if (!Number.isFinite(g)) {
      specialMismatches.push(`${i}: ${g} vs ${r}`);
      continue;
    }
    const e = Math.abs(g - r) / ulp32(scale(r, i));
    if (e > maxUlp) {
      maxUlp = e;
      worst = `${i}: got ${g}, expected ${r}`;
    }
  }
  return { maxUlp, specialMismatches, worst, flushed };
}

/** Deterministic pseudo-random logits in [-spread, spread] (a fixed LCG: tests are reproducible). */
export function logits(count: number, spread: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * spread;
  }
  return out;
}
