/**
 * Input and output kinds of the public functions: number[], nested arrays,
 * Float32Array → Float32Array, Float64Array, integer typed arrays → Float64Array,
 * { data, shape }, { data, dims }, `out` buffers (in place included), axes,
 * keepDims and several-axis reductions.
 */
import { describe, expect, it } from "vitest";
import { argmax, logSigmoid, logSoftmax, logSumExp, sigmoid, softmax, topK } from "../../src/index.js";

const p3 = softmax([1, 2, 3]);

describe("input kinds → output kinds", () => {
  it("number[] → number[]", () => {
    expect(Array.isArray(p3)).toBe(true);
    expect(p3).toHaveLength(3);
    expect(Array.isArray(logSoftmax([1, 2]))).toBe(true);
    expect(typeof logSumExp([1, 2])).toBe("number");
    expect(Array.isArray(sigmoid([1, 2]))).toBe(true);
  });

  it("nested → nested of the same shape, softmax along the last axis by default", () => {
    const y = softmax([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(y).toEqual([p3, p3]);
    expect(logSumExp([[1, 2, 3]])).toEqual([logSumExp([1, 2, 3])]);
    expect(
      sigmoid([
        [0, 0],
        [0, 0],
      ]),
    ).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
  });

  it("Float32Array → Float32Array (correctly rounded float64 result)", () => {
    const y = softmax(Float32Array.of(1, 2, 3));
    expect(y).toBeInstanceOf(Float32Array);
    expect(Array.from(y)).toEqual(p3.map(Math.fround));
    expect(logSoftmax(Float32Array.of(1, 2))).toBeInstanceOf(Float32Array);
    expect(sigmoid(Float32Array.of(1))).toBeInstanceOf(Float32Array);
    expect(logSigmoid(Float32Array.of(1))).toBeInstanceOf(Float32Array);
    expect(logSumExp(Float32Array.of(1, 2))).toBe(Math.fround(logSumExp([1, 2]) as number));
  });

  it("Float64Array → Float64Array", () => {
    const y = softmax(Float64Array.of(1, 2, 3));
    expect(y).toBeInstanceOf(Float64Array);
    expect(Array.from(y)).toEqual(p3);
  });

  it("integer typed arrays → Float64Array, promoted (never truncated)", () => {
    for (const x of [
      Int8Array.of(1, 2, 3),
      Uint8Array.of(1, 2, 3),
      Int16Array.of(1, 2, 3),
      Uint16Array.of(1, 2, 3),
      Int32Array.of(1, 2, 3),
      Uint32Array.of(1, 2, 3),
    ]) {
      const y = softmax(x);
      expect(y).toBeInstanceOf(Float64Array);
      expect(Array.from(y)).toEqual(p3);
    }
    // Values that an integer output would have truncated to 0 or 1.
    expect(Array.from(sigmoid(Int32Array.of(0, 1)))).toEqual([0.5, sigmoid([1])[0]]);
    expect(Array.from(softmax(Uint8Array.of(255, 0)))).toEqual(softmax([255, 0]));
  });

  it("{ data, shape } → { data, shape }; { data, dims } → { data, shape, dims }", () => {
    const t = softmax({ data: Float32Array.of(1, 2, 3, 1, 2, 3), shape: [2, 3] });
    expect(t.shape).toEqual([2, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([...p3, ...p3].map(Math.fround));
    expect("dims" in t).toBe(false);
    const o = logSoftmax({ data: Float64Array.of(1, 2, 3, 4), dims: [2, 2] });
    expect(o.shape).toEqual([2, 2]);
    expect(o.dims).toEqual([2, 2]);
    expect(o.data).toBeInstanceOf(Float64Array);
    const l = logSumExp({ data: [1, 2, 3, 4], shape: [2, 2] }) as { data: Float64Array; shape: number[] };
    expect(l.shape).toEqual([2]);
    expect(Array.from(l.data)).toEqual([logSumExp([1, 2]), logSumExp([3, 4])]);
  });

  it("axis: every axis, negative counting from the end", () => {
    const x = [
      [1, 2],
      [3, 5],
    ];
    const cols = softmax(x, { axis: 0 });
    const col0 = softmax([1, 3]);
    const col1 = softmax([2, 5]);
    expect(cols).toEqual([
      [col0[0], col1[0]],
      [col0[1], col1[1]],
    ]);
    expect(softmax(x, { axis: -2 })).toEqual(cols);
    expect(argmax(x, { axis: 0 })).toEqual([1, 1]);
    expect(argmax(x, { axis: 0, keepDims: true })).toEqual([[1, 1]]);
  });

  it("logSumExp: several axes, axis null, keepDims", () => {
    const x = [
      [1, 2],
      [3, 4],
    ];
    expect(logSumExp(x, { axis: null })).toBe(logSumExp([1, 2, 3, 4]));
    expect(logSumExp(x, { axis: [0, 1] })).toBe(logSumExp([1, 2, 3, 4]));
    expect(logSumExp(x, { axis: [-1, 0], keepDims: true })).toEqual([[logSumExp([1, 2, 3, 4])]]);
    expect(logSumExp(x, { axis: 0, keepDims: true })).toEqual([[logSumExp([1, 3]), logSumExp([2, 4])]]);
    const t = logSumExp({ data: new Float64Array(24).map((_, i) => i / 10), shape: [2, 3, 4] }, { axis: [0, 2] }) as { data: Float64Array; shape: number[] };
    expect(t.shape).toEqual([3]);
    const slice1 = [4, 5, 6, 7, 16, 17, 18, 19].map((i) => i / 10);
    expect(t.data[1]).toBe(logSumExp(slice1));
  });

  it("topK returns indices, values and labels in the input's kind", () => {
    const nested = topK(
      [
        [1, 3, 2],
        [9, 8, 7],
      ],
      2,
      { labels: ["a", "b", "c"] },
    );
    expect(nested.indices).toEqual([
      [1, 2],
      [0, 1],
    ]);
    expect(nested.values).toEqual([
      [3, 2],
      [9, 8],
    ]);
    expect(nested.labels).toEqual([
      ["b", "c"],
      ["a", "b"],
    ]);
    const typed = topK(Float32Array.of(1, 3, 2), 1);
    expect(typed.indices).toEqual(Int32Array.of(1));
    expect(typed.values).toEqual(Float32Array.of(3));
    const tensor = topK({ data: Float64Array.of(1, 3, 2, 0), shape: [2, 2] }, 1, { axis: 0 });
    expect(tensor.indices).toEqual({ data: Int32Array.of(1, 0), shape: [1, 2] });
  });
});

describe("out buffers", () => {
  it("softmax, logSoftmax, sigmoid, logSigmoid write into the caller's buffer and return it", () => {
    const x = Float64Array.of(1, 2, 3);
    const out = new Float64Array(3);
    expect(softmax(x, { out })).toBe(out);
    expect(Array.from(out)).toEqual(p3);
    const out32 = new Float32Array(3);
    expect(logSoftmax(Float32Array.of(1, 2, 3), { out: out32 })).toBe(out32);
    expect(sigmoid(x, { out })).toBe(out);
    expect(logSigmoid(x, { out })).toBe(out);
    expect(Array.from(out)).toEqual(logSigmoid([1, 2, 3]));
  });

  it("in place (out = x), for short rows (JS kernels) and long float32 rows (the default dispatch)", () => {
    const x = Float64Array.of(1, 2, 3);
    expect(softmax(x, { out: x })).toBe(x);
    expect(Array.from(x)).toEqual(p3);
    const n = 1000;
    const big = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 5);
    const want = softmax(Float32Array.from(big));
    expect(softmax(big, { out: big })).toBe(big);
    expect(big).toEqual(want);
    const y = Float64Array.of(-1, 0, 1);
    sigmoid(y, { out: y });
    expect(Array.from(y)).toEqual(sigmoid([-1, 0, 1]));
  });

  it("a tensor-like with out gives { data: out, shape }", () => {
    const out = new Float64Array(4);
    const t = softmax({ data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] }, { out });
    expect(t.data).toBe(out);
    const l = new Float64Array(2);
    expect((logSumExp({ data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] }, { out: l }) as { data: Float64Array }).data).toBe(l);
  });
});
