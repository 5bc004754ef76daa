/**
 * Every error code, thrown by the public functions, with its structured
 * fields (code, fn, arg, received, path) and its message.
 */
import { describe, expect, it } from "vitest";
import { argmax, logSigmoid, logSoftmax, logSumExp, sigmoid, softmax, topK } from "../../src/index.js";
import { caught } from "../caught.js";

describe("error codes and fields", () => {
  it("NOT_A_NUMBER: x[3][1] is not a number, with the path and the value", () => {
    const e = caught(() =>
      softmax([
        [0, 1],
        [0, 1],
        [0, 1],
        [0, "7" as unknown as number],
      ]),
    );
    expect({ code: e.code, fn: e.fn, arg: e.arg, path: e.path, received: e.received }).toEqual({
      code: "NOT_A_NUMBER",
      fn: "softmax",
      arg: "x",
      path: "[3][1]",
      received: "7",
    });
    expect(e.message).toBe('softmax: x[3][1] is not a number (received "7")');
    for (const [name, fn] of Object.entries({ logSoftmax, logSumExp, sigmoid, logSigmoid, argmax })) {
      const f = caught(() => (fn as (x: unknown) => unknown)([1, null]));
      expect([f.code, f.fn, f.path, f.received]).toEqual(["NOT_A_NUMBER", name, "[1]", null]);
    }
    expect(caught(() => topK([1, undefined as unknown as number], 1)).fn).toBe("topK");
  });

  it("RAGGED: names the index of the first row that differs", () => {
    const e = caught(() => logSoftmax([[1, 2, 3], [4, 5, 6], [7]]));
    expect([e.code, e.fn, e.arg, e.path]).toEqual(["RAGGED", "logSoftmax", "x", "[2]"]);
    expect(e.message).toContain("x[2]");
  });

  it("INVALID_INPUT: not an array, typed array or tensor-like", () => {
    const e = caught(() => softmax("1 2 3" as never));
    expect([e.code, e.fn, e.arg, e.received]).toEqual(["INVALID_INPUT", "softmax", "x", "1 2 3"]);
    expect(e.message).toMatch(/^softmax: invalid x: expected .* \(received "1 2 3"\)$/);
  });

  it("SHAPE_MISMATCH: tensor-like shape vs data, mask, weights, out, labels", () => {
    expect(caught(() => softmax({ data: [1, 2, 3], shape: [2] })).arg).toBe("x.shape");
    expect(caught(() => softmax([1, 2], { where: [[true, false]] })).arg).toBe("options.where");
    const w = caught(() => logSumExp([1, 2], { weights: [1, 2, 3] }));
    expect([w.code, w.fn, w.arg]).toEqual(["SHAPE_MISMATCH", "logSumExp", "options.weights"]);
    expect(caught(() => softmax(Float64Array.of(1, 2), { out: new Float64Array(3) })).arg).toBe("options.out");
    const l = caught(() => topK([1, 2], 1, { labels: ["a"] }));
    expect([l.code, l.fn, l.arg]).toEqual(["SHAPE_MISMATCH", "topK", "options.labels"]);
  });

  it("INVALID_AXIS: out of range, not an integer, repeated (logSumExp)", () => {
    const e = caught(() => softmax([[1, 2]], { axis: 2 }));
    expect([e.code, e.fn, e.arg, e.received]).toEqual(["INVALID_AXIS", "softmax", "options.axis", 2]);
    expect(e.message).toBe("softmax: invalid options.axis: expected an integer in [-2, 1] for a 2-d input (received 2)");
    expect(caught(() => logSumExp([[1, 2]], { axis: [0, 5] })).arg).toBe("options.axis[1]");
    expect(caught(() => logSumExp([[1, 2]], { axis: [1, -1] })).code).toBe("INVALID_AXIS");
    expect(caught(() => argmax([1], { axis: 0.5 })).received).toBe(0.5);
  });

  it("INVALID_OPTION: bad values, unknown keys, options not an object", () => {
    const t = caught(() => softmax([1], { temperature: -0.5 }));
    expect([t.code, t.fn, t.arg, t.received]).toEqual(["INVALID_OPTION", "softmax", "options.temperature", -0.5]);
    expect(t.message).toBe("softmax: invalid options.temperature: expected a finite number ≥ 0 (received -0.5)");
    expect(caught(() => softmax([1], { onFullyMasked: "zero" as never })).received).toBe("zero");
    expect(caught(() => logSumExp([1], { keepDims: 1 as never })).arg).toBe("options.keepDims");
    expect(caught(() => logSumExp([1], { returnSign: "yes" as never })).arg).toBe("options.returnSign");
    expect(caught(() => logSumExp([1], { weights: [1], temperature: 2 })).arg).toBe("options.temperature");
    expect(caught(() => softmax([1], { tempreature: 2 } as never)).arg).toBe("options.tempreature");
    expect(caught(() => softmax([1], 5 as never)).arg).toBe("options");
    expect(caught(() => softmax([1], { where: "all" as never })).arg).toBe("options.where");
    expect(caught(() => topK([1, 2], 3)).received).toBe(3);
  });

  it("EMPTY: argmax of an empty axis", () => {
    const e = caught(() => argmax([[], []]));
    expect([e.code, e.fn, e.arg]).toEqual(["EMPTY", "argmax", "x"]);
    expect(e.message).toMatch(/^argmax: x is empty/);
  });

  it("FULLY_MASKED: names the slice", () => {
    const e = caught(() =>
      softmax(
        [
          [1, 2],
          [3, 4],
        ],
        {
          where: [
            [true, true],
            [false, false],
          ],
          onFullyMasked: "error",
        },
      ),
    );
    expect([e.code, e.fn, e.arg, e.path]).toEqual(["FULLY_MASKED", "softmax", "x", "[1][:]"]);
    expect(e.message).toBe("softmax: slice x[1][:] is entirely -Infinity or masked");
    expect(caught(() => logSumExp([Number.NEGATIVE_INFINITY], { onFullyMasked: "error" })).fn).toBe("logSumExp");
  });

  it("special values never throw", () => {
    const x = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0];
    for (const fn of [softmax, logSoftmax, logSumExp, sigmoid, logSigmoid, argmax]) expect(() => (fn as (x: unknown) => unknown)(x)).not.toThrow();
    expect(() => topK(x, 4)).not.toThrow();
  });
});
