/**
 * Property-based tests (fast-check) of sigmoid and logSigmoid over every
 * double (NaN, ±Infinity, -0, subnormals and ±1.79e308 included).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ref from "../../reference/decimal.mjs";
import { logSigmoid, sigmoid, softmax } from "../../src/index.js";
import { CORRECTLY_ROUNDED_32, exactOf, ulpError } from "../accuracy/ulp.js";
import { finiteDouble, ulp } from "./arbitraries.js";

const RUNS = { numRuns: 1000 };
const s1 = (x: number) => sigmoid([x])[0] as number;
const ls1 = (x: number) => logSigmoid([x])[0] as number;

describe("sigmoid / logSigmoid properties", () => {
  it("σ and logσ within 2 ulp of the 64-digit decimal.js value for any finite double", () => {
    const x = fc.oneof(finiteDouble, fc.double({ min: -800, max: 800, noNaN: true }), fc.double({ min: -40, max: 40, noNaN: true }));
    fc.assert(
      fc.property(x, (v) => {
        expect(ulpError(s1(v), exactOf(ref.str(ref.sigmoid(v))), "float64"), `σ(${v})`).toBeLessThanOrEqual(2);
        expect(ulpError(ls1(v), exactOf(ref.str(ref.logSigmoid(v))), "float64"), `logσ(${v})`).toBeLessThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });

  it("σ(x) ∈ [0, 1] and logσ(x) ≤ 0 for every double; NaN only from NaN", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        const s = s1(x);
        const l = ls1(x);
        if (Number.isNaN(x)) {
          expect(s).toBeNaN();
          expect(l).toBeNaN();
        } else {
          expect(s >= 0 && s <= 1).toBe(true);
          expect(l <= 0).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("monotone: a ≤ b ⇒ σ(a) ≤ σ(b) and logσ(a) ≤ logσ(b)", () => {
    fc.assert(
      fc.property(finiteDouble, finiteDouble, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(s1(lo)).toBeLessThanOrEqual(s1(hi));
        expect(ls1(lo)).toBeLessThanOrEqual(ls1(hi));
      }),
      RUNS,
    );
  });

  it("σ(x) + σ(-x) = 1 within 2^-51 (each side within 2 ulp, plus the rounding of the check)", () => {
    fc.assert(
      fc.property(finiteDouble, (x) => {
        expect(Math.abs(s1(x) + s1(-x) - 1)).toBeLessThanOrEqual(2 ** -51);
      }),
      RUNS,
    );
  });

  it("logσ(x) - logσ(-x) = x within 2 ulp of each side (+ the subtraction's rounding)", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e300, max: 1e300, noNaN: true }), (x) => {
        const a = ls1(x);
        const b = ls1(-x);
        expect(Math.abs(a - b - x)).toBeLessThanOrEqual(2 * ulp(a) + 2 * ulp(b) + ulp(a - b));
      }),
      RUNS,
    );
  });

  it("exp(logσ(x)) = σ(x) within (2|logσ| + 4)·2^-52 relative, for σ(x) normal", () => {
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
        const l = ls1(x);
        const s = s1(x);
        expect(Math.abs(Math.exp(l) - s)).toBeLessThanOrEqual((2 * Math.abs(l) + 4) * 2 ** -52 * s);
      }),
      RUNS,
    );
  });

  it("softmax([z, 0]) = [σ(z), σ(-z)] within 4 ulp (both within 2 of the exact value)", () => {
    fc.assert(
      fc.property(fc.double({ min: -740, max: 740, noNaN: true }), (z) => {
        const [a, b] = softmax([z, 0]) as [number, number];
        expect(Math.abs(a - s1(z))).toBeLessThanOrEqual(4 * ulp(s1(z)));
        expect(Math.abs(b - s1(-z))).toBeLessThanOrEqual(4 * ulp(s1(-z)));
      }),
      RUNS,
    );
  });

  it("float32 in → float32 out, correctly rounded against the 64-digit decimal.js σ (not against the float64 kernel)", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        const y = sigmoid(Float32Array.of(x));
        expect(y).toBeInstanceOf(Float32Array);
        if (!Number.isFinite(x)) {
          expect(Object.is(y[0], x > 0 ? 1 : 0)).toBe(true);
          return;
        }
        expect(ulpError(y[0] as number, exactOf(ref.str(ref.sigmoid(x))), "float32"), `σ(${x})`).toBeLessThanOrEqual(CORRECTLY_ROUNDED_32);
      }),
      RUNS,
    );
  });
});
