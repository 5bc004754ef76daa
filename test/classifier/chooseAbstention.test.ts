import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { abstains } from "../../src/classifier/_internals/abstain.js";
import { chooseAbstention, SoftmaxError } from "../../src/index.js";

// Confidences .99 .9 .8 .7 .6 (class 0 predicted), labels right, right, wrong, right, wrong.
const p = [0.99, 0.9, 0.8, 0.7, 0.6].map((c) => [c, 1 - c]);
const y = [0, 0, 1, 0, 1];

describe("chooseAbstention", () => {
  it("coverage: the strictest threshold that answers the target fraction", () => {
    expect(chooseAbstention(p, y, { coverage: 0.6 })).toEqual({ abstain: { minProbability: 0.8 }, coverage: 0.6, error: 1 / 3, answered: 3 });
    expect(chooseAbstention(p, y, { coverage: 0.5 }).abstain).toEqual({ minProbability: 0.8 });
    expect(chooseAbstention(p, y, { coverage: 1 }).abstain).toEqual({ minProbability: 0.6 });
    expect(chooseAbstention(p, y, { coverage: 0.1 }).abstain).toEqual({ minProbability: 0.99 });
  });

  it("maxError: the largest answered set whose error rate is within the target", () => {
    expect(chooseAbstention(p, y, { maxError: 0 })).toEqual({ abstain: { minProbability: 0.9 }, coverage: 0.4, error: 0, answered: 2 });
    expect(chooseAbstention(p, y, { maxError: 0.25 })).toEqual({ abstain: { minProbability: 0.7 }, coverage: 0.8, error: 0.25, answered: 4 });
    expect(chooseAbstention(p, y, { maxError: 0.5 }).answered).toBe(5);
  });

  it("abstains on everything when no threshold meets maxError", () => {
    const r = chooseAbstention([[0.9, 0.1]], [1], { maxError: 0.5 });
    expect(r).toEqual({ abstain: { minProbability: Number.POSITIVE_INFINITY }, coverage: 0, error: 0, answered: 0 });
    const e = chooseAbstention([[0.9, 0.1]], [1], { maxError: 0.5, by: "entropy" });
    expect(e.abstain).toEqual({ maxEntropy: Number.NEGATIVE_INFINITY });
    expect(abstains(e.abstain, [1, 0], 0, 2)).toBe(true);
  });

  it("keeps tied scores together", () => {
    const q = [0.9, 0.8, 0.8, 0.8, 0.6].map((c) => [c, 1 - c]);
    const r = chooseAbstention(q, [0, 0, 0, 0, 0], { coverage: 0.4 });
    expect(r.answered).toBe(4);
    expect(r.abstain).toEqual({ minProbability: 0.8 });
  });

  it("by entropy: the threshold is the entropy of the last answered row", () => {
    const r = chooseAbstention(p, y, { coverage: 0.4, by: "entropy" });
    const h = -(0.9 * Math.log(0.9) + (1 - 0.9) * Math.log(1 - 0.9));
    expect(r.abstain).toEqual({ maxEntropy: h });
    expect(r.answered).toBe(2);
  });

  it("the rule it returns answers exactly the rows it counted, for random data (both scores)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 2 })), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.boolean(),
        fc.constantFrom("probability" as const, "entropy" as const),
        (rows, target, byCoverage, by) => {
          const probs = rows.map(([w]) => {
            const s = (w as number[]).reduce((a, v) => a + v, 0);
            return (w as number[]).map((v) => (s === 0 ? 1 / 3 : v / s));
          });
          const labels = rows.map(([, l]) => l);
          const r = chooseAbstention(probs, labels, byCoverage ? { coverage: target, by } : { maxError: Math.min(target, 0.99), by });
          const flat = probs.flat();
          let answered = 0;
          let wrong = 0;
          probs.forEach((row, i) => {
            if (abstains(r.abstain, flat, i * 3, 3)) return;
            answered++;
            const pred = row.indexOf(Math.max(...row));
            if (pred !== labels[i]) wrong++;
          });
          expect(answered).toBe(r.answered);
          expect(r.error).toBe(answered === 0 ? 0 : wrong / answered);
          if (byCoverage) expect(r.coverage).toBeGreaterThanOrEqual(target);
          else expect(r.error).toBeLessThanOrEqual(Math.min(target, 0.99));
        },
      ),
    );
  });

  it("refuses missing or double targets, out-of-range targets and bad scores", () => {
    expect(() => chooseAbstention(p, y, {})).toThrow(/exactly one of coverage and maxError/);
    expect(() => chooseAbstention(p, y, { coverage: 0.5, maxError: 0.1 })).toThrow(SoftmaxError);
    expect(() => chooseAbstention(p, y, { coverage: 0 })).toThrow(/options.coverage/);
    expect(() => chooseAbstention(p, y, { maxError: 1 })).toThrow(/options.maxError/);
    expect(() => chooseAbstention(p, y, { coverage: 0.5, by: "margin" as never })).toThrow(/options.by/);
    expect(() => chooseAbstention({ data: new Float64Array(0), shape: [0, 2] }, [], { coverage: 0.5 })).toThrow(/empty/);
  });
});
