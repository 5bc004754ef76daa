/**
 * The special-values policy, one test per row and function, special values
 * compared with Object.is (so -0 ≠ +0 and NaN = NaN). The table these tests
 * enforce is in the README, "Accuracy and special values".
 */
import { describe, expect, it } from "vitest";
import { argmax, logSigmoid, logSoftmax, logSumExp, sigmoid, softmax, topK } from "../src/index.js";
import { caught } from "./caught.js";

const I = Number.POSITIVE_INFINITY;
const NaN_ = Number.NaN;

/** Element-wise Object.is, with a readable failure. */
function expectSame(got: ArrayLike<number> | number, want: readonly number[] | number): void {
  const g = typeof got === "number" ? [got] : Array.from(got);
  const w = typeof want === "number" ? [want] : [...want];
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => {
    expect(Object.is(v, w[i]), `[${i}]: got ${Object.is(v, -0) ? "-0" : v}, want ${Object.is(w[i], -0) ? "-0" : w[i]}`).toBe(true);
  });
}

describe("softmax special values", () => {
  it("empty slice → empty", () => {
    expectSame(softmax([]), []);
    expectSame(softmax(new Float64Array(0)), []);
    expect(softmax({ data: new Float64Array(0), shape: [2, 0] }).shape).toEqual([2, 0]);
  });
  it("any NaN in a slice → that slice all NaN (other slices untouched)", () => {
    expectSame(softmax([1, NaN_, 2]), [NaN_, NaN_, NaN_]);
    const y = softmax([
      [1, NaN_],
      [0, 0],
    ]);
    expectSame(y[0] as number[], [NaN_, NaN_]);
    expectSame(y[1] as number[], [0.5, 0.5]);
  });
  it("-Infinity entries → probability +0", () => {
    expectSame(softmax([-I, 0, -I]), [0, 1, 0]);
  });
  it("slice entirely -Infinity → all +0; onFullyMasked: 'nan' → NaN; 'error' → FULLY_MASKED", () => {
    expectSame(softmax([-I, -I]), [0, 0]);
    expectSame(softmax([-I, -I], { onFullyMasked: "nan" }), [NaN_, NaN_]);
    const e = caught(() => softmax([[0], [-I]], { onFullyMasked: "error", axis: 1 }));
    expect([e.code, e.fn, e.arg, e.path]).toEqual(["FULLY_MASKED", "softmax", "x", "[1][:]"]);
  });
  it("slice entirely masked → all +0 (and the same options)", () => {
    expectSame(softmax([1, 2], { where: [false, false] }), [0, 0]);
    expectSame(softmax([1, 2], { where: [false, false], onFullyMasked: "nan" }), [NaN_, NaN_]);
    expect(caught(() => softmax([1, 2], { where: [false, false], onFullyMasked: "error" })).code).toBe("FULLY_MASKED");
  });
  it("masked entries → +0 and do not count", () => {
    expectSame(softmax([5, 0, 0], { where: [false, true, true] }), [0, 0.5, 0.5]);
  });
  it("+Infinity entries share the mass equally, the rest +0 (finite or -Infinity)", () => {
    expectSame(softmax([I, 1, I, -I]), [0.5, 0, 0.5, 0]);
    expectSame(softmax([I]), [1]);
  });
  it("temperature 0 → the maxima share 1 equally (argmax limit)", () => {
    expectSame(softmax([1, 3, 3], { temperature: 0 }), [0, 0.5, 0.5]);
  });
  it("-0 and +0 are the same logit", () => {
    expectSame(softmax([-0, 0]), [0.5, 0.5]);
  });
  it("huge and subnormal finite logits never overflow or give NaN", () => {
    expectSame(softmax([1.7e308, -1.7e308]), [1, 0]);
    expectSame(softmax([5e-324, -5e-324]), [0.5, 0.5]);
  });
});

describe("logSoftmax special values", () => {
  it("empty slice → empty", () => {
    expectSame(logSoftmax([]), []);
  });
  it("any NaN → all NaN", () => {
    expectSame(logSoftmax([NaN_, 0]), [NaN_, NaN_]);
  });
  it("-Infinity entries → -Infinity", () => {
    expectSame(logSoftmax([-I, 0]), [-I, 0]);
  });
  it("slice entirely -Infinity → all -Infinity; 'nan' → NaN; 'error' → FULLY_MASKED", () => {
    expectSame(logSoftmax([-I, -I]), [-I, -I]);
    expectSame(logSoftmax([-I, -I], { onFullyMasked: "nan" }), [NaN_, NaN_]);
    expect(caught(() => logSoftmax([-I], { onFullyMasked: "error" })).code).toBe("FULLY_MASKED");
  });
  it("slice entirely masked → all -Infinity", () => {
    expectSame(logSoftmax([1, 2], { where: [false, false] }), [-I, -I]);
  });
  it("masked entries → -Infinity", () => {
    expectSame(logSoftmax([7, 1], { where: [false, true] }), [-I, 0]);
  });
  it("+Infinity entries (k of them) → -log k there, -Infinity elsewhere; k = 1 gives +0", () => {
    expectSame(logSoftmax([I, 1, I]), [-Math.log(2), -I, -Math.log(2)]);
    expectSame(logSoftmax([I, 1]), [0, -I]);
  });
  it("temperature 0 → -log k at the k maxima, -Infinity elsewhere", () => {
    expectSame(logSoftmax([2, 2, 2, 1], { temperature: 0 }), [-Math.log(3), -Math.log(3), -Math.log(3), -I]);
  });
  it("outputs near 0 keep their digits: logSoftmax([0, -46])[0] = -1.0530617357553812e-20", () => {
    expectSame(logSoftmax([0, -46]), [-1.0530617357553812e-20, -46]);
  });
});

describe("logSumExp special values", () => {
  it("empty slice (logSumExp of nothing) → -Infinity", () => {
    expectSame(logSumExp([]) as number, -I);
  });
  it("any NaN → NaN", () => {
    expectSame(logSumExp([1, NaN_]) as number, NaN_);
  });
  it("-Infinity entries do not count", () => {
    expectSame(logSumExp([-I, 0]) as number, 0);
  });
  it("slice entirely -Infinity → -Infinity; 'nan' → NaN; 'error' → FULLY_MASKED", () => {
    expectSame(logSumExp([-I, -I]) as number, -I);
    expectSame(logSumExp([-I, -I], { onFullyMasked: "nan" }) as number, NaN_);
    expect(caught(() => logSumExp([-I, -I], { onFullyMasked: "error" })).code).toBe("FULLY_MASKED");
  });
  it("slice entirely masked → -Infinity", () => {
    expectSame(logSumExp([1, 2], { where: [false, false] }) as number, -I);
  });
  it("any +Infinity → +Infinity (also with -Infinity present)", () => {
    expectSame(logSumExp([I, -I, 3]) as number, I);
  });
  it("temperature 0 → the maximum", () => {
    expectSame(logSumExp([1, 5, 5], { temperature: 0 }) as number, 5);
  });
  it("weights summing to a negative value → NaN; with returnSign: log of the magnitude, sign -1", () => {
    expectSame(logSumExp([0, 0], { weights: [1, -3] }) as number, NaN_);
    const r = logSumExp([0, 0], { weights: [1, -3], returnSign: true });
    expectSame(r.value as number, Math.log(2));
    expectSame(r.sign as number, -1);
  });
  it("weights summing to exactly 0 → -Infinity, sign 0", () => {
    const r = logSumExp([0, 0], { weights: [1, -1], returnSign: true });
    expectSame(r.value as number, -I);
    expectSame(r.sign as number, 0);
  });
  it("zero weights do not count", () => {
    expectSame(logSumExp([NaN_, 0], { weights: [0, 1] }) as number, 0);
  });
});

describe("sigmoid and logSigmoid special values", () => {
  it("σ: NaN → NaN, +∞ → 1, -∞ → +0, ±0 → 0.5, -800 → +0, 800 → 1, empty → empty", () => {
    expectSame(sigmoid([NaN_, I, -I, 0, -0, -800, 800]), [NaN_, 1, 0, 0.5, 0.5, 0, 1]);
    expectSame(sigmoid([]), []);
  });
  it("σ and logσ at ±745: 1 and the least subnormal 5e-324; -5e-324 and -745 (no overflow)", () => {
    expectSame(sigmoid([745, -745]), [1, 5e-324]);
    expectSame(logSigmoid([745, -745]), [-5e-324, -745]);
  });
  it("logσ: NaN → NaN, +∞ → +0, -∞ → -∞, ±0 → -log 2, 800 → +0, -800 → -800, empty → empty", () => {
    expectSame(logSigmoid([NaN_, I, -I, 0, -0, 800, -800]), [NaN_, 0, -I, -Math.LN2, -Math.LN2, 0, -800]);
    expectSame(logSigmoid([]), []);
  });
});

describe("argmax special values", () => {
  it("any NaN counted → NaN", () => {
    expectSame(argmax([1, NaN_, 3]) as number, NaN_);
  });
  it("all masked → NaN", () => {
    expectSame(argmax([1, 2], { where: [false, false] }) as number, NaN_);
  });
  it("all -Infinity → 0 (all tie)", () => {
    expectSame(argmax([-I, -I]) as number, 0);
  });
  it("+Infinity → its first index; ties → the lowest index; -0 and +0 tie", () => {
    expectSame(argmax([1, I, I]) as number, 1);
    expectSame(argmax([3, 1, 3]) as number, 0);
    expectSame(argmax([-0, 0]) as number, 0);
    expectSame(argmax([0, -0]) as number, 0);
  });
  it("masked entries are never chosen", () => {
    expectSame(argmax([9, 1, 2], { where: [false, true, true] }) as number, 2);
  });
  it("empty axis → EMPTY error", () => {
    const e = caught(() => argmax([]));
    expect([e.code, e.fn, e.arg]).toEqual(["EMPTY", "argmax", "x"]);
  });
});

describe("topK special values", () => {
  it("NaN ranks above +Infinity (never hidden); -Infinity ranks last; ties keep the lower index first", () => {
    const r = topK([1, NaN_, -I, 3, I, 3], 6);
    expect(r.indices).toEqual([1, 4, 3, 5, 0, 2]);
    expectSame(r.values as number[], [NaN_, I, 3, 3, 1, -I]);
  });
  it("k = 0 → empty results", () => {
    const r = topK([1, 2], 0, { labels: ["a", "b"] });
    expect(r.indices).toEqual([]);
    expect(r.values).toEqual([]);
    expect(r.labels).toEqual([]);
  });
  it("k out of range or not an integer → INVALID_OPTION naming k and the value", () => {
    for (const k of [3, -1, 1.5, NaN_]) {
      const e = caught(() => topK([1, 2], k));
      expect([e.code, e.fn, e.arg]).toEqual(["INVALID_OPTION", "topK", "k"]);
      expect(Object.is(e.received, k)).toBe(true);
    }
  });
});

describe("invalid options → a typed SoftmaxError with code, function, argument and value", () => {
  const fns = { softmax, logSoftmax, logSumExp } as const;
  for (const [name, fn] of Object.entries(fns)) {
    it(`${name}: axis out of range → INVALID_AXIS`, () => {
      const e = caught(() => (fn as (x: unknown, o: unknown) => unknown)([1, 2], { axis: 1 }));
      expect([e.code, e.fn, e.arg, e.received]).toEqual(["INVALID_AXIS", name, "options.axis", 1]);
    });
    it(`${name}: temperature < 0, NaN or Infinity → INVALID_OPTION`, () => {
      for (const t of [-1, NaN_, I, "1"]) {
        const e = caught(() => (fn as (x: unknown, o: unknown) => unknown)([1, 2], { temperature: t }));
        expect([e.code, e.fn, e.arg]).toEqual(["INVALID_OPTION", name, "options.temperature"]);
        expect(Object.is(e.received, t)).toBe(true);
      }
    });
    it(`${name}: a mask of another shape → SHAPE_MISMATCH`, () => {
      const e = caught(() => (fn as (x: unknown, o: unknown) => unknown)([1, 2], { where: [true] }));
      expect([e.code, e.fn, e.arg]).toEqual(["SHAPE_MISMATCH", name, "options.where"]);
    });
    it(`${name}: an unknown option → INVALID_OPTION naming it`, () => {
      const e = caught(() => (fn as (x: unknown, o: unknown) => unknown)([1, 2], { axes: 0 }));
      expect([e.code, e.fn, e.arg]).toEqual(["INVALID_OPTION", name, "options.axes"]);
    });
  }
  it("argmax and topK: axis out of range → INVALID_AXIS", () => {
    expect(caught(() => argmax([1], { axis: -2 })).code).toBe("INVALID_AXIS");
    expect(caught(() => topK([1], 1, { axis: 3 })).code).toBe("INVALID_AXIS");
  });
  it("sigmoid and logSigmoid: an unknown option → INVALID_OPTION", () => {
    expect(caught(() => sigmoid([1], { axis: 0 } as never)).arg).toBe("options.axis");
    expect(caught(() => logSigmoid([1], { axis: 0 } as never)).fn).toBe("logSigmoid");
  });
});
