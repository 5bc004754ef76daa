/**
 * Float32 error measurement for the WebGPU tests. The reference is the JS
 * library run on float64 data (each float32 input widened exactly): it is
 * within 4 float64 ulp of the exact value (test/accuracy enforces that
 * against decimal.js), i.e. 2^-29 of a float32 ulp, so it stands for the exact
 * value here. Errors are in float32 ulps of the reference:
 * |y − ref| / ulp32(ref), ulp32(v) = 2^(max(floor(log2|v|), −126) − 23).
 */
import { expect } from "vitest";
import { logSoftmax, logSumExp, softmax } from "../../src/index.js";
import type { Op } from "../../src/webgpu/wgsl/kernels.js";

/** The float32 ulp at v (the binade's spacing, clamped to the subnormal spacing 2^-149). */
export function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a === 0 || !Number.isFinite(a)) return 2 ** -149;
  return 2 ** (Math.max(Math.floor(Math.log2(a)), -126) - 23);
}

/** Options the references take beyond the axis (those of the JS functions). */
export interface RefOptions {
  temperature?: number;
  where?: Uint8Array;
  onFullyMasked?: "zeros" | "nan" | "error";
}

/** The reference results of the three operations, float64 (`data` widened exactly). */
export function reference(
  op: "softmax" | "logSoftmax" | "logSumExp",
  data: ArrayLike<number>,
  shape: number[],
  axis: number,
  extra: RefOptions = {},
): Float64Array {
  const x = { data: Float64Array.from(data), shape };
  if (op === "softmax") return (softmax(x, { axis, ...extra }) as { data: Float64Array }).data;
  if (op === "logSoftmax") return (logSoftmax(x, { axis, ...extra }) as { data: Float64Array }).data;
  return (logSumExp(x, { axis, ...extra }) as { data: Float64Array }).data;
}

/**
 * The value of IEEE binary16 bits, written here independently of src/ (the test's own decoder):
 * (−1)^s · 2^(e−15) · (1 + m/1024) for normal halves, (−1)^s · 2^−14 · m/1024 for subnormal ones.
 */
export function halfValue(h: number): number {
  const sign = h >= 0x8000 ? -1 : 1;
  const e = Math.floor(h / 1024) % 32;
  const m = h % 1024;
  if (e === 31) return m === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return e === 0 ? sign * 2 ** -14 * (m / 1024) : sign * 2 ** (e - 15) * (1 + m / 1024);
}

/** The half ulp at v: 2^(max(floor(log2|v|), −14) − 10) (the subnormal spacing 2^-24 below 2^-14). */
export function ulp16(v: number): number {
  const a = Math.abs(v);
  if (a === 0 || !Number.isFinite(a)) return 2 ** -24;
  return 2 ** (Math.max(Math.floor(Math.log2(a)), -14) - 10);
}

/** Positive finite half values in increasing order (bits 0 … 0x7bff), then 65536 standing for +Infinity's place. */
const HALVES = Float64Array.from({ length: 0x7c01 }, (_, h) => (h === 0x7c00 ? 65536 : halfValue(h)));

/**
 * The oracle: bits of the half nearest to v (ties to the even bits), found by binary search over
 * every half value, not by any bit manipulation: an implementation independent of src/. Beyond
 * 65504 the next "half" is 65536 (+Infinity), so 65520 and above round to +Infinity, as IEEE says.
 */
export function nearestHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65536) return sign | 0x7c00;
  let lo = 0;
  let hi = 0x7c00;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((HALVES[mid] as number) <= a) lo = mid;
    else hi = mid;
  }
  const dl = a - (HALVES[lo] as number);
  const dh = (HALVES[hi] as number) - a;
  return sign | (dl < dh || (dl === dh && lo % 2 === 0) ? lo : hi);
}

/** The outcome of comparing float16 results with a reference. */
export interface HalfComparison {
  /** Largest error in half ulps of `scale(ref)` over finite references. */
  maxUlp: number;
  /** Results that are not the half nearest to the reference. */
  notNearest: number;
  /** Results compared. */
  total: number;
  specialMismatches: string[];
  worst: string;
}

/**
 * Compares half bits y with a float64 reference: NaN, ±Infinity, and finite references beyond the
 * half range (which round to ±Infinity) must match under Object.is (zeros compared as 0); finite
 * ones are measured in half ulps of `scale(ref)`, and counted when not the nearest half.
 */
export function compareHalf(y: Uint16Array, ref: Float64Array, scale: (r: number) => number = (r) => r): HalfComparison {
  let notNearest = 0;
  const specialMismatches: string[] = [];
  const { maxUlp, worst } = largestError(ref, (r, i) => {
    const h = y[i] as number;
    const g = halfValue(h);
    const want = nearestHalf(r);
    if (Number.isNaN(r) || !Number.isFinite(halfValue(want))) {
      if (!Object.is(g, halfValue(want))) specialMismatches.push(`${i}: ${g} vs ${r}`);
      return null;
    }
    if (!Number.isFinite(g)) {
      specialMismatches.push(`${i}: ${g} vs ${r}`);
      return null;
    }
    if ((h & 0x7fff) !== (want & 0x7fff)) notNearest++;
    return { got: g, error: Math.abs(g - r) / ulp16(scale(r)) };
  });
  return { maxUlp, notNearest, total: ref.length, specialMismatches, worst };
}

/** Random half bits with |value| < 2^(emax − 14) (exponent field below emax), subnormals included (a fixed LCG). */
export function randomHalves(count: number, emax: number, seed = 1): Uint16Array {
  const out = new Uint16Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const e = (s >>> 16) % emax;
    out[i] = ((s >>> 31) << 15) | (e << 10) | (s & 0x3ff);
  }
  return out;
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
  let flushed = 0;
  const specialMismatches: string[] = [];
  const { maxUlp, worst } = largestError(ref, (r, i) => {
    const g = y[i] as number;
    // A finite reference beyond float32's range rounds to ±Infinity in float32: that is the expected result.
    if (Number.isNaN(r) || !Number.isFinite(Math.fround(r)) || r === 0) {
      const want = Math.fround(r);
      const same = r === 0 ? g === 0 : Object.is(g, want);
      if (!same) specialMismatches.push(`${i}: ${g} vs ${r}`);
      return null;
    }
    if (Math.abs(r) < 2 ** -126 && Math.abs(g - r) <= 2 ** -126) {
      if (g === 0) flushed++;
      return null;
    }
    if (!Number.isFinite(g)) {
      specialMismatches.push(`${i}: ${g} vs ${r}`);
      return null;
    }
    return { got: g, error: Math.abs(g - r) / ulp32(scale(r, i)) };
  });
  return { maxUlp, specialMismatches, worst, flushed };
}

/**
 * Float32 bounds in ulps (softmax: of |y|; logSoftmax and logSumExp: of max(|y|, 1), see scaleOf), shared by the
 * float32 suites; the figures measured under them are given where each suite uses them.
 */
export const F32_BOUND: Readonly<Record<Op, number>> = { softmax: 4, logSoftmax: 2, logSumExp: 2 };

/** The error scale of an operation: |y| for softmax; max(|y|, 1) for logSoftmax and logSumExp (log Σ is rounded: an absolute error). */
export const scaleOf = (op: Op) => (op === "softmax" ? (r: number) => r : (r: number) => Math.max(Math.abs(r), 1));

/**
 * Asserts that y has ref's length, that every special value matches, and that the error is within `bound` ulps of
 * scale(ref) (see compare); returns the measured error.
 */
export function expectClose(y: Float32Array, ref: Float64Array, scale: (r: number, i: number) => number, bound: number, label: string): number {
  expect(y.length, label).toBe(ref.length);
  const c = compare(y, ref, scale);
  expect(c.specialMismatches, `${label}: special values`).toEqual([]);
  expect(c.maxUlp, `${label}: ${c.worst}`).toBeLessThanOrEqual(bound);
  return c.maxUlp;
}

/**
 * The largest of the errors `errorAt(ref[i], i)` measures, and where (`i: got g, expected r`); errorAt returns null for
 * an entry it checked otherwise (a special value).
 */
export function largestError(
  ref: ArrayLike<number>,
  errorAt: (r: number, i: number) => { got: number; error: number } | null,
): { maxUlp: number; worst: string } {
  let maxUlp = 0;
  let worst = "";
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] as number;
    const m = errorAt(r, i);
    if (m !== null && m.error > maxUlp) {
      maxUlp = m.error;
      worst = `${i}: got ${m.got}, expected ${r}`;
    }
  }
  return { maxUlp, worst };
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
