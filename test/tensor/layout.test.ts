/** Axis arithmetic (src/tensor/layout.ts). */
import { describe, expect, it } from "vitest";
import { SoftmaxError } from "../../src/errors.js";
import { forEachSlice, layoutOf, normalizeAxis, reducedShape } from "../../src/tensor/layout.js";

describe("layout", () => {
  it("normalizeAxis: default -1, negative from the end, out of range → INVALID_AXIS with the value", () => {
    expect(normalizeAxis(undefined, 3, "f")).toBe(2);
    expect(normalizeAxis(-3, 3, "f")).toBe(0);
    expect(normalizeAxis(1, 3, "f")).toBe(1);
    for (const bad of [3, -4, 0.5, "0", Number.NaN]) {
      let err: unknown;
      try {
        normalizeAxis(bad, 3, "softmax");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SoftmaxError);
      const e = err as SoftmaxError;
      expect([e.code, e.fn, e.arg]).toEqual(["INVALID_AXIS", "softmax", "options.axis"]);
      expect(Object.is(e.received, bad)).toBe(true);
    }
  });
  it("layoutOf and forEachSlice visit every slice once with the right offset and stride", () => {
    const shape = [2, 3, 4];
    for (let axis = 0; axis < 3; axis++) {
      const l = layoutOf(shape, axis);
      expect(l.outer * l.n * l.inner).toBe(24);
      const seen = new Array<number>(24).fill(0);
      let count = 0;
      forEachSlice(l, (off, stride, s) => {
        expect(s).toBe(count++);
        for (let k = 0; k < l.n; k++) seen[off + k * stride]! += 1;
      });
      expect(seen.every((v) => v === 1)).toBe(true);
    }
  });
  it("reducedShape drops or keeps the reduced axes", () => {
    expect(reducedShape([2, 3, 4], [1], false)).toEqual([2, 4]);
    expect(reducedShape([2, 3, 4], [0, 2], true)).toEqual([1, 3, 1]);
  });
});
