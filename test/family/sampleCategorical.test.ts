import { describe, expect, it } from "vitest";
import { softmax as refSoftmax } from "../../reference/family/family.mjs";
import { createRandom, SoftmaxError, sampleCategorical } from "../../src/index.js";
import { ALPHA, chiSquare } from "./_helpers.js";

const LOGITS = [0.5, -1, 2, 0, 1.2, -0.3];

/** Exact probabilities (50-digit reference, rounded) of softmax(x/t) restricted to `keep`. */
function probs(x: readonly number[], t = 1, keep?: readonly boolean[]): number[] {
  return refSoftmax(
    x.map((v) => v / t),
    keep ? [...keep] : undefined,
  ).map(([hi]) => hi);
}

function counts(draws: ArrayLike<number>, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (let i = 0; i < draws.length; i++) c[draws[i] as number] = (c[draws[i] as number] as number) + 1;
  return c;
}

/** Asserts the chi-square p-value is above ALPHA and that classes of probability 0 were never drawn. */
function expectDistribution(draws: ArrayLike<number>, p: readonly number[]): number {
  const c = counts(draws, p.length);
  p.forEach((pk, k) => {
    if (pk === 0) expect(c[k]).toBe(0);
  });
  const { stat, df, p: pv } = chiSquare(c, p);
  console.log(`chi-square ${expect.getState().currentTestName}: X² = ${stat.toFixed(2)}, df = ${df}, p = ${pv.toFixed(4)}`);
  expect(pv).toBeGreaterThan(ALPHA);
  return pv;
}

describe("sampleCategorical: distributions (chi-square goodness of fit, significance 0.001, fixed seeds)", () => {
  it("with replacement, 30 000 draws", () => {
    const draws = sampleCategorical(LOGITS, { n: 30000, seed: 1 }) as number[];
    expect(draws).toHaveLength(30000);
    expectDistribution(draws, probs(LOGITS));
  });

  it("temperature 0.7 and 2.5", () => {
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 2, temperature: 0.7 }) as number[], probs(LOGITS, 0.7));
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 3, temperature: 2.5 }) as number[], probs(LOGITS, 2.5));
  });

  it("topK = 3 keeps the 3 largest, renormalized", () => {
    const keep = [true, false, true, false, true, false];
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 4, topK: 3 }) as number[], probs(LOGITS, 1, keep));
  });

  it("topP = 0.8 keeps the smallest most-likely set reaching 0.8", () => {
    const p = probs(LOGITS);
    const order = p.map((_, k) => k).sort((a, b) => (p[b] as number) - (p[a] as number));
    const keep = new Array<boolean>(6).fill(false);
    let cum = 0;
    for (const k of order) {
      keep[k] = true;
      cum += p[k] as number;
      if (cum >= 0.8) break;
    }
    expect(keep.filter(Boolean).length).toBe(3);
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 5, topP: 0.8 }) as number[], probs(LOGITS, 1, keep));
  });

  it("minP = 0.2 keeps the classes with p ≥ 0.2·max p", () => {
    const p = probs(LOGITS);
    const pmax = Math.max(...p);
    const keep = p.map((v) => v >= 0.2 * pmax);
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 6, minP: 0.2 }) as number[], probs(LOGITS, 1, keep));
  });

  it("topK, topP and minP together with a temperature", () => {
    // temperature 0.5, topK 4 → classes 2, 4, 0, 3; topP 0.95 over those; minP 0.05.
    const t = 0.5;
    const top4 = [true, false, true, true, true, false];
    const p = probs(LOGITS, t, top4);
    const order = p.map((_, k) => k).sort((a, b) => (p[b] as number) - (p[a] as number));
    const keep = new Array<boolean>(6).fill(false);
    let cum = 0;
    for (const k of order) {
      if (p[k] === 0) break;
      keep[k] = true;
      cum += p[k] as number;
      if (cum >= 0.95) break;
    }
    const pmax = Math.max(...p);
    const final = keep.map((kk, k) => kk && (p[k] as number) >= 0.05 * pmax);
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 7, temperature: t, topK: 4, topP: 0.95, minP: 0.05 }) as number[], probs(LOGITS, t, final));
  });

  it("where: masked classes are never drawn", () => {
    const where = [true, true, false, true, true, true];
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 8, where }) as number[], probs(LOGITS, 1, where));
  });

  it("without replacement (Gumbel top-k): ordered pairs follow p_i·p_j/(1 − p_i) over 20 000 rows", () => {
    const rows = 20000;
    const batch = Array.from({ length: rows }, () => LOGITS);
    const pairs = sampleCategorical(batch, { n: 2, replacement: false, seed: 9 }) as number[][];
    const p = probs(LOGITS);
    const cells = new Array<number>(36).fill(0);
    const expected = new Array<number>(36).fill(0);
    for (const [i, j] of pairs) {
      expect(i).not.toBe(j);
      const cell = (i as number) * 6 + (j as number);
      cells[cell] = (cells[cell] as number) + 1;
    }
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if (i !== j) expected[i * 6 + j] = ((p[i] as number) * (p[j] as number)) / (1 - (p[i] as number));
    const { stat, df, p: pv } = chiSquare(cells, expected);
    console.log(`chi-square ordered pairs without replacement: X² = ${stat.toFixed(2)}, df = ${df}, p = ${pv.toFixed(4)}`);
    expect(pv).toBeGreaterThan(ALPHA);
  });

  it("without replacement, n = all classes: a permutation per row, first element ~ p", () => {
    const rows = 15000;
    const perms = sampleCategorical(
      Array.from({ length: rows }, () => LOGITS),
      { n: 6, replacement: false, seed: 10 },
    ) as number[][];
    for (const row of perms.slice(0, 100)) expect([...row].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expectDistribution(
      perms.map((r) => r[0] as number),
      probs(LOGITS),
    );
  });

  it("batches along axis 0: each column has its own distribution", () => {
    const x = [
      [0, 3],
      [1, 0],
      [2, -3],
    ];
    const draws = sampleCategorical(x, { axis: 0, n: 20000, seed: 11 }) as number[][];
    expect(draws).toHaveLength(2);
    expectDistribution(draws[0] as number[], probs([0, 1, 2]));
    expectDistribution(draws[1] as number[], probs([3, 0, -3]));
  });

  it("huge logits are sampled from the logits directly (no overflow): [1000, 1000 + log 2] → 1/3, 2/3", () => {
    expectDistribution(sampleCategorical([1000, 1000 + Math.LN2], { n: 30000, seed: 12 }) as number[], [1 / 3, 2 / 3]);
  });

  it("the test has power: T = 1 draws are rejected against the T = 0.7 distribution, and a 2% bias on one class is rejected", () => {
    const draws = sampleCategorical(LOGITS, { n: 30000, seed: 1 }) as number[];
    expect(chiSquare(counts(draws, 6), probs(LOGITS, 0.7)).p).toBeLessThan(ALPHA);
    const p = probs(LOGITS);
    const biased = p.map((v, k) => (k === 2 ? v * 0.98 : v + (v * 0.02 * (p[2] as number)) / (1 - (p[2] as number))));
    expect(chiSquare(counts(draws, 6), biased).p).toBeLessThan(0.05);
  });

  it("a class of probability 4e-18 is not drawn in 100 000 draws", () => {
    const d = sampleCategorical([0, -40], { n: 100000, seed: 13 }) as number[];
    expect(counts(d, 2)[1]).toBe(0);
  });
});

describe("sampleCategorical: special slices and kinds", () => {
  it("+Infinity entries: uniform among them; temperature 0: uniform among the maxima", () => {
    expectDistribution(sampleCategorical([1, Number.POSITIVE_INFINITY, 5, Number.POSITIVE_INFINITY], { n: 20000, seed: 14 }) as number[], [0, 0.5, 0, 0.5]);
    expectDistribution(sampleCategorical([3, 1, 3, 2], { n: 20000, seed: 15, temperature: 0 }) as number[], [0.5, 0, 0.5, 0]);
  });

  it("-Infinity entries are never drawn", () => {
    const d = sampleCategorical([0, Number.NEGATIVE_INFINITY, 0], { n: 5000, seed: 16 }) as number[];
    expect(counts(d, 3)[1]).toBe(0);
  });

  it("returns a number for one draw of 1-d logits, Int32Array for typed input with n, { data, shape } for tensors", () => {
    expect(typeof sampleCategorical([1, 2, 3], { seed: 1 })).toBe("number");
    const t = sampleCategorical(new Float32Array([1, 2, 3]), { seed: 1, n: 4 });
    expect(t).toBeInstanceOf(Int32Array);
    expect((t as Int32Array).length).toBe(4);
    const tensor = sampleCategorical({ data: new Float64Array(6), shape: [2, 3] }, { seed: 1, n: 2 }) as { data: Int32Array; shape: number[] };
    expect(tensor.shape).toEqual([2, 2]);
    expect(tensor.data).toBeInstanceOf(Int32Array);
    const dims = sampleCategorical({ data: new Float64Array(6), dims: [2, 3] }, { seed: 1 }) as { data: Int32Array; shape: number[]; dims: number[] };
    expect(dims.dims).toEqual([2]);
  });

  it("is reproducible: the same seed gives the same draws; a Random or a function can be passed", () => {
    const a = sampleCategorical(LOGITS, { n: 50, seed: 99 });
    const b = sampleCategorical(LOGITS, { n: 50, seed: 99 });
    expect(a).toEqual(b);
    const c = sampleCategorical(LOGITS, { n: 50, random: createRandom(99) });
    expect(c).toEqual(a);
    const r = createRandom(99);
    expect(sampleCategorical(LOGITS, { n: 50, random: () => r.random() })).toEqual(a);
    // A constant uniform: inverse CDF at u = 0 is the first class of positive weight.
    expect(sampleCategorical([5, 1, 2], { random: () => 0 })).toBe(0);
    expect(sampleCategorical([Number.NEGATIVE_INFINITY, 1, 2], { random: () => 0 })).toBe(1);
  });

  it("throws, never returns a silent index, for degenerate slices", () => {
    const err = (f: () => unknown): SoftmaxError => {
      try {
        f();
      } catch (e) {
        return e as SoftmaxError;
      }
      throw new Error("did not throw");
    };
    const nan = err(() =>
      sampleCategorical(
        [
          [1, 2],
          [Number.NaN, 1],
        ],
        { seed: 1 },
      ),
    );
    expect(nan.code).toBe("INVALID_INPUT");
    expect(nan.path).toBe("[1][:]");
    const masked = err(() =>
      sampleCategorical(
        [
          [1, 2],
          [1, 2],
        ],
        {
          seed: 1,
          where: [
            [true, true],
            [false, false],
          ],
        },
      ),
    );
    expect(masked.code).toBe("FULLY_MASKED");
    expect(masked.path).toBe("[1][:]");
    expect(err(() => sampleCategorical([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], { seed: 1 })).code).toBe("FULLY_MASKED");
    expect(err(() => sampleCategorical([], { seed: 1 })).code).toBe("FULLY_MASKED");
    expect(err(() => sampleCategorical([1, 2, 3], { seed: 1, n: 4, replacement: false })).code).toBe("INVALID_OPTION");
    expect(err(() => sampleCategorical([1, 2, Number.NEGATIVE_INFINITY], { seed: 1, n: 3, replacement: false })).arg).toBe("options.n");
  });

  it("rejects bad options by name", () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ topK: 0 }, "options.topK"],
      [{ topK: 1.5 }, "options.topK"],
      [{ topP: 0 }, "options.topP"],
      [{ topP: 1.1 }, "options.topP"],
      [{ minP: -0.1 }, "options.minP"],
      [{ n: 0 }, "options.n"],
      [{ temperature: -1 }, "options.temperature"],
      [{ replacement: "no" }, "options.replacement"],
      [{ seed: 1, random: Math.random }, "options.seed"],
      [{ seed: -3 }, "options.seed"],
      [{ random: 5 }, "options.random"],
      [{ random: () => 1 }, "options.random"],
      [{ topk: 3 }, "options.topk"],
    ];
    for (const [o, arg] of bad) {
      try {
        sampleCategorical([1, 2, 3], o as never);
        throw new Error(`accepted ${JSON.stringify(o)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(SoftmaxError);
        expect((e as SoftmaxError).arg).toBe(arg);
      }
    }
  });
});
