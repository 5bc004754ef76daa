import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bce as refBce } from "../../reference/family/family.mjs";
import { binaryCrossEntropyWithLogits as bce, SoftmaxError } from "../../src/index.js";
import { fcParams, MaxError, ulps } from "./_helpers.js";

describe("binaryCrossEntropyWithLogits", () => {
  it("hard targets within 2 ulp, soft targets within 3 ulp of 64-digit decimal.js (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(
        fc.double({ min: -800, max: 800, noNaN: true }),
        fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
        fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 10, noNaN: true })),
        (x, t, pw) => {
          const got = bce([x], [t], { posWeight: pw, reduction: "sum" }) as number;
          const e = ulps(got, refBce(x, t, pw));
          worst.see(e, () => JSON.stringify({ x, t, pw }));
          expect(e).toBeLessThanOrEqual(t === 0 || t === 1 ? 2 : 3);
        },
      ),
      fcParams(300),
    );
    console.log(`binaryCrossEntropyWithLogits: max error ${worst.max.toFixed(3)} ulp`);
  });

  it("no overflow and no lost digits: x = ±800, x = 40", () => {
    expect(bce([800], [0], { reduction: "sum" })).toBe(800);
    expect(bce([-800], [1], { reduction: "sum" })).toBe(800);
    expect(bce([40], [1], { reduction: "sum" })).toBe(4.248354255291589e-18);
  });

  it("reductions: none keeps the kind and shape, mean = Σ w·l / Σ w over unmasked, 0 when nothing counted", () => {
    const x = [
      [2, -1],
      [0.5, 3],
    ];
    const t = [
      [1, 0],
      [0, 1],
    ];
    const none = bce(x, t, { reduction: "none" }) as number[][];
    expect(none).toHaveLength(2);
    const w = [
      [1, 2],
      [0, 1],
    ];
    const wm = bce(x, t, { weights: w }) as number;
    const want = ((none[0] as number[])[0] as number) + 2 * ((none[0] as number[])[1] as number) + ((none[1] as number[])[1] as number);
    expect(Math.abs(wm - want / 4)).toBeLessThanOrEqual(4 * Number.EPSILON * wm);
    const masked = bce(x, t, {
      where: [
        [false, true],
        [false, false],
      ],
    });
    expect(masked).toBe((none[0] as number[])[1]);
    expect(
      Object.is(
        bce(x, t, {
          where: [
            [false, false],
            [false, false],
          ],
        }),
        0,
      ),
    ).toBe(true);
    expect(bce(new Float32Array([1, 2]), new Float32Array([1, 0]), { reduction: "none" })).toBeInstanceOf(Float32Array);
  });

  it("special values (Object.is)", () => {
    const one = (x: number, t: number) => bce([x], [t], { reduction: "sum" });
    expect(Object.is(one(Number.POSITIVE_INFINITY, 1), 0)).toBe(true);
    expect(Object.is(one(Number.NEGATIVE_INFINITY, 0), 0)).toBe(true);
    expect(Object.is(one(Number.POSITIVE_INFINITY, 0), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(one(Number.NEGATIVE_INFINITY, 0.5), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(one(Number.NaN, 1), Number.NaN)).toBe(true);
    expect(Object.is(one(0, 0.5), Math.LN2)).toBe(true);
  });

  it("errors", () => {
    expect(() => bce([1], [1.5])).toThrow(SoftmaxError);
    expect(() => bce([1, 2], [1])).toThrow(/SHAPE|shape/);
    expect(() => bce([1], [1], { posWeight: -1 })).toThrow(/posWeight/);
    expect(() => bce([1], [1], { weights: [-1] })).toThrow(/weights/);
  });
});
