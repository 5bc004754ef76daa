import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { klOfLogits, klOfProbabilities } from "../../reference/family/family.mjs";
import { klDivergence } from "../../src/index.js";
import { fcParams, MaxError, ulps } from "./_helpers.js";

describe("klDivergence", () => {
  it("from logits: absolute error ≤ 4·2^-53·Σ P(|log P| + |log Q|) (property)", () => {
    const worst = new MaxError();
    const pair = fc.integer({ min: 1, max: 7 }).chain((n) => {
      const r = fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: n, maxLength: n });
      return fc.tuple(r, r);
    });
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const got = klDivergence(a, b) as number;
        const { value, scale } = klOfLogits(a, b);
        const err = Math.abs(got - value[0] - value[1]) / (Number.EPSILON / 2) / Math.max(scale, Number.MIN_VALUE);
        worst.see(err, () => JSON.stringify({ a, b }));
        expect(err).toBeLessThanOrEqual(4);
      }),
      fcParams(200),
    );
    console.log(`klDivergence (logits): max error ${worst.max.toFixed(3)} units of 2^-53·Σ P(|log P|+|log Q|)`);
  });

  it("from probabilities: within 4 ulp (property), including P ≈ Q", () => {
    const worst = new MaxError();
    const probs = fc.integer({ min: 1, max: 6 }).chain((n) => {
      const r = fc.array(fc.double({ min: 1e-6, max: 1, noNaN: true }), { minLength: n, maxLength: n });
      return fc.tuple(r, r, fc.double({ min: -1e-9, max: 1e-9, noNaN: true }));
    });
    fc.assert(
      fc.property(probs, ([p, q, jitter]) => {
        const near = p.map((v) => v * (1 + jitter));
        for (const qq of [q, near]) {
          const got = klDivergence(p, qq, { input: "probabilities" }) as number;
          const ref = klOfProbabilities(p, qq);
          // Mixed signs among the terms can cancel: measure in ulps of Σ |terms| ≥ |KL|.
          const scale = p.reduce((s, v, k) => s + v * Math.abs(Math.log(v / (qq[k] as number))), 0);
          const e = ulps(got, ref, Math.max(scale, Math.abs(ref[0])) || undefined);
          worst.see(e, () => JSON.stringify({ p, qq }));
          expect(e).toBeLessThanOrEqual(4);
        }
      }),
      fcParams(200),
    );
    console.log(`klDivergence (probabilities): max error ${worst.max.toFixed(3)} ulp of Σ|terms|`);
  });

  it("values, axes, reductions", () => {
    expect(klDivergence([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(klDivergence([0.5, 0.5], [0.5, 0.5], { input: "probabilities" })).toBe(0);
    const v = klDivergence([0.5, 0.5], [0.9, 0.1], { input: "probabilities" }) as number;
    expect(ulps(v, klOfProbabilities([0.5, 0.5], [0.9, 0.1]))).toBeLessThanOrEqual(1);
    const x = [
      [0, 1],
      [2, 3],
    ];
    const y = [
      [1, 0],
      [3, 2],
    ];
    const per = klDivergence(x, y) as number[];
    expect(per).toHaveLength(2);
    expect(klDivergence(x, y, { reduction: "sum" })).toBe((per[0] as number) + (per[1] as number));
    expect(klDivergence(x, y, { axis: 0 })).toEqual([klDivergence([0, 2], [1, 3]), klDivergence([1, 3], [0, 2])]);
  });

  it("special values (Object.is)", () => {
    expect(Object.is(klDivergence([0, 1], [0.5, 0.5], { input: "probabilities" }), Math.LN2)).toBe(true);
    expect(Object.is(klDivergence([0.5, 0.5], [1, 0], { input: "probabilities" }), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(klDivergence([0, 0.5], [0, 0.5], { input: "probabilities" }), 0)).toBe(true);
    expect(Object.is(klDivergence([1, 2], [1, Number.NEGATIVE_INFINITY]), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(klDivergence([1, Number.NEGATIVE_INFINITY], [1, Number.NEGATIVE_INFINITY]), 0)).toBe(true);
    expect(Object.is(klDivergence([1, Number.NaN], [1, 2]), Number.NaN)).toBe(true);
    expect(Object.is(klDivergence([Number.NaN, 1], [0.5, 0.5], { input: "probabilities" }), Number.NaN)).toBe(true);
  });
});
