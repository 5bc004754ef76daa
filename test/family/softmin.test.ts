import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { softmax as refSoftmax } from "../../reference/family/family.mjs";
import { SoftmaxError, softmax, softmin } from "../../src/index.js";
import { fcParams, MaxError, ulps } from "./_helpers.js";

describe("softmin", () => {
  it("is softmax(−x) bit for bit, and within 4 ulp of 64-digit decimal.js (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(fc.array(fc.double({ min: -700, max: 700, noNaN: true }), { minLength: 1, maxLength: 8 }), (x) => {
        const p = softmin(x) as number[];
        expect(p).toEqual(softmax(x.map((v) => -v)));
        refSoftmax(x.map((v) => -v)).forEach((r, k) => {
          const e = ulps(p[k] as number, r);
          worst.see(e, () => JSON.stringify(x));
          expect(e).toBeLessThanOrEqual(4);
        });
      }),
      fcParams(150),
    );
    console.log(`softmin: max error ${worst.max.toFixed(3)} ulp`);
  });

  it("kinds, axes, options and special values", () => {
    expect(softmin([1, 2, 3])).toEqual([0.6652409557748218, 0.24472847105479767, 0.09003057317038046]);
    const f = softmin(new Float32Array([1, 2]));
    expect(f).toBeInstanceOf(Float32Array);
    const t = softmin({ data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] }, { axis: 0 }) as { data: Float64Array; shape: number[] };
    expect(t.shape).toEqual([2, 2]);
    expect(softmin([1, 2], { temperature: 0 })).toEqual([1, 0]);
    expect(softmin([1, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toEqual([0, 0.5, 0.5]);
    expect(softmin([Number.POSITIVE_INFINITY, 1])).toEqual([0, 1]);
    expect(softmin([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY])).toEqual([0, 0]);
    expect((softmin([1, Number.NaN]) as number[]).every((v) => Object.is(v, Number.NaN))).toBe(true);
    expect(() => softmin([1, 2], { where: [false, false], onFullyMasked: "error" })).toThrow(SoftmaxError);
    expect(() => softmin([1, 2], { temperature: -1 })).toThrow(/softmin/);
    const out = new Float64Array(2);
    expect(softmin(new Float64Array([0, 0]), { out })).toBe(out);
  });
});
