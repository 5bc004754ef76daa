/** Property tests of the family's compute-only kernels (src/kernels/js/family/*), against exact or independent references. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { D, exact } from "../../../reference/decimal.mjs";
import { mergeFinite, type OnlineState, stateLogSumExp, updateKernel } from "../../../src/kernels/js/family/online.js";
import { pcg32Next, pcg32Seed } from "../../../src/kernels/js/family/pcg32.js";
import { candidates, drawWithoutReplacement, drawWithReplacement, SLICE_NAN } from "../../../src/kernels/js/family/sampling.js";
import { accumulator, add, dot2, total } from "../../../src/kernels/js/family/sums.js";
import { fcParams } from "../_helpers.js";

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Math.abs(v) < 1e-200 ? 0 : v));

/** The exact sum of products as a correctly rounded double (decimal.js, 64 digits: products exact to 1e-64 relative). */
function exactDot(a: number[], b: number[]): number {
  let s = new (D as unknown as new (v: number) => { plus(x: unknown): unknown; toNumber(): number })(0);
  a.forEach((v, i) => {
    s = (s as { plus(x: unknown): typeof s }).plus((exact(v) as unknown as { times(x: unknown): unknown }).times(exact(b[i] as number)));
  });
  return s.toNumber();
}

describe("sums.ts", () => {
  it("Neumaier sum of terms of one sign is within 1 ulp of the exact sum (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), (xs) => {
        const acc = accumulator();
        for (const v of xs) add(acc, v);
        const want = exactDot(
          xs,
          xs.map(() => 1),
        );
        expect(Math.abs(total(acc) - want)).toBeLessThanOrEqual(Math.abs(want) * Number.EPSILON);
      }),
      fcParams(200),
    );
  });

  it("Dot2 is within 2 ulp of the exact dot product plus 2^-100·Σ|a·b| (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite), { minLength: 1, maxLength: 40 }), (pairs) => {
        const a = pairs.map(([x]) => x);
        const b = pairs.map(([, y]) => y);
        const got = dot2(a, b, 0, 1, a.length, null);
        const want = exactDot(a, b);
        const abs = pairs.reduce((s, [x, y]) => s + Math.abs(x * y), 0);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(want) + 2 ** -100 * abs);
      }),
      fcParams(200),
    );
  });

  it("Dot2 recovers a cancelling sum exactly: [1e16, 1, −1e16]·[1, 1, 1] = 1", () => {
    expect(dot2([1e16, 1, -1e16], [1, 1, 1], 0, 1, 3, null)).toBe(1);
    expect(dot2([1e16, 1, -1e16], [1, 1, 1], 0, 1, 3, new Uint8Array([1, 0, 1]))).toBe(0);
    expect(Object.is(dot2([Number.POSITIVE_INFINITY, 1], [1, 1], 0, 1, 2, null), Number.POSITIVE_INFINITY)).toBe(true);
  });
});

describe("pcg32.ts", () => {
  it("equals a BigInt implementation of pcg32_srandom_r / pcg32_random_r for any 64-bit seed and stream (property)", () => {
    const M = (1n << 64n) - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: M }), fc.bigInt({ min: 0n, max: M }), (seed, seq) => {
        let st = 0n;
        const inc = ((seq << 1n) | 1n) & M;
        const next = (): number => {
          const old = st;
          st = (old * 6364136223846793005n + inc) & M;
          const x = Number((((old >> 18n) ^ old) >> 27n) & 0xffffffffn);
          const r = Number(old >> 59n);
          return ((x >>> r) | (x << (-r & 31))) >>> 0;
        };
        next();
        st = (st + seed) & M;
        next();
        const g = { hi: 0, lo: 0, incHi: 0, incLo: 0 };
        pcg32Seed(g, Number(seed >> 32n), Number(seed & 0xffffffffn), Number(seq >> 32n), Number(seq & 0xffffffffn));
        for (let i = 0; i < 8; i++) expect(pcg32Next(g)).toBe(next());
      }),
      fcParams(200),
    );
  });
});

describe("sampling.ts", () => {
  const row = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 1, maxLength: 12 });
  const scratch = (n: number) => ({ cand: new Int32Array(n), w: new Float64Array(n), key: new Float64Array(n), order: new Int32Array(2 * n) });

  it("candidates: topK keeps ≥ k entries, all ≥ the k-th largest; topP keeps a prefix of mass ≥ p; minP keeps w ≥ minP (property)", () => {
    fc.assert(
      fc.property(
        row,
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, k, p, mp) => {
          const n = x.length;
          const s = scratch(n);
          const sorted = [...x].sort((a, b) => b - a);
          const ck = candidates(x, 0, 1, n, null, { t: 1, topK: k, topP: 1, minP: 0 }, s.cand, s.w, s.key, s.order);
          expect(ck).toBeGreaterThanOrEqual(Math.min(k, n));
          const kth = sorted[Math.min(k, n) - 1] as number;
          for (let j = 0; j < ck; j++) expect(x[s.cand[j] as number]).toBeGreaterThanOrEqual(kth);
          const cp = candidates(x, 0, 1, n, null, { t: 1, topK: 0, topP: p, minP: 0 }, s.cand, s.w, s.key, s.order);
          const all = x.map((v) => Math.exp(v - (sorted[0] as number)));
          const totalW = all.reduce((a, b) => a + b, 0);
          let kept = 0;
          for (let j = 0; j < cp; j++) kept += s.w[j] as number;
          expect(kept).toBeGreaterThanOrEqual(p * totalW * (1 - 1e-12));
          // Minimal: without its smallest kept entry the mass would be short of p.
          let smallest = Number.POSITIVE_INFINITY;
          for (let j = 0; j < cp; j++) smallest = Math.min(smallest, s.w[j] as number);
          expect(kept - smallest).toBeLessThan(p * totalW * (1 + 1e-12));
          const cm = candidates(x, 0, 1, n, null, { t: 1, topK: 0, topP: 1, minP: mp }, s.cand, s.w, s.key, s.order);
          // Exactly the entries with w ≥ minP (up to the rounding of the weights near the boundary).
          expect(cm).toBeGreaterThanOrEqual(all.filter((w) => w >= mp * (1 + 1e-9)).length);
          expect(cm).toBeLessThanOrEqual(all.filter((w) => w >= mp * (1 - 1e-9)).length);
          for (let j = 0; j < cm; j++) expect(s.w[j] as number).toBeGreaterThanOrEqual(mp);
        },
      ),
      fcParams(200),
    );
  });

  it("candidates: NaN → SLICE_NAN, nothing counted → 0, +∞ and temperature 0 → the maxima", () => {
    const s = scratch(3);
    const f = { t: 1, topK: 0, topP: 1, minP: 0 };
    expect(candidates([1, Number.NaN, 2], 0, 1, 3, null, f, s.cand, s.w, s.key, s.order)).toBe(SLICE_NAN);
    expect(candidates([1, 2, 3], 0, 1, 3, new Uint8Array(3), f, s.cand, s.w, s.key, s.order)).toBe(0);
    expect(candidates([Number.POSITIVE_INFINITY, 2, Number.POSITIVE_INFINITY], 0, 1, 3, null, f, s.cand, s.w, s.key, s.order)).toBe(2);
    expect(Array.from(s.cand.subarray(0, 2))).toEqual([0, 2]);
    expect(candidates([3, 1, 3], 0, 1, 3, null, { ...f, t: 0 }, s.cand, s.w, s.key, s.order)).toBe(2);
  });

  it("draws: with replacement never picks a weight-0 entry; without replacement gives distinct entries (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (w, seed) => {
          fc.pre(w.some((v) => v > 0));
          let state = seed;
          const uniform = () => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state / 2 ** 32;
          };
          const n = w.length;
          const cand = Int32Array.from(w.map((_, i) => i));
          const out = new Int32Array(20);
          drawWithReplacement(cand, Float64Array.from(w), n, new Float64Array(n), 20, uniform, out, 0, 1);
          for (const j of out) expect(w[j]).toBeGreaterThan(0);
          const key = Float64Array.from(w.map((v) => Math.log(v)));
          const o2 = new Int32Array(n);
          drawWithoutReplacement(cand, key, n, new Float64Array(n), new Int32Array(n), n, uniform, o2, 0, 1);
          expect(new Set(o2).size).toBe(n);
        },
      ),
      fcParams(200),
    );
  });
});

describe("online.ts", () => {
  it("update in any chunking and merges in any order give the same logSumExp within 4·2^-53·max(1, |LSE|) (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -700, max: 700, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 30 }), (xs, cut) => {
        const fresh = (): OnlineState => ({ max: Number.NEGATIVE_INFINITY, rHi: 0, rLo: 0, infinities: 0, nan: false });
        const a = fresh();
        updateKernel(a, xs, 0, 1, xs.length);
        const b = fresh();
        const c = fresh();
        const at = Math.min(cut, xs.length);
        updateKernel(b, xs, 0, 1, at);
        updateKernel(c, xs, at, 1, xs.length - at);
        // c into b, and b into c: merging is symmetric.
        const bc = { ...b };
        if (c.max > Number.NEGATIVE_INFINITY) mergeFinite(bc, c.max, c.rHi, c.rLo);
        const cb = { ...c };
        if (b.max > Number.NEGATIVE_INFINITY) mergeFinite(cb, b.max, b.rHi, b.rLo);
        const va = stateLogSumExp(a);
        for (const v of [stateLogSumExp(bc), stateLogSumExp(cb)]) expect(Math.abs(v - va)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(va)));
      }),
      fcParams(200),
    );
  });
});
