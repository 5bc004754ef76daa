import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  entmax15Backward as refEb,
  entmax15 as refEntmax,
  sparsemaxBackward as refSb,
  sparsemax as refSparsemax,
  vjpFD,
} from "../../reference/family/family.mjs";
import { entmax15, entmax15Backward, SoftmaxError, sparsemax, sparsemaxBackward } from "../../src/index.js";
import { fcParams, MaxError, ulps } from "./_helpers.js";

const row = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 1, maxLength: 9 });
// Upstream gradients without subnormals (flushed to 0): with subnormal dy the error is absolute, a few 2^-1074, not relative.
const grad = fc.double({ min: -10, max: 10, noNaN: true }).map((v) => (Math.abs(v) < 1e-290 ? 0 : v));
const withDy = row.chain((x) => fc.tuple(fc.constant(x), fc.array(grad, { minLength: x.length, maxLength: x.length })));

describe("sparsemax", () => {
  it("within 2 ulp of max(|x|) absolute against the 64-digit sort-based reference; sums to 1 (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(row, (x) => {
        const p = sparsemax(x) as number[];
        const scale = Math.max(1, ...x.map(Math.abs));
        refSparsemax(x).forEach((r, k) => {
          const e = ulps(p[k] as number, r, scale);
          worst.see(e, () => JSON.stringify(x));
          expect(e).toBeLessThanOrEqual(2);
          expect(p[k] as number).toBeGreaterThanOrEqual(0);
        });
        expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(x.length * 4 * Number.EPSILON * scale);
      }),
      fcParams(300),
    );
    console.log(`sparsemax: max error ${worst.max.toFixed(3)} ulp of max(1, |x|)`);
  });

  it("values, axes, masks, kinds", () => {
    expect(sparsemax([1, 0.5, -3])).toEqual([0.75, 0.25, 0]);
    expect(sparsemax([0, 0, 0])).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(sparsemax([5, 0])).toEqual([1, 0]);
    expect(sparsemax([1, 0.5, -3], { where: [true, false, true] })).toEqual([1, 0, 0]);
    const x = [
      [1, 0],
      [0.5, 0],
    ];
    expect(sparsemax(x, { axis: 0 })).toEqual([
      [0.75, 0.5],
      [0.25, 0.5],
    ]);
    const f = sparsemax(new Float32Array([0.1, 0.2, 0.3]));
    expect(f).toBeInstanceOf(Float32Array);
  });

  it("special values (Object.is)", () => {
    expect((sparsemax([1, Number.NaN]) as number[]).every((v) => Object.is(v, Number.NaN))).toBe(true);
    expect(sparsemax([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toEqual([0, 0]);
    expect(sparsemax([Number.POSITIVE_INFINITY, 1, Number.POSITIVE_INFINITY])).toEqual([0.5, 0, 0.5]);
    expect(sparsemax([1, Number.NEGATIVE_INFINITY, 1])).toEqual([0.5, 0, 0.5]);
    expect(sparsemax([])).toEqual([]);
    expect(() => sparsemax([1], { axis: 3 })).toThrow(SoftmaxError);
  });
});

describe("entmax15", () => {
  // p = d², d = x/2 − τ: an absolute error of τ (a few ulp of max(1, |x|)) becomes 2√p times that in p.
  it("within 4 ulp of max(p, √p·max(1, |x|)) against the 64-digit reference; sums to 1 (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(row, (x) => {
        const p = entmax15(x) as number[];
        const big = Math.max(1, ...x.map(Math.abs));
        refEntmax(x).forEach((r, k) => {
          const e = ulps(p[k] as number, r, Math.max(Math.abs(r[0]), Math.sqrt(Math.abs(r[0])) * big, big * Number.EPSILON));
          worst.see(e, () => JSON.stringify(x));
          expect(e).toBeLessThanOrEqual(4);
        });
        expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(16 * x.length * Number.EPSILON * big);
      }),
      fcParams(300),
    );
    console.log(`entmax15: max error ${worst.max.toFixed(3)} ulp of max(p, √p·max(1, |x|))`);
  });

  it("values and special cases", () => {
    expect(entmax15([0, 0, 0, 0])).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(entmax15([3, 1, 0.2])).toEqual([1, 0, 0]);
    const p = entmax15([1, 0.5, -3]) as number[];
    const r = refEntmax([1, 0.5, -3]);
    p.forEach((v, k) => {
      expect(ulps(v, r[k] as [number, number])).toBeLessThanOrEqual(2);
    });
    expect((entmax15([1, Number.NaN]) as number[]).every((v) => Object.is(v, Number.NaN))).toBe(true);
    expect(entmax15([Number.POSITIVE_INFINITY, 0])).toEqual([1, 0]);
    expect(entmax15([1, 2], { where: [false, false] })).toEqual([0, 0]);
  });
});

describe("sparsemaxBackward and entmax15Backward", () => {
  it("match the 64-digit closed forms (property) and finite differences of the references", () => {
    const ws = new MaxError();
    const we = new MaxError();
    fc.assert(
      fc.property(withDy, ([x, dy]) => {
        const ys = sparsemax(x) as number[];
        const gs = sparsemaxBackward(ys, dy) as number[];
        refSb(ys, dy).forEach((r, k) => {
          const e = ulps(gs[k] as number, r.value, r.scale || undefined);
          ws.see(e, () => JSON.stringify({ x, dy }));
          expect(e).toBeLessThanOrEqual(2);
        });
        const ye = entmax15(x) as number[];
        const ge = entmax15Backward(ye, dy) as number[];
        refEb(ye, dy).forEach((r, k) => {
          const e = ulps(ge[k] as number, r.value, r.scale || undefined);
          we.see(e, () => JSON.stringify({ x, dy }));
          expect(e).toBeLessThanOrEqual(4);
        });
      }),
      fcParams(200),
    );
    console.log(`sparsemaxBackward: max ${ws.max.toFixed(3)} ulp; entmax15Backward: max ${we.max.toFixed(3)} ulp`);
    const x = [1.3, 0.2, -0.4, 0.9];
    const dy = [0.5, -1, 2, 3];
    const fdS = vjpFD("sparsemax", x, dy);
    (sparsemaxBackward(sparsemax(x), dy) as number[]).forEach((g, k) => {
      expect(Math.abs(g - (fdS[k] as number))).toBeLessThan(1e-14);
    });
    const fdE = vjpFD("entmax15", x, dy);
    (entmax15Backward(entmax15(x), dy) as number[]).forEach((g, k) => {
      expect(Math.abs(g - (fdE[k] as number))).toBeLessThan(1e-14);
    });
  });

  it("zero off the support; the gradient sums to 0 on it", () => {
    expect(sparsemaxBackward(sparsemax([1, 0.5, -3]), [1, 0, 0])).toEqual([0.5, -0.5, 0]);
    const g = entmax15Backward(entmax15([1, 0.5, -3]), [1, 2, 3]) as number[];
    expect(Object.is(g[2], 0)).toBe(true);
    expect(Math.abs((g[0] as number) + (g[1] as number))).toBeLessThan(4 * Number.EPSILON);
  });
});
