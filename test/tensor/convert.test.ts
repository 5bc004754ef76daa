/** Input conversion (src/tensor/convert.ts): every accepted kind to flat data and back, and its validation. */
import { describe, expect, it } from "vitest";
import { fromFlat, outputBuffer, pathOfFlat, sizeOf, toFlat, toMask, unflatten } from "../../src/tensor/convert.js";
import { caught } from "../caught.js";

describe("toFlat", () => {
  it("number[] → Float64Array, shape [n], kind nested", () => {
    const f = toFlat([1, 2, 3], "f");
    expect(f.data).toEqual(Float64Array.of(1, 2, 3));
    expect(f.shape).toEqual([3]);
    expect(f.kind).toEqual({ type: "nested" });
  });
  it("nested arrays → row-major data and their shape", () => {
    const f = toFlat(
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
      "f",
    );
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(f.shape).toEqual([2, 2, 2]);
  });
  it("Float32Array and Float64Array are used as they are (no copy)", () => {
    const a = Float32Array.of(1, 2);
    const b = Float64Array.of(1, 2);
    expect(toFlat(a, "f").data).toBe(a);
    expect(toFlat(a, "f").kind).toEqual({ type: "typed", float32: true });
    expect(toFlat(b, "f").data).toBe(b);
    expect(toFlat(b, "f").kind).toEqual({ type: "typed", float32: false });
  });
  it("integer typed arrays are promoted to Float64Array, never truncated or wrapped", () => {
    for (const a of [
      Int8Array.of(-128, 127),
      Uint8Array.of(0, 255),
      Uint8ClampedArray.of(0, 255),
      Int16Array.of(-32768, 5),
      Uint16Array.of(65535, 0),
      Int32Array.of(-(2 ** 31), 2 ** 31 - 1),
      Uint32Array.of(2 ** 32 - 1, 0),
    ]) {
      const f = toFlat(a, "f");
      expect(f.data).toBeInstanceOf(Float64Array);
      expect(Array.from(f.data)).toEqual(Array.from(a));
      expect(f.kind).toEqual({ type: "typed", float32: false });
    }
  });
  it("{ data, shape } and ONNX-style { data, dims }", () => {
    const d = Float32Array.of(1, 2, 3, 4, 5, 6);
    const a = toFlat({ data: d, shape: [2, 3] }, "f");
    expect(a.data).toBe(d);
    expect(a.shape).toEqual([2, 3]);
    expect(a.kind).toEqual({ type: "tensor", float32: true, dims: false });
    const b = toFlat({ data: [1, 2, 3, 4], dims: [2, 2] }, "f");
    expect(b.data).toEqual(Float64Array.of(1, 2, 3, 4));
    expect(b.kind).toEqual({ type: "tensor", float32: false, dims: true });
    const c = toFlat({ data: Int16Array.of(1, 2), shape: [2] }, "f");
    expect(c.data).toBeInstanceOf(Float64Array);
  });
  it("ragged nested arrays → RAGGED naming the first row that differs", () => {
    const e = caught(() => toFlat([[1, 2], [3]], "softmax"));
    expect([e.code, e.fn, e.arg, e.path]).toEqual(["RAGGED", "softmax", "x", "[1]"]);
    expect(e.message).toBe("softmax: x[1] is ragged: expected length 2 like x[0], found length 1");
    const deeper = caught(() =>
      toFlat(
        [
          [[1], [2]],
          [[3], 4],
        ],
        "softmax",
      ),
    );
    expect([deeper.code, deeper.path]).toEqual(["RAGGED", "[1][1]"]);
    const nestedTooDeep = caught(() => toFlat([1, [2]], "softmax"));
    expect([nestedTooDeep.code, nestedTooDeep.path]).toEqual(["RAGGED", "[1]"]);
  });
  it("a non-number → NOT_A_NUMBER with the path: x[3][1] is not a number", () => {
    const x = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, "abc"],
    ];
    const e = caught(() => toFlat(x, "softmax"));
    expect([e.code, e.fn, e.arg, e.path, e.received]).toEqual(["NOT_A_NUMBER", "softmax", "x", "[3][1]", "abc"]);
    expect(e.message).toBe('softmax: x[3][1] is not a number (received "abc")');
    for (const bad of [null, undefined, true, 1n, {}]) expect(caught(() => toFlat([0, bad], "f")).received).toBe(bad);
    const t = caught(() => toFlat({ data: [1, "2"], shape: [2] }, "f"));
    expect([t.code, t.arg, t.path]).toEqual(["NOT_A_NUMBER", "x.data", "[1]"]);
  });
  it("anything else → INVALID_INPUT; a shape that does not match the data → SHAPE_MISMATCH", () => {
    for (const bad of [null, 3, "1,2", { shape: [1] }, new Map()]) {
      const e = caught(() => toFlat(bad, "softmax"));
      expect([e.code, e.fn, e.arg]).toEqual(["INVALID_INPUT", "softmax", "x"]);
    }
    expect(caught(() => toFlat({ data: "ab", shape: [2] }, "f")).arg).toBe("x.data");
    expect(caught(() => toFlat({ data: [1, 2], shape: [1.5] }, "f")).code).toBe("INVALID_INPUT");
    const e = caught(() => toFlat({ data: [1, 2, 3], shape: [2, 2] }, "softmax"));
    expect([e.code, e.arg]).toEqual(["SHAPE_MISMATCH", "x.shape"]);
    expect(caught(() => toFlat({ data: [1, 2, 3], dims: [2] }, "f")).arg).toBe("x.dims");
  });
});

describe("fromFlat, unflatten, sizeOf, pathOfFlat", () => {
  it("gives results back in the input's kind", () => {
    const d = Float64Array.of(1, 2, 3, 4);
    expect(fromFlat(d, [2, 2], { type: "nested" })).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(fromFlat(d, [4], { type: "typed", float32: false })).toBe(d);
    expect(fromFlat(d, [2, 2], { type: "tensor", float32: false, dims: false })).toEqual({ data: d, shape: [2, 2] });
    expect(fromFlat(d, [2, 2], { type: "tensor", float32: false, dims: true })).toEqual({ data: d, shape: [2, 2], dims: [2, 2] });
    expect(fromFlat(Float64Array.of(7), [], { type: "nested" })).toBe(7);
  });
  it("unflatten, sizeOf and pathOfFlat agree on row-major order", () => {
    expect(unflatten([1, 2, 3, 4, 5, 6], [2, 3])).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(pathOfFlat(5, [2, 3])).toBe("[1][2]");
  });
});

describe("outputBuffer and toMask", () => {
  it("allocates the right type, or checks a caller's out buffer", () => {
    expect(outputBuffer(3, true, undefined, "f", { type: "typed", float32: true })).toBeInstanceOf(Float32Array);
    expect(outputBuffer(3, false, undefined, "f", { type: "typed", float32: false })).toBeInstanceOf(Float64Array);
    const out = new Float64Array(3);
    expect(outputBuffer(3, false, out, "f", { type: "typed", float32: false })).toBe(out);
    const short = caught(() => outputBuffer(3, false, new Float64Array(2), "softmax", { type: "typed", float32: false }));
    expect([short.code, short.fn, short.arg]).toEqual(["SHAPE_MISMATCH", "softmax", "options.out"]);
    expect(caught(() => outputBuffer(3, false, [0, 0, 0], "f", { type: "typed", float32: false })).code).toBe("INVALID_OPTION");
    expect(caught(() => outputBuffer(3, false, new Float64Array(3), "f", { type: "nested" })).code).toBe("INVALID_OPTION");
  });
  it("masks: nested booleans, 0/1, Uint8Array and tensor-likes; other shapes and values refused", () => {
    expect(toMask(undefined, [2], "f")).toBeNull();
    expect(Array.from(toMask([true, false], [2], "f") as Uint8Array)).toEqual([1, 0]);
    expect(
      Array.from(
        toMask(
          [
            [1, 0],
            [0, 1],
          ],
          [2, 2],
          "f",
        ) as Uint8Array,
      ),
    ).toEqual([1, 0, 0, 1]);
    const u = Uint8Array.of(1, 1);
    expect(toMask(u, [2], "f")).toBe(u);
    expect(Array.from(toMask({ data: [false, true], shape: [2] }, [2], "f") as Uint8Array)).toEqual([0, 1]);
    const e = caught(() => toMask([true], [2], "softmax"));
    expect([e.code, e.fn, e.arg]).toEqual(["SHAPE_MISMATCH", "softmax", "options.where"]);
    const v = caught(() => toMask([true, 2 as unknown as boolean], [2], "softmax"));
    expect([v.code, v.path, v.received]).toEqual(["INVALID_OPTION", "[1]", 2]);
  });
});
