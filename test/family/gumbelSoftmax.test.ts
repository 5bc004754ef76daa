import { describe, expect, it } from "vitest";
import { softmax as refSoftmax } from "../../reference/family/family.mjs";
import { createRandom, gumbelSoftmax, SoftmaxError, sampleCategorical } from "../../src/index.js";
import { ALPHA, chiSquare } from "./_helpers.js";

const LOGITS = [0.5, -1, 2, 0, 1.2];

describe("gumbelSoftmax", () => {
  it(`hard samples are categorical draws from softmax(x): chi-square over 20 000 rows, significance ${ALPHA}`, () => {
    const rows = 20000;
    const y = gumbelSoftmax(
      Array.from({ length: rows }, () => LOGITS),
      { hard: true, seed: 21 },
    ) as number[][];
    const counts = new Array<number>(5).fill(0);
    for (const r of y) {
      expect(r.reduce((a, b) => a + b, 0)).toBe(1);
      counts[r.indexOf(1)] = (counts[r.indexOf(1)] as number) + 1;
    }
    const { stat, df, p } = chiSquare(
      counts,
      refSoftmax(LOGITS).map(([hi]) => hi),
    );
    console.log(`chi-square gumbelSoftmax hard: X² = ${stat.toFixed(2)}, df = ${df}, p = ${p.toFixed(4)}`);
    expect(p).toBeGreaterThan(ALPHA);
  });

  it("soft samples lie on the simplex; their argmax is the hard sample for the same noise; small τ approaches it", () => {
    for (let seed = 0; seed < 50; seed++) {
      const soft = gumbelSoftmax(LOGITS, { seed, tau: 0.5 }) as number[];
      const hard = gumbelSoftmax(LOGITS, { seed, hard: true }) as number[];
      expect(Math.abs(soft.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(4 * Number.EPSILON);
      expect(soft.indexOf(Math.max(...soft))).toBe(hard.indexOf(1));
      const sharp = gumbelSoftmax(LOGITS, { seed, tau: 1e-6 }) as number[];
      expect(Math.max(...sharp)).toBeGreaterThan(0.999);
    }
  });

  it("masks, −∞ and +∞ entries, kinds, axes and reproducibility", () => {
    const m = gumbelSoftmax([1, 2, 3], { seed: 1, where: [true, false, true] }) as number[];
    expect(Object.is(m[1], 0)).toBe(true);
    const ni = gumbelSoftmax([1, Number.NEGATIVE_INFINITY], { seed: 1 }) as number[];
    expect(ni).toEqual([1, 0]);
    const pi = gumbelSoftmax([Number.POSITIVE_INFINITY, 3, Number.POSITIVE_INFINITY], { seed: 1 }) as number[];
    expect(pi[1]).toBe(0);
    expect((pi[0] as number) + (pi[2] as number)).toBeCloseTo(1, 15);
    expect(gumbelSoftmax(new Float32Array([1, 2]), { seed: 1 })).toBeInstanceOf(Float32Array);
    const cols = gumbelSoftmax(
      [
        [1, 2],
        [3, 4],
      ],
      { seed: 2, axis: 0 },
    ) as number[][];
    expect(((cols[0] as number[])[0] as number) + ((cols[1] as number[])[0] as number)).toBeCloseTo(1, 15);
    expect(gumbelSoftmax(LOGITS, { seed: 5 })).toEqual(gumbelSoftmax(LOGITS, { random: createRandom(5) }));
  });

  it("degenerate rows throw; bad options are named", () => {
    expect(() => gumbelSoftmax([1, Number.NaN], { seed: 1 })).toThrow(SoftmaxError);
    try {
      gumbelSoftmax(
        [
          [1, 2],
          [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
        ],
        { seed: 1 },
      );
      throw new Error("no throw");
    } catch (e) {
      expect((e as SoftmaxError).code).toBe("FULLY_MASKED");
      expect((e as SoftmaxError).path).toBe("[1][:]");
    }
    expect(() => gumbelSoftmax([1, 2], { tau: 0 })).toThrow(/tau/);
    // A source stuck at 0 (U = 0 is redrawn) is refused instead of looping forever; so is Gumbel top-k sampling with it.
    const stuck = expect.objectContaining({ code: "INVALID_OPTION", arg: "options.random" });
    expect(() => gumbelSoftmax([1, 2], { random: () => 0 })).toThrow(stuck);
    expect(() => sampleCategorical([1, 2, 3], { n: 2, replacement: false, random: () => 0 })).toThrow(stuck);
    expect(() => gumbelSoftmax([1, 2], { hard: 1 as never })).toThrow(/hard/);
  });
});
