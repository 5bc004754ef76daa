import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { entropyOfLogits, entropyOfProbabilities } from "../../reference/family/family.mjs";
import { crossEntropy, entropy, klDivergence, SoftmaxError, softmax } from "../../src/index.js";
import { fcParams, MaxError, ulps } from "./_helpers.js";

const row = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 8 });

describe("entropy", () => {
  it("from logits within 4 ulp of 64-digit decimal.js (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(row, (x) => {
        const e = ulps(entropy(x) as number, entropyOfLogits(x));
        worst.see(e, () => JSON.stringify(x));
        expect(e).toBeLessThanOrEqual(4);
      }),
      fcParams(200),
    );
    console.log(`entropy (logits): max error ${worst.max.toFixed(3)} ulp`);
  });

  it("from probabilities within 3 ulp (property), and equal to the logits form on softmax output", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }), (p) => {
        const e = ulps(entropy(p, { input: "probabilities" }) as number, entropyOfProbabilities(p));
        worst.see(e, () => JSON.stringify(p));
        expect(e).toBeLessThanOrEqual(3);
      }),
      fcParams(200),
    );
    console.log(`entropy (probabilities): max error ${worst.max.toFixed(3)} ulp`);
    const x = [1, 2, 3];
    const a = entropy(x) as number;
    const b = entropy(softmax(x), { input: "probabilities" }) as number;
    expect(Math.abs(a - b)).toBeLessThan(4 * Number.EPSILON);
  });

  it("values, axes and reductions", () => {
    expect(entropy([0, 0, 0, 0])).toBe(Math.log(4));
    expect(entropy([0.5, 0.5], { input: "probabilities" })).toBe(Math.LN2);
    const x = [
      [0, 0],
      [5, 5],
    ];
    expect(entropy(x)).toEqual([Math.LN2, Math.LN2]);
    expect(entropy(x, { axis: 0 })).toEqual([entropy([0, 5]), entropy([0, 5])]);
    expect(entropy(x, { reduction: "sum" })).toBe(2 * Math.LN2);
    expect(entropy(x, { reduction: "mean" })).toBe(Math.LN2);
    // A 0.5 entropy gap between a sharp and a flat row.
    expect(entropy([100, 0]) as number).toBeLessThan(1e-40);
  });

  it("special values (Object.is)", () => {
    expect(Object.is(entropy([1, Number.NaN]), Number.NaN)).toBe(true);
    expect(Object.is(entropy([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]), 0)).toBe(true);
    expect(Object.is(entropy([1, 2], { where: [false, false] }), 0)).toBe(true);
    expect(Object.is(entropy([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0]), Math.LN2)).toBe(true);
    expect(Object.is(entropy([0, 1], { input: "probabilities" }), 0)).toBe(true);
    expect(Object.is(entropy([1, Number.NEGATIVE_INFINITY]), 0)).toBe(true);
  });

  it("errors", () => {
    expect(() => entropy([1, 2], { input: "probs" as never })).toThrow(SoftmaxError);
    expect(() => entropy([1, 2], { axis: 1 })).toThrow(/axis/);
    expect(() => klDivergence([1, 2], [1, 2, 3])).toThrow(SoftmaxError);
  });

  it("refuses probabilities < 0 or +∞ by path (they gave NaN); crossEntropy's probability targets the same", () => {
    const bad = (arg: string, path: string) => expect.objectContaining({ code: "INVALID_INPUT", arg, path });
    const probs = { input: "probabilities" } as const;
    expect(() => entropy([-0.5, 1.5], probs)).toThrow(bad("x", "[0]"));
    expect(() =>
      entropy(
        [
          [0.5, 0.5],
          [0, Number.POSITIVE_INFINITY],
        ],
        probs,
      ),
    ).toThrow(bad("x", "[1][1]"));
    expect(() => klDivergence([0.5, 0.5], [-0.5, 1.5], probs)).toThrow(bad("q", "[0]"));
    expect(() => klDivergence([1.5, -0.5], [0.5, 0.5], probs)).toThrow(bad("p", "[1]"));
    expect(() => crossEntropy([1, 2], [1.5, -0.5])).toThrow(bad("target", "[1]"));
    // As logits, negative values are fine.
    expect(entropy([-0.5, -0.5])).toBe(Math.LN2);
  });
});
