import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logSumExp as refLse, softmax as refSoftmax } from "../../reference/family/family.mjs";
import { createSoftmaxState, logSoftmax, SoftmaxError, softmax } from "../../src/index.js";
import { fcParams, MaxError, ulps } from "./_helpers.js";

const chunks = fc.array(fc.array(fc.double({ min: -700, max: 700, noNaN: true }), { minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 8 });

describe("createSoftmaxState", () => {
  it("update, chunk by chunk, gives logSumExp within 2 ulp of max(|m|, log Σe^{x−m}) and normalize within 4 ulp (property)", () => {
    const wl = new MaxError();
    const wp = new MaxError();
    fc.assert(
      fc.property(chunks, (cs) => {
        const all = cs.flat();
        fc.pre(all.length > 0);
        const s = createSoftmaxState();
        for (const c of cs) s.update(c);
        const ref = refLse(all);
        const m = Math.max(...all);
        const el = ulps(s.logSumExp(), ref, Math.max(Math.abs(m), Math.abs(ref[0] - m)));
        wl.see(el, () => JSON.stringify(cs));
        expect(el).toBeLessThanOrEqual(2);
        const p = cs.flatMap((c) => s.normalize(c) as number[]);
        refSoftmax(all).forEach((r, k) => {
          const e = ulps(p[k] as number, r);
          wp.see(e, () => JSON.stringify(cs));
          expect(e).toBeLessThanOrEqual(4);
        });
      }),
      fcParams(150),
    );
    console.log(`createSoftmaxState: logSumExp max ${wl.max.toFixed(3)} ulp, normalize max ${wp.max.toFixed(3)} ulp`);
  });

  it("merge of states from several workers equals one state fed everything (property)", () => {
    fc.assert(
      fc.property(chunks, (cs) => {
        const one = createSoftmaxState();
        for (const c of cs) one.update(c);
        const parts = cs.map((c) => createSoftmaxState().update(c).data());
        const merged = createSoftmaxState();
        for (const d of parts) merged.merge(d);
        const a = one.logSumExp();
        const b = merged.logSumExp();
        if (!Number.isFinite(a)) expect(Object.is(a, b)).toBe(true);
        else expect(Math.abs(a - b)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(a)));
      }),
      fcParams(150),
    );
  });

  it("100 rising chunks (100 rescalings): still within 2 ulp", () => {
    const s = createSoftmaxState();
    const all: number[] = [];
    for (let i = 0; i < 100; i++) {
      const c = [i * 0.37 - 20, i * 0.37 - 20.5, Math.sin(i)];
      all.push(...c);
      s.update(new Float64Array(c));
    }
    const ref = refLse(all);
    expect(ulps(s.logSumExp(), ref, Math.max(Math.abs(Math.max(...all)), 1))).toBeLessThanOrEqual(2);
    const got = s.normalize(all) as number[];
    const one = softmax(all) as number[];
    got.forEach((v, k) => {
      expect(Math.abs(v - (one[k] as number))).toBeLessThanOrEqual(8 * Number.EPSILON * (one[k] as number));
    });
  });

  it("logNormalize matches logSoftmax; kinds are kept; data() restores a state", () => {
    const x = [1, 2, 3, 40];
    const s = createSoftmaxState().update([1, 2]).update([3, 40]);
    const lp = s.logNormalize([1, 2, 3, 40]) as number[];
    const ref = logSoftmax(x) as number[];
    lp.forEach((v, k) => {
      expect(Math.abs(v - (ref[k] as number))).toBeLessThanOrEqual(2 * Number.EPSILON * Math.max(1, Math.abs(ref[k] as number)));
    });
    expect(s.normalize(new Float32Array([40]))).toBeInstanceOf(Float32Array);
    const copy = createSoftmaxState(s.data());
    expect(copy.logSumExp()).toBe(s.logSumExp());
  });

  it("special values (Object.is)", () => {
    const empty = createSoftmaxState();
    expect(Object.is(empty.logSumExp(), Number.NEGATIVE_INFINITY)).toBe(true);
    expect(empty.normalize([1, 2])).toEqual([0, 0]);
    const ninf = createSoftmaxState().update([Number.NEGATIVE_INFINITY]).update([]);
    expect(Object.is(ninf.logSumExp(), Number.NEGATIVE_INFINITY)).toBe(true);
    const nan = createSoftmaxState().update([1]).update([Number.NaN]).update([2]);
    expect(Object.is(nan.logSumExp(), Number.NaN)).toBe(true);
    expect((nan.normalize([1]) as number[]).every((v) => Object.is(v, Number.NaN))).toBe(true);
    const inf = createSoftmaxState().update([1, Number.POSITIVE_INFINITY]).update([Number.POSITIVE_INFINITY, 5]);
    expect(Object.is(inf.logSumExp(), Number.POSITIVE_INFINITY)).toBe(true);
    expect(inf.normalize([Number.POSITIVE_INFINITY, 5])).toEqual([0.5, 0]);
    const mergedInf = createSoftmaxState()
      .update([3])
      .merge(createSoftmaxState().update([Number.POSITIVE_INFINITY]));
    expect(Object.is(mergedInf.logSumExp(), Number.POSITIVE_INFINITY)).toBe(true);
  });

  it("errors", () => {
    expect(() => createSoftmaxState().update(["a" as never])).toThrow(SoftmaxError);
    expect(() => createSoftmaxState().merge({} as never)).toThrow(SoftmaxError);
    expect(() => createSoftmaxState({ max: 1 } as never)).toThrow(SoftmaxError);
    // Data that no state can have is refused, never turned into a wrong logSumExp (these gave -Infinity, NaN, +Infinity).
    const good = { max: 1, rHi: 0.5, rLo: 0, infinities: 0, nan: false };
    for (const bad of [
      { ...good, max: Number.NaN },
      { ...good, rHi: -5 },
      { ...good, rHi: Number.NaN },
      { ...good, rLo: Number.POSITIVE_INFINITY },
      { ...good, infinities: 1.5 },
      { ...good, infinities: -1 },
      { ...good, max: Number.POSITIVE_INFINITY },
    ]) {
      expect(() => createSoftmaxState(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: "INVALID_INPUT", arg: "from" }));
      expect(() => createSoftmaxState().merge(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: "INVALID_INPUT", arg: "other" }));
    }
    expect(createSoftmaxState(good).logSumExp()).toBe(1 + Math.log1p(0.5));
    expect(Object.is(createSoftmaxState({ ...good, max: Number.POSITIVE_INFINITY, infinities: 2 }).logSumExp(), Number.POSITIVE_INFINITY)).toBe(true);
  });
});
