/**
 * Test helpers of the family: errors in ulps against double-double references,
 * a chi-square goodness-of-fit p-value, fast-check settings and arbitraries,
 * and the refusal catcher.
 */
import fc from "fast-check";
import { expect } from "vitest";
import type { DD } from "../../reference/family/family.mjs";
import { SoftmaxError } from "../../src/index.js";

const view = new DataView(new ArrayBuffer(8));

/** floor(log2 |x|) for finite x ≠ 0 (subnormals included). */
function exponentOf(x: number): number {
  view.setFloat64(0, x);
  const biased = (view.getUint16(0) >>> 4) & 0x7ff;
  if (biased === 0) return exponentOf(x * 2 ** 64) - 64;
  return biased - 1023;
}

/** The float64 ulp of |v| (2^-1074 for 0 and subnormals); float32 with `f32`. */
export function ulpOf(v: number, f32 = false): number {
  const p = f32 ? 24 : 53;
  const emin = f32 ? -126 : -1022;
  if (v === 0 || !Number.isFinite(v)) return 2 ** (emin - p + 1);
  return 2 ** (Math.max(exponentOf(v), emin) - p + 1);
}

/**
 * |y − v| in ulps of `scale` (default: of v itself), v = hi + lo exact to ~106 bits.
 * Non-finite references must be matched exactly (Object.is): 0 or Infinity. A zero reference is measured in
 * ulps of `scale`, or of the least subnormal without one (the sign of a zero is not compared here).
 */
export function ulps(y: number, v: DD, scale?: number, f32 = false): number {
  const [hi, lo] = v;
  if (!Number.isFinite(hi)) return Object.is(y, hi) ? 0 : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(y)) return Number.POSITIVE_INFINITY;
  const err = Math.abs(y - hi - lo);
  return err / ulpOf(scale === undefined ? hi : scale, f32);
}

/** Keeps the largest value seen (for "measured max" figures) and reports it on request. */
export class MaxError {
  max = 0;
  where = "";
  see(e: number, where: () => string): void {
    if (e > this.max) {
      this.max = e;
      this.where = where();
    }
  }
}

// Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a): series for x < a + 1, continued fraction otherwise.
function logGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for z > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let s = c[0] as number;
  for (let i = 1; i < 9; i++) s += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-16) break;
    }
    return 1 - sum * Math.exp(lead);
  }
  // Modified Lentz for the continued fraction of Γ(a, x).
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lead) * h;
}

/** Pearson's chi-square statistic of observed counts against expected probabilities, its degrees of freedom and p-value. */
export function chiSquare(observed: readonly number[], probs: readonly number[]): { stat: number; df: number; p: number } {
  const total = observed.reduce((a, b) => a + b, 0);
  let stat = 0;
  let cells = 0;
  probs.forEach((pk, k) => {
    const expected = pk * total;
    if (expected === 0) return;
    cells++;
    stat += ((observed[k] as number) - expected) ** 2 / expected;
  });
  const df = cells - 1;
  return { stat, df, p: gammaQ(df / 2, stat / 2) };
}

/** The significance level of every chi-square test of the family: a correct sampler fails with probability 0.001 per (fixed-seed, hence deterministic) test. */
export const ALPHA = 0.001;

/** fast-check settings: a fixed seed (reproducible runs) unless FC_SEED is set. */
export function fcParams(numRuns = 150): { numRuns: number; seed: number } {
  const env = typeof process !== "undefined" ? process.env.FC_SEED : undefined;
  return { numRuns, seed: env ? Number(env) : 20261125 };
}

/**
 * A loss case over a row of logits from `row`: a class index y, probability targets t, weights w (each from
 * `weight`), label smoothing eps (from `eps`) and a mask `where`, all of x's length.
 */
export function lossCase(
  row: fc.Arbitrary<number[]>,
  weight: fc.Arbitrary<number>,
  eps: fc.Arbitrary<number>,
): fc.Arbitrary<{ x: number[]; y: number; t: number[]; w: number[]; eps: number; where: boolean[] }> {
  return row.chain((x) =>
    fc.record({
      x: fc.constant(x),
      y: fc.nat({ max: x.length - 1 }),
      t: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: x.length, maxLength: x.length }),
      w: fc.array(weight, { minLength: x.length, maxLength: x.length }),
      eps,
      where: fc.array(fc.boolean(), { minLength: x.length, maxLength: x.length }),
    }),
  );
}

/** Runs f, expects it to throw a SoftmaxError and returns it; fails when f returns. */
export function refusal(f: () => unknown): SoftmaxError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SoftmaxError);
    return e as SoftmaxError;
  }
  throw new Error("did not throw");
}
