/**
 * Golden values: every worked example of the tutorials the project started
 * from (/work/shared/seeds/), with the numbers as the tutorial prints them
 * (rounded as it rounds). Each block cites its seed file.
 */
import { describe, expect, it } from "vitest";
import { argmax, logSumExp, sigmoid, softmax, topK } from "../src/index.js";

/** Rounds to `d` decimals the way the tutorials print (half away from zero on the decimal value). */
const fixed = (v: number, d: number): number => Number(v.toFixed(d));
const fixedAll = (vs: readonly number[], d: number): number[] => vs.map((v) => fixed(v, d));
/** The e^x values of a row, recovered from the library: softmax(x) · e^{logSumExp(x)}. */
const exps = (x: number[]): number[] => {
  const s = Math.exp(logSumExp(x) as number);
  return softmax(x).map((p) => p * s);
};

describe("seed 000_3ee384efa9222ebb.txt: walk through the math ([-1, 1, 2, 3])", () => {
  const x = [-1, 1, 2, 3];

  it("softmax → 0.01, 0.09, 0.24, 0.66", () => {
    expect(fixedAll(softmax(x), 2)).toEqual([0.01, 0.09, 0.24, 0.66]);
  });

  it("e^x ≈ 0.36, 2.72, 7.39, 20.09 and their sum 30.56", () => {
    const e = exps(x);
    // The seed writes e^-1 = 0.3679 as 0.36 (truncated); the others are rounded.
    expect(Math.floor(100 * (e[0] as number)) / 100).toBe(0.36);
    expect(fixedAll(e.slice(1), 2)).toEqual([2.72, 7.39, 20.09]);
    expect(fixed(Math.exp(logSumExp(x) as number), 2)).toBe(30.56);
  });

  it("each numerator / 30.56 gives the outputs, and they add up to 1", () => {
    expect(fixedAll([0.36 / 30.56, 2.72 / 30.56, 7.39 / 30.56, 20.09 / 30.56], 2)).toEqual(fixedAll(softmax(x), 2));
    expect(
      fixed(
        softmax(x).reduce((a, b) => a + b, 0),
        12,
      ),
    ).toBe(1);
  });
});

describe("seed 001_467d8cf55098a5e2.txt: NumPy implementation ([1.3, 5.1, 2.2, 0.7, 1.1])", () => {
  const x = [1.3, 5.1, 2.2, 0.7, 1.1];

  it("np.exp → 3.66929667, 164.0219073, 9.0250135, 2.01375271, 3.00416602 (8 decimals)", () => {
    expect(fixedAll(exps(x), 8)).toEqual([3.66929667, 164.0219073, 9.0250135, 2.01375271, 3.00416602]);
  });

  it("the sum of exponentials is around 181.73; exp(1.3) / sum = 3.67 / 181.73 = 0.02", () => {
    const sum = Math.exp(logSumExp(x) as number);
    expect(fixed(sum, 2)).toBe(181.73);
    expect(fixed(Math.exp(1.3), 2)).toBe(3.67);
    expect(fixed(softmax(x)[0] as number, 2)).toBe(0.02);
  });

  it("probabilities → 0.02019046, 0.90253769, 0.04966053, 0.01108076, 0.01653055; the predicted class is index 1", () => {
    expect(fixedAll(softmax(x), 8)).toEqual([0.02019046, 0.90253769, 0.04966053, 0.01108076, 0.01653055]);
    expect(argmax(x)).toBe(1);
  });
});

describe("seed 002_c0d4d8cd81b743fd.txt: cat, dog, tiger, none ([1.25, 2.44, 0.78, 0.12])", () => {
  const x = [1.25, 2.44, 0.78, 0.12];
  const labels = ["cat", "dog", "tiger", "none"];
  // The seed prints NumPy's exp(x)/sum(exp(x)) in full: each is itself a float64 result, within an ulp or two of the exact value.
  const printed = [0.19101770813831334, 0.627890718698843, 0.11938650086860875, 0.061705072294234845];

  it("p_cat = 0.19101770813831334, p_dog = 0.627890718698843, p_tiger = 0.11938650086860875, p_none = 0.061705072294234845", () => {
    const p = softmax(x);
    p.forEach((v, i) => {
      const seed = printed[i] as number;
      // Within 2 ulp of the seed's float64 value (ulp = 2^-52 · 2^floor(log2 v)).
      const ulp = 2 ** (Math.floor(Math.log2(seed)) - 52);
      expect(Math.abs(v - seed) / ulp, labels[i]).toBeLessThanOrEqual(2);
      expect(fixed(v, 15)).toBe(fixed(seed, 15));
    });
  });

  it("the image is a dog", () => {
    expect(topK(softmax(x), 1, { labels }).labels).toEqual(["dog"]);
    expect(topK(x, 4, { labels }).labels).toEqual(["dog", "cat", "tiger", "none"]);
  });
});

describe("seed 003_a500c290128401c1.txt: seal, panda, duck; z3, z4; sigmoid for N = 2", () => {
  it("z = [0.25, 1.23, -0.8] → [0.249, 0.664, 0.087], summing to 1; argmax → 1 (panda)", () => {
    const z = [0.25, 1.23, -0.8];
    const p = softmax(z);
    expect(fixedAll(p, 3)).toEqual([0.249, 0.664, 0.087]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(argmax(z)).toBe(1);
    expect(argmax(p)).toBe(1);
    expect(topK(p, 3).indices).toEqual([1, 0, 2]);
  });

  it("z3 = [0.1, 0.9, 0.2] → [0.231, 0.514, 0.255]", () => {
    expect(fixedAll(softmax([0.1, 0.9, 0.2]), 3)).toEqual([0.231, 0.514, 0.255]);
  });

  it("z4 = [0, 0.9, 0.1] → [0.219, 0.539, 0.242]: a 0 logit still gets probability", () => {
    expect(fixedAll(softmax([0, 0.9, 0.1]), 3)).toEqual([0.219, 0.539, 0.242]);
  });

  it("softmax([z, 0]) = [σ(z), 1 - σ(z)] (within 4 ulp: both sides within 2 of the exact value)", () => {
    for (const z of [-40, -10, -3.5, -1, -0.25, 0, 1e-9, 0.5, 1, 2, 7, 10, 30, 40]) {
      const [a, b] = softmax([z, 0]) as [number, number];
      const s = sigmoid([z])[0] as number;
      const t = sigmoid([-z])[0] as number;
      const ulp = (v: number) => 2 ** (Math.floor(Math.log2(v)) - 52);
      expect(Math.abs(a - s) / ulp(s), `z = ${z}`).toBeLessThanOrEqual(4);
      expect(Math.abs(b - t) / ulp(t), `z = ${z}`).toBeLessThanOrEqual(4);
      expect(Math.abs(b - (1 - s))).toBeLessThanOrEqual(2 ** -52);
    }
  });

  it("the tutorial's sigmoid plot: np.linspace(-10, 10, 200) maps increasingly into (0, 1)", () => {
    const x = Array.from({ length: 200 }, (_, i) => -10 + (20 * i) / 199);
    const y = sigmoid(x);
    for (let i = 0; i < 200; i++) {
      expect(y[i]).toBeGreaterThan(0);
      expect(y[i]).toBeLessThan(1);
      if (i > 0) expect(y[i]).toBeGreaterThan(y[i - 1] as number);
    }
    expect(fixed(y[0] as number, 8)).toBe(0.0000454);
  });
});

describe("seed 004_997b2062da7ce4b9.txt: [13, 31, 5] and [0, 100, 0]", () => {
  const sci = (v: number) => Number(v.toExponential(8));

  it("softmax([13, 31, 5]) → [1.52299795e-08, 9.99999985e-01, 5.10908895e-12]: 99.9999985 % on the second", () => {
    expect(softmax([13, 31, 5]).map(sci)).toEqual([1.52299795e-8, 9.99999985e-1, 5.10908895e-12]);
    expect(fixed(100 * (softmax([13, 31, 5])[1] as number), 7)).toBe(99.9999985);
  });

  it("softmax([0, 100, 0]) → [3.72007598e-44, 1.00000000e+00, 3.72007598e-44]", () => {
    expect(softmax([0, 100, 0]).map(sci)).toEqual([3.72007598e-44, 1, 3.72007598e-44]);
  });
});
