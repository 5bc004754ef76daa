import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crossEntropyFD, crossEntropyGrad } from "../../reference/family/family.mjs";
import { crossEntropy, crossEntropyBackward, SoftmaxError } from "../../src/index.js";
import { fcParams, lossCase, MaxError, ulps } from "./_helpers.js";

const logit = fc.double({ min: -40, max: 40, noNaN: true, noDefaultInfinity: true });
const row = fc.array(logit, { minLength: 2, maxLength: 6 });

describe("crossEntropyBackward: against the closed form and finite differences in 64-digit decimal.js", () => {
  it("index targets, weights, smoothing, masks and soft targets: each entry within 4 ulp of max(c·p_k, a_k) (property)", () => {
    const worst = new MaxError();
    const arb = lossCase(
      row,
      fc.oneof(fc.constant(1), fc.double({ min: 1e-3, max: 4, noNaN: true })),
      fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
    );
    fc.assert(
      fc.property(arb, ({ x, y, t, w, eps, where }) => {
        where[y] = true;
        const cases: [number | number[], Record<string, unknown>, Parameters<typeof crossEntropyGrad>[2]][] = [
          [y, {}, {}],
          [y, { weights: w, labelSmoothing: eps, where: [where] }, { weights: w, eps, where }],
          [t, { weights: w, labelSmoothing: eps }, { weights: w, eps }],
        ];
        for (const [target, o, ro] of cases) {
          const g = (crossEntropyBackward([x], [target] as number[], { ...o, reduction: "sum" }) as number[][])[0] as number[];
          const ref = crossEntropyGrad(x, target, ro);
          g.forEach((gk, k) => {
            const r = ref[k] as { value: [number, number]; scale: number };
            const e = ulps(gk, r.value, r.scale || undefined);
            worst.see(e, () => JSON.stringify({ x, target, ro, k }));
            expect(e).toBeLessThanOrEqual(4);
          });
        }
      }),
      fcParams(120),
    );
    console.log(`crossEntropyBackward: max error ${worst.max.toFixed(3)} ulp of max(c·p, a)`);
  });

  it("agrees with central finite differences (h = 1e-25, 64 digits) of the reference loss", () => {
    const cases: [number[], number | number[], Parameters<typeof crossEntropyGrad>[2]][] = [
      [[2, 1, 0.1], 0, {}],
      [[-3, 7, 0.5, 2], 2, { weights: [1, 2, 0.5, 3], eps: 0.2 }],
      [[0.3, -0.2, 1.7], [0.2, 0.5, 0.3], { eps: 0.1 }],
      [[5, 1, -2, 0], 1, { where: [true, true, false, true], eps: 0.3 }],
      [[30, 0], 0, {}],
    ];
    for (const [x, target, ro] of cases) {
      const o = { weights: ro?.weights, labelSmoothing: ro?.eps, where: ro?.where ? [ro.where] : undefined, reduction: "sum" as const };
      const g = (crossEntropyBackward([x], [target] as number[], o) as number[][])[0] as number[];
      const fd = crossEntropyFD(x, target, ro);
      g.forEach((gk, k) => {
        const scale = Math.max(Math.abs(fd[k] as number), 1e-300);
        expect(Math.abs(gk - (fd[k] as number))).toBeLessThanOrEqual(4 * Number.EPSILON * scale + 1e-300);
      });
    }
  });

  it("p − 1 for a confident correct class keeps its digits", () => {
    const g = crossEntropyBackward([[40, 0]], [0], { reduction: "sum" }) as number[][];
    const ref = crossEntropyGrad([40, 0], 0);
    expect(ulps((g[0] as number[])[0] as number, (ref[0] as { value: [number, number] }).value)).toBeLessThanOrEqual(1);
    expect(ulps((g[0] as number[])[1] as number, (ref[1] as { value: [number, number] }).value)).toBeLessThanOrEqual(1);
  });

  it("identities: without weights each row sums to 0 (Σ p − Σ t = 0), and the gradient is p − onehot", () => {
    fc.assert(
      fc.property(
        row.chain((x) => fc.tuple(fc.constant(x), fc.nat({ max: x.length - 1 }))),
        ([x, y]) => {
          const g = (crossEntropyBackward([x], [y], { reduction: "sum" }) as number[][])[0] as number[];
          const s = g.reduce((a, b) => a + b, 0);
          expect(Math.abs(s)).toBeLessThanOrEqual(8 * Number.EPSILON);
          expect(g[y]).toBeLessThanOrEqual(0);
          g.forEach((v, k) => {
            if (k !== y) expect(v).toBeGreaterThanOrEqual(0);
          });
        },
      ),
      fcParams(200),
    );
  });

  it("reductions: mean divides by Σ item weights; none = sum (independent items); ignored items and empty means give 0", () => {
    const x = [
      [2, 1, 0.1],
      [0, 3, -1],
    ];
    const w = [1, 3, 1];
    const sum = crossEntropyBackward(x, [0, 1], { weights: w, reduction: "sum" }) as number[][];
    const mean = crossEntropyBackward(x, [0, 1], { weights: w }) as number[][];
    const none = crossEntropyBackward(x, [0, 1], { weights: w, reduction: "none" }) as number[][];
    expect(none).toEqual(sum);
    mean.forEach((r, i) => {
      r.forEach((v, k) => {
        expect(v).toBe(((sum[i] as number[])[k] as number) / 4);
      });
    });
    const ig = crossEntropyBackward(x, [0, -100]) as number[][];
    expect(ig[1]).toEqual([0, 0, 0]);
    expect(ig[0]).toEqual((crossEntropyBackward([x[0] as number[]], [0]) as number[][])[0]);
    expect(crossEntropyBackward(x, [-100, -100])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it("is the derivative of crossEntropy (double-precision central differences agree to 1e-7)", () => {
    const x = [0.3, -1.2, 2.5, 0.7];
    const o = { labelSmoothing: 0.1, weights: [1, 2, 3, 0.5] };
    const g = (crossEntropyBackward([x], [2], o) as number[][])[0] as number[];
    x.forEach((_, k) => {
      const h = 1e-6;
      const up = x.slice();
      const dn = x.slice();
      up[k] = (up[k] as number) + h;
      dn[k] = (dn[k] as number) - h;
      const fd = ((crossEntropy([up], [2], o) as number) - (crossEntropy([dn], [2], o) as number)) / (2 * h);
      expect(Math.abs(fd - (g[k] as number))).toBeLessThan(1e-7);
    });
  });

  it("special values: masked class 0, NaN slice NaN, all masked NaN, float32 kind kept", () => {
    const g = (crossEntropyBackward([[1, 2, 3]], [0], { where: [[true, false, true]] }) as number[][])[0] as number[];
    expect(Object.is(g[1], 0)).toBe(true);
    const n = (crossEntropyBackward([[1, Number.NaN]], [0]) as number[][])[0] as number[];
    expect(n.every((v) => Object.is(v, Number.NaN))).toBe(true);
    const m = (crossEntropyBackward([[1, 2]], [0], { where: [[false, false]] }) as number[][])[0] as number[];
    expect(m.every((v) => Object.is(v, Number.NaN))).toBe(true);
    const f = crossEntropyBackward(new Float32Array([1, 2, 3]), 2);
    expect(f).toBeInstanceOf(Float32Array);
    expect(() => crossEntropyBackward([[1, 2]], [5])).toThrow(SoftmaxError);
  });
});
