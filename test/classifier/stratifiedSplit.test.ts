import { describe, expect, it } from "vitest";
import { confusionMatrix, SoftmaxError, stratifiedSplit } from "../../src/index.js";

const labels = [...Array(50).fill("a"), ...Array(30).fill("b"), ...Array(20).fill("c")] as string[];

describe("stratifiedSplit", () => {
  it("keeps every class's proportion, covers every row once, and sorts both sides", () => {
    const { train, test } = stratifiedSplit(labels, { testFraction: 0.3, seed: 5 });
    expect(test).toHaveLength(30);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    const count = (idx: number[], c: string) => idx.filter((i) => labels[i] === c).length;
    expect([count(test, "a"), count(test, "b"), count(test, "c")]).toEqual([15, 9, 6]);
    expect(train).toEqual([...train].sort((a, b) => a - b));
    expect(test).toEqual([...test].sort((a, b) => a - b));
  });

  it("is deterministic for a seed and changes with it", () => {
    expect(stratifiedSplit(labels, { seed: 3 })).toEqual(stratifiedSplit(labels, { seed: 3 }));
    expect(stratifiedSplit(labels, { seed: 3 }).test).not.toEqual(stratifiedSplit(labels, { seed: 4 }).test);
    expect(stratifiedSplit(labels)).toEqual(stratifiedSplit(labels, { seed: 0, testFraction: 0.2 }));
  });

  it("puts a one-row class in train and keeps at least one row on each side of a larger class", () => {
    const s = stratifiedSplit(["x", "y", "y", "z", "z", "z"], { testFraction: 0.01 });
    expect(s.train).toContain(0);
    expect(s.test).toHaveLength(2);
    const t = stratifiedSplit(["y", "y"], { testFraction: 0.99 });
    expect(t.train).toHaveLength(1);
    expect(stratifiedSplit([])).toEqual({ train: [], test: [] });
  });

  it("accepts numbers and integer typed arrays", () => {
    expect(stratifiedSplit(Int32Array.from([0, 0, 1, 1]), { testFraction: 0.5, seed: 1 }).test).toHaveLength(2);
  });

  it("refuses bad labels and options", () => {
    expect(() => stratifiedSplit(["a", null as never])).toThrow(/labels\[1\]/);
    expect(() => stratifiedSplit("abc" as never)).toThrow(SoftmaxError);
    expect(() => stratifiedSplit(labels, { testFraction: 1 })).toThrow(/options.testFraction/);
    expect(() => stratifiedSplit(labels, { seed: 0.5 })).toThrow(/options.seed/);
    expect(() => stratifiedSplit(labels, { fraction: 0.2 } as never)).toThrow(/options.fraction/);
  });
});

describe("confusionMatrix", () => {
  it("counts (true, predicted) pairs and abstentions apart", () => {
    const m = confusionMatrix(["a", "a", "b", "b", "c"], ["a", "b", "b", null, "c"], ["a", "b", "c"]);
    expect(m.counts).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(m.abstained).toEqual([0, 1, 0]);
    expect(confusionMatrix([2, 1], [1, 1]).classes).toEqual([1, 2]);
  });
  it("refuses lists of different lengths and unknown labels", () => {
    expect(() => confusionMatrix(["a"], ["a", "b"])).toThrow(/SHAPE_MISMATCH|2 predictions|1 predictions/);
    expect(() => confusionMatrix(["a"], ["q"], ["a"])).toThrow(/predicted\[0\]/);
    expect(() => confusionMatrix(["q"], ["a"], ["a"])).toThrow(/actual\[0\]/);
  });
});
