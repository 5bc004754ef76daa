import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exact } from "../../reference/decimal.mjs";
import { dd } from "../../reference/family/family.mjs";
import { nll, SoftmaxError } from "../../src/index.js";
import { fcParams } from "./_helpers.js";

describe("nll", () => {
  it("gathers −w_y·logProbs[y]; sum and mean (Σ w_y), ignoreIndex, and 0 when nothing is counted", () => {
    const lp = [
      [-0.5, -1.2, -3],
      [-2, -0.1, -4],
    ];
    expect(nll(lp, [0, 1], { reduction: "none" })).toEqual([0.5, 0.1]);
    expect(nll(lp, [0, 1], { reduction: "sum" })).toBe(0.6);
    expect(nll(lp, [0, 1], { weights: [2, 1, 1] })).toBe((2 * 0.5 + 0.1) / 3);
    expect(nll(lp, [0, -100])).toBe(0.5);
    expect(Object.is(nll(lp, [-100, -100]), 0)).toBe(true);
    expect(nll([-0.25, -2], 0)).toBe(0.25);
    expect(nll(lp, [1, 0, 1], { axis: 0, reduction: "none" })).toEqual([2, 1.2, 4]);
  });

  it("property: the mean is a weighted average, within 2 ulp of the compensated quotient", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -50, max: 0, noNaN: true }), fc.double({ min: -50, max: 0, noNaN: true }), fc.nat({ max: 1 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (rows) => {
          const lp = rows.map(([a, b]) => [a, b]);
          const y = rows.map(([, , c]) => c);
          const per = nll(lp, y, { reduction: "none" }) as number[];
          per.forEach((v, i) => {
            expect(Object.is(v, -((lp[i] as number[])[y[i] as number] as number) + 0)).toBe(true);
          });
          const m = nll(lp, y) as number;
          // The exact mean in 64 digits (a float64 sum would carry its own rounding errors), as a double-double.
          const [hi, lo] = dd(per.reduce((s, v) => s.plus(exact(v)), exact(0)).div(per.length));
          // Documented: within 4·2^-53 relative of the exact quotient.
          expect(Math.abs(m - hi - lo)).toBeLessThanOrEqual(4 * 2 ** -53 * Math.abs(hi) + 1e-300);
        },
      ),
      fcParams(100),
    );
  });

  it("special values and errors", () => {
    expect(Object.is(nll([Number.NEGATIVE_INFINITY, 0], 0), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(nll([Number.NaN, 0], 0), Number.NaN)).toBe(true);
    expect(() => nll([[-1, -2]], [2])).toThrow(SoftmaxError);
    expect(() => nll([[-1, -2]], [0], { weights: [1, 2, 3] })).toThrow(/weights/);
    expect(() => nll([[]], [0])).toThrow(SoftmaxError);
  });
});
