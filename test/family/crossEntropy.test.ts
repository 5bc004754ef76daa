import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exact } from "../../reference/decimal.mjs";
import { dd, crossEntropy as refCE } from "../../reference/family/family.mjs";
import { crossEntropy, logSoftmax } from "../../src/index.js";
import { fcParams, lossCase, MaxError, refusal, ulps } from "./_helpers.js";

const logit = fc.double({ min: -60, max: 60, noNaN: true, noDefaultInfinity: true });
const row = fc.array(logit, { minLength: 1, maxLength: 7 });

describe("crossEntropy: accuracy against 64-digit decimal.js", () => {
  it("class index targets: per-item loss ≤ 2 ulp (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(
        row.chain((x) => fc.tuple(fc.constant(x), fc.nat({ max: x.length - 1 }))),
        ([x, y]) => {
          const got = crossEntropy([x], [y], { reduction: "none" }) as number[];
          const e = ulps(got[0] as number, refCE(x, y));
          worst.see(e, () => JSON.stringify({ x, y }));
          expect(e).toBeLessThanOrEqual(2);
        },
      ),
      fcParams(200),
    );
    console.log(`crossEntropy index targets: max error ${worst.max.toFixed(3)} ulp`);
  });

  it("weights, label smoothing, where and probability targets: ≤ 3 ulp (property)", () => {
    const worst = new MaxError();
    // Weights and ε 0 or ≥ 1e-6: subnormal ones give subnormal losses, whose error is absolute (a few 2^-1074).
    const arb = lossCase(
      row,
      fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 4, noNaN: true })),
      fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1, noNaN: true })),
    );
    fc.assert(
      fc.property(arb, ({ x, y, t, w, eps, where }) => {
        where[y] = true;
        const o = { weights: w, labelSmoothing: eps, where: [where], reduction: "none" as const };
        const a = (crossEntropy([x], [y], o) as number[])[0] as number;
        const ea = ulps(a, refCE(x, y, { weights: w, eps, where }));
        const b = (crossEntropy([x], [t], { weights: w, labelSmoothing: eps, reduction: "none" }) as number[])[0] as number;
        const eb = ulps(b, refCE(x, t, { weights: w, eps }));
        worst.see(Math.max(ea, eb), () => JSON.stringify({ x, y, t, w, eps, where }));
        expect(ea).toBeLessThanOrEqual(3);
        expect(eb).toBeLessThanOrEqual(3);
      }),
      fcParams(150),
    );
    console.log(`crossEntropy weighted/smoothed/soft: max error ${worst.max.toFixed(3)} ulp`);
  });

  it("a loss near 0 keeps its digits (exact log-softmax, never log(softmax))", () => {
    const cases: [number[], number][] = [
      [[40, 0], 0],
      [[100, 0, -5], 0],
      [[745, 0], 0],
      [[1e6, 1e6 - 50], 0],
    ];
    for (const [x, y] of cases) {
      const got = crossEntropy([x], [y]) as number;
      expect(got).toBeGreaterThan(0);
      expect(ulps(got, refCE(x, y))).toBeLessThanOrEqual(1);
    }
    expect(crossEntropy([[40, 0]], [0])).toBe(4.248354255291589e-18);
  });

  it("reductions: sum and mean = Σ w_y·loss / Σ w_y, ignoreIndex not counted, 0 when nothing is counted", () => {
    const x = [
      [2, 1, 0.1],
      [0, 3, -1],
      [1, 1, 1],
    ];
    const y = [0, 1, 2];
    const w = [1, 2, 0.5];
    const per = crossEntropy(x, y, { weights: w, reduction: "none" }) as number[];
    const refs = x.map((r, i) => refCE(r, y[i] as number, { weights: w }));
    per.forEach((v, i) => {
      expect(ulps(v, refs[i] as [number, number])).toBeLessThanOrEqual(2);
    });
    // Sums and quotients of the references in 64 digits (not in float64, which would add roundings of its own).
    const sumD = (items: [number, number][]) => items.reduce((s, [h, l]) => s.plus(exact(h)).plus(exact(l)), exact(0));
    const all = sumD(refs as [number, number][]);
    // Documented: "sum"/"mean" ≤ 4 ulp.
    expect(ulps(crossEntropy(x, y, { weights: w, reduction: "sum" }) as number, dd(all))).toBeLessThanOrEqual(4);
    expect(ulps(crossEntropy(x, y, { weights: w }) as number, dd(all.div(3.5)))).toBeLessThanOrEqual(4);
    // ignoreIndex: the second item is not counted.
    const ig = crossEntropy(x, [0, -100, 2], { weights: w }) as number;
    expect(ulps(ig, dd(sumD([refs[0], refs[2]] as [number, number][]).div(1.5)))).toBeLessThanOrEqual(4);
    expect(Object.is((crossEntropy(x, [0, -100, 2], { reduction: "none" }) as number[])[1], 0)).toBe(true);
    // Nothing counted: mean is 0 (documented), sum is 0.
    expect(Object.is(crossEntropy(x, [-1, -1, -1], { ignoreIndex: -1 }), 0)).toBe(true);
    expect(Object.is(crossEntropy(x, [-1, -1, -1], { ignoreIndex: -1, reduction: "sum" }), 0)).toBe(true);
    expect(Object.is(crossEntropy(x, y, { weights: [0, 0, 0] }), 0)).toBe(true);
  });

  it("matches PyTorch-style soft targets: mean over items with weight 1", () => {
    const x = [
      [2, 1, 0.1],
      [0, 3, -1],
    ];
    const t = [
      [0.9, 0.05, 0.05],
      [0, 1, 0],
    ];
    const per = crossEntropy(x, t, { reduction: "none" }) as number[];
    expect(crossEntropy(x, t)).toBe(((per[0] as number) + (per[1] as number)) / 2);
    // A one-hot probability target equals the index target.
    expect(per[1]).toBe((crossEntropy([[0, 3, -1]], [1], { reduction: "none" }) as number[])[0]);
  });

  it("any axis: the class axis 0 of the transpose gives the same losses", () => {
    const x = [
      [2, 0],
      [1, 3],
      [0.1, -1],
    ];
    const a = crossEntropy(x, [0, 1], { axis: 0, reduction: "none" }) as number[];
    const b = crossEntropy(
      [
        [2, 1, 0.1],
        [0, 3, -1],
      ],
      [0, 1],
      { reduction: "none" },
    ) as number[];
    expect(a).toEqual(b);
    // 3-d logits [batch, classes, positions] with axis 1 (PyTorch's layout).
    const x3 = { data: new Float64Array([1, 2, 3, 4, 5, 6]), shape: [1, 3, 2] };
    const r = crossEntropy(x3, { data: new Int32Array([2, 0]), shape: [1, 2] }, { axis: 1, reduction: "none" }) as { data: Float64Array; shape: number[] };
    expect(r.shape).toEqual([1, 2]);
    expect(r.data[0]).toBe((crossEntropy([[1, 3, 5]], [2], { reduction: "none" }) as number[])[0]);
    expect(r.data[1]).toBe((crossEntropy([[2, 4, 6]], [0], { reduction: "none" }) as number[])[0]);
  });

  it("float32 logits give float32 results rounded once; 1-d logits take a number target", () => {
    const x = new Float32Array([2, 1, 0.1]);
    const v = crossEntropy(x, 0) as number;
    expect(v).toBe(Math.fround(refCE([2, 1, Math.fround(0.1)], 0)[0]));
    expect(crossEntropy([2, 1, 0.1], 0)).toBe(crossEntropy([[2, 1, 0.1]], [0]));
    const none = crossEntropy({ data: new Float32Array([2, 1, 0.1, 0, 0, 0]), shape: [2, 3] }, [0, 1], { reduction: "none" }) as { data: Float32Array };
    expect(none.data).toBeInstanceOf(Float32Array);
  });

  it("equals nll of the log-softmax", async () => {
    const { nll } = await import("../../src/index.js");
    const x = [
      [2, 1, 0.1],
      [-5, 7, 0.3],
    ];
    expect(crossEntropy(x, [2, 0], { reduction: "sum" })).toBe(nll(logSoftmax(x), [2, 0], { reduction: "sum" }));
  });
});

describe("crossEntropy: special values (Object.is)", () => {
  const one = (x: number[], y: number | number[], o: Record<string, unknown> = {}) =>
    (crossEntropy([x], [y] as number[], { reduction: "none", ...o }) as number[])[0];
  it("NaN in the slice → NaN; target −∞ or masked → +∞; all masked → +∞; +∞ logits share", () => {
    expect(Object.is(one([1, Number.NaN, 2], 0), Number.NaN)).toBe(true);
    expect(Object.is(one([1, Number.NEGATIVE_INFINITY, 2], 1), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(one([1, 2, 3], 1, { where: [[true, false, true]] }), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(one([1, 2], 0, { where: [[false, false]] }), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(one([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0], 0), Math.log(2))).toBe(true);
    expect(Object.is(one([Number.POSITIVE_INFINITY, 1, 0], 0), 0)).toBe(true);
    expect(Object.is(one([Number.POSITIVE_INFINITY, 1, 0], 1), Number.POSITIVE_INFINITY)).toBe(true);
    expect(Object.is(one([0, 0], 0), Math.LN2)).toBe(true);
  });

  it("label smoothing respects the mask and skips −∞ classes (finite loss)", () => {
    const a = one([1, Number.NEGATIVE_INFINITY, 2], 0, { labelSmoothing: 0.1 });
    const b = one([1, 5, 2], 0, { labelSmoothing: 0.1, where: [[true, false, true]] });
    expect(Number.isFinite(a)).toBe(true);
    expect(a).toBe(b);
    expect(ulps(a as number, refCE([1, 2], 0, { eps: 0.1 }))).toBeLessThanOrEqual(2);
  });
});

describe("crossEntropy: errors", () => {
  it("names the argument, the path and the value", () => {
    const e = refusal(() =>
      crossEntropy(
        [
          [1, 2],
          [3, 4],
        ],
        [0, 2],
      ),
    );
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.arg).toBe("target");
    expect(e.path).toBe("[1]");
    expect(e.received).toBe(2);
    expect(refusal(() => crossEntropy([[1, 2]], [0.5])).code).toBe("INVALID_INPUT");
    expect(refusal(() => crossEntropy([[1, 2]], [0, 1])).code).toBe("SHAPE_MISMATCH");
    expect(refusal(() => crossEntropy([[1, 2]], [[0.5, -0.5]])).code).toBe("INVALID_INPUT");
    expect(refusal(() => crossEntropy([[1, 2]], [0], { labelSmoothing: 1.5 })).arg).toBe("options.labelSmoothing");
    expect(refusal(() => crossEntropy([[1, 2]], [0], { weights: [1] })).code).toBe("SHAPE_MISMATCH");
    expect(refusal(() => crossEntropy([[1, 2]], [0], { weights: [1, -1] })).arg).toBe("options.weights");
    expect(refusal(() => crossEntropy([[1, 2]], [0], { reduction: "avg" as never })).arg).toBe("options.reduction");
    expect(refusal(() => crossEntropy([[1, 2]], [0], { axis: 2 })).code).toBe("INVALID_AXIS");
    expect(refusal(() => crossEntropy([[1, 2]], [[0.5, 0.5]], { ignoreIndex: 0 })).arg).toBe("options.ignoreIndex");
    expect(refusal(() => crossEntropy([[1, "a" as never]], [0])).code).toBe("NOT_A_NUMBER");
    expect(refusal(() => crossEntropy([[1, 2]], [0], { smoothing: 0.1 } as never)).arg).toBe("options.smoothing");
    expect(e.message).toBe("crossEntropy: invalid target[1]: expected a class index, an integer in [0, 1] (or ignoreIndex -100) (received 2)");
  });
});
