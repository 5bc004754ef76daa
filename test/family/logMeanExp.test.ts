import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logMeanExp as refLme } from "../../reference/family/family.mjs";
import { logMeanExp, SoftmaxError } from "../../src/index.js";
import { fcParams, MaxError, ulps } from "./_helpers.js";

describe("logMeanExp", () => {
  it("within 3 ulp of max(|m|, |log(S/n)|) against 64-digit decimal.js (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(fc.array(fc.double({ min: -700, max: 700, noNaN: true }), { minLength: 1, maxLength: 10 }), (x) => {
        const got = logMeanExp(x) as number;
        const ref = refLme(x);
        const m = Math.max(...x);
        const scale = Math.max(Math.abs(m), Math.abs(ref[0] - m), Math.abs(ref[0]));
        const e = ulps(got, ref, scale);
        worst.see(e, () => JSON.stringify(x));
        expect(e).toBeLessThanOrEqual(3);
      }),
      fcParams(200),
    );
    console.log(`logMeanExp: max error ${worst.max.toFixed(3)} ulp of max(|m|, |log(S/n)|)`);
  });

  it("keeps results near 0: equal entries give the entry exactly, small spreads keep their digits", () => {
    expect(Object.is(logMeanExp([0, 0, 0]), 0)).toBe(true);
    expect(logMeanExp([5, 5, 5, 5])).toBe(5);
    expect(logMeanExp([1000, 1000])).toBe(1000);
    for (const x of [
      [1e-10, -1e-10, 3e-10],
      [0, 5.5e-64],
      [0, 1e-300, -1e-300],
      [2, 2 + 2 ** -50],
    ]) {
      expect(ulps(logMeanExp(x) as number, refLme(x))).toBeLessThanOrEqual(2);
    }
  });

  it("axes, keepDims, masks", () => {
    const x = [
      [0, Math.log(3)],
      [1, 1],
    ];
    expect(logMeanExp(x, { axis: 0 })).toEqual([logMeanExp([0, 1]), logMeanExp([Math.log(3), 1])]);
    expect(logMeanExp(x, { keepDims: true }) as number[][]).toHaveLength(2);
    expect(((logMeanExp(x, { keepDims: true }) as number[][])[1] as number[])[0]).toBe(1);
    expect(logMeanExp(x, { axis: null })).toBe(logMeanExp([0, Math.log(3), 1, 1]));
    expect(logMeanExp([7, 100], { where: [true, false] })).toBe(7);
    // 1-d float32 input reduces to a number rounded once to float32.
    expect(logMeanExp(new Float32Array([1, 2]))).toBe(Math.fround(logMeanExp([1, 2]) as number));
    expect((logMeanExp({ data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }) as { data: Float32Array }).data).toBeInstanceOf(Float32Array);
  });

  it("special values (Object.is) and errors", () => {
    expect(Object.is(logMeanExp([1, Number.NaN]), Number.NaN)).toBe(true);
    expect(Object.is(logMeanExp([1, Number.POSITIVE_INFINITY]), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(logMeanExp([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]), Number.NEGATIVE_INFINITY)).toBe(true);
    expect(Object.is(logMeanExp([]), Number.NEGATIVE_INFINITY)).toBe(true);
    expect(Object.is(logMeanExp([1, 2], { where: [false, false] }), Number.NEGATIVE_INFINITY)).toBe(true);
    // −∞ entries count in n: log((e^0 + 0)/2) = −log 2.
    expect(logMeanExp([0, Number.NEGATIVE_INFINITY])).toBe(-Math.LN2);
    expect(() => logMeanExp([1], { axis: 1 })).toThrow(SoftmaxError);
    expect(() => logMeanExp([1], { keepDims: 1 as never })).toThrow(/keepDims/);
  });
});
