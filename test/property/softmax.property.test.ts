/**
 * Property-based tests (fast-check) of softmax, logSoftmax and logSumExp:
 * accuracy against the double-double reference on adversarial rows, sums to
 * 1, shift invariance, exp(logSoftmax) = softmax, max ≤ logSumExp ≤ max + log n,
 * argmax(softmax(x)) = argmax(x), every axis of random 1–4-D tensors against a
 * per-slice reference, temperature and `where` semantics.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as dd from "../../reference/dd.mjs";
import { argmax, logSoftmax, logSumExp, setBackend, softmax } from "../../src/index.js";
import { CORRECTLY_ROUNDED_32, ulpError } from "../accuracy/ulp.js";
import { finiteRow, logit, sliceIndices, special, specialRow, tensor, ulp } from "./arbitraries.js";

const RUNS = { numRuns: 300 };

/** Σ p in double-double, so that the check adds no error of its own. */
function exactSum(p: ArrayLike<number>): number {
  let s: dd.DD = [0, 0];
  for (let i = 0; i < p.length; i++) s = dd.add(s, [p[i] as number, 0]);
  return s[0] + s[1];
}

/** Same values, -0 and +0 kept apart, NaN equal to NaN. */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe("softmax family: accuracy against the double-double reference on random rows", () => {
  it("softmax ≤ 4 ulp, logSoftmax ≤ 4 ulp, logSumExp ≤ 2 ulp of max(|m|, log Σ), with and without temperature", () => {
    const temperature = fc.oneof(fc.constant(1), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.double({ min: 5e-324, max: 1.7e308, noNaN: true }));
    fc.assert(
      fc.property(finiteRow, temperature, (x, t) => {
        const p = softmax(x, { temperature: t });
        const lp = logSoftmax(x, { temperature: t });
        const l = logSumExp(x, { temperature: t }) as number;
        const rp = dd.softmax(x, t);
        const rlp = dd.logSoftmax(x, t);
        const rl = dd.logSumExp(x, t);
        for (let i = 0; i < x.length; i++) {
          expect(ulpError(p[i] as number, rp[i] as dd.Exact, "float64"), `softmax[${i}]`).toBeLessThanOrEqual(4);
          expect(ulpError(lp[i] as number, rlp[i] as dd.Exact, "float64"), `logSoftmax[${i}]`).toBeLessThanOrEqual(4);
        }
        const m = Math.max(...x);
        const magnitude = Math.max(Math.abs(m), Math.abs(rl.hi * 2 ** rl.k - m));
        if (Number.isFinite(magnitude)) expect(ulpError(l, rl, "float64", magnitude)).toBeLessThanOrEqual(2);
      }),
      RUNS,
    );
  });
});

describe("softmax family: float32 in → float32 out", () => {
  it("random float32 rows (up to 200 entries, both backends): softmax, logSoftmax and logSumExp correctly rounded", () => {
    const f32 = fc.oneof(fc.float({ min: -100, max: 100, noNaN: true }), fc.float({ noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(fc.array(f32, { minLength: 1, maxLength: 200 }), fc.constantFrom("js", "auto") as fc.Arbitrary<"js" | "auto">, (xs, backend) => {
        const x = Float32Array.from(xs);
        setBackend(backend);
        const p = softmax(x);
        const lp = logSoftmax(x);
        const l = logSumExp(x) as number;
        setBackend("auto");
        const rp = dd.softmax(x);
        const rlp = dd.logSoftmax(x);
        for (let i = 0; i < x.length; i++) {
          expect(ulpError(p[i] as number, rp[i] as dd.Exact, "float32"), `softmax[${i}] ${backend}`).toBeLessThanOrEqual(CORRECTLY_ROUNDED_32);
          expect(ulpError(lp[i] as number, rlp[i] as dd.Exact, "float32"), `logSoftmax[${i}] ${backend}`).toBeLessThanOrEqual(CORRECTLY_ROUNDED_32);
        }
        expect(ulpError(l, dd.logSumExp(x), "float32"), `logSumExp ${backend}`).toBeLessThanOrEqual(CORRECTLY_ROUNDED_32);
      }),
      RUNS,
    );
  });
});

describe("logSumExp with weights", () => {
  it("unit weights give the unweighted value within 2 ulp of max(|m|, log Σ) of the reference", () => {
    fc.assert(
      fc.property(finiteRow, (x) => {
        const v = logSumExp(x, { weights: x.map(() => 1) }) as number;
        const rl = dd.logSumExp(x);
        const m = Math.max(...x);
        const magnitude = Math.max(Math.abs(m), Math.abs(rl.hi * 2 ** rl.k - m));
        if (Number.isFinite(magnitude)) expect(ulpError(v, rl, "float64", magnitude)).toBeLessThanOrEqual(2);
      }),
      RUNS,
    );
  });
});

describe("softmax family: algebraic properties", () => {
  it("softmax sums to 1 within 4·2^-52 (+ n subnormal ulps), every p in [0, 1]", () => {
    fc.assert(
      fc.property(finiteRow, (x) => {
        const p = softmax(x);
        for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
        expect(Math.abs(exactSum(p) - 1)).toBeLessThanOrEqual(4 * 2 ** -52 + x.length * 4 * 5e-324);
      }),
      RUNS,
    );
  });

  it("shift invariance: softmax(x + c) = softmax(x) and logSoftmax(x + c) = logSoftmax(x) bit for bit when x + c is exact", () => {
    // x on a 2^-20 grid within ±2^20 and an integer c below 2^30: x + c is exact, and the kernels see the same exact differences.
    const gridded = fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((k) => k * 2 ** -20);
    fc.assert(
      fc.property(fc.array(gridded, { minLength: 1, maxLength: 30 }), fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), (x, c) => {
        const shifted = x.map((v) => v + c);
        expect(same(softmax(shifted), softmax(x))).toBe(true);
        expect(same(logSoftmax(shifted), logSoftmax(x))).toBe(true);
        // Each logSumExp is within 2 ulp of max(|m|, log Σ) (its documented bound), the subtraction of c adds ½ ulp:
        // an absolute bound, instead of toBeCloseTo's fixed 5e-7 (which is 2^31 ulp when c and x are small).
        const m = Math.max(...x);
        const logN = Math.log(x.length);
        const l = (logSumExp(shifted) as number) - c;
        const bound = 2 * ulp(Math.max(Math.abs(m + c), logN + 1)) + 2 * ulp(Math.max(Math.abs(m), logN + 1)) + ulp(l);
        expect(Math.abs(l - (logSumExp(x) as number))).toBeLessThanOrEqual(bound);
      }),
      RUNS,
    );
  });

  it("shift invariance for any shift: softmax(x + c) is within 4 ulp of the exact softmax of the rounded x + c", () => {
    fc.assert(
      fc.property(finiteRow, logit, (x, c) => {
        const shifted = x.map((v) => v + c);
        if (!shifted.every(Number.isFinite)) return;
        const p = softmax(shifted);
        const r = dd.softmax(shifted);
        p.forEach((v, i) => {
          expect(ulpError(v, r[i] as dd.Exact, "float64")).toBeLessThanOrEqual(4);
        });
      }),
      RUNS,
    );
  });

  it("exp(logSoftmax(x)) = softmax(x) within the propagated error (4|log p| + 6)·2^-52 relative", () => {
    fc.assert(
      fc.property(finiteRow, (x) => {
        const p = softmax(x);
        const lp = logSoftmax(x);
        lp.forEach((l, i) => {
          const pi = p[i] as number;
          // Below e^-700 the values may be subnormal (or 0), where the 4 ulp of each side are absolute: 2^-1074 each.
          const floor = l < -700 ? 8 * 2 ** -1074 : 5e-324;
          // p = 0 (l may be -∞ there, and ∞·0 would be NaN): only the absolute floor.
          const relative = pi === 0 ? 0 : (4 * 2 ** -52 * Math.abs(l) + 6 * 2 ** -52) * pi;
          expect(Math.abs(Math.exp(l) - pi)).toBeLessThanOrEqual(relative + floor);
        });
      }),
      RUNS,
    );
  });

  it("max ≤ logSumExp ≤ max + log n", () => {
    fc.assert(
      fc.property(finiteRow, (x) => {
        const m = Math.max(...x);
        const l = logSumExp(x) as number;
        expect(l).toBeGreaterThanOrEqual(m);
        const upper = m + Math.log(x.length);
        expect(l).toBeLessThanOrEqual(upper + 2 * ulp(Math.max(Math.abs(m), Math.log(x.length))));
      }),
      RUNS,
    );
  });

  it("argmax(softmax(x)) = argmax(x) when the top two logits differ by more than 1e-12 relative; the argmax of x always has the top probability", () => {
    fc.assert(
      fc.property(finiteRow, (x) => {
        const p = softmax(x);
        const k = argmax(x) as number;
        expect(p[k]).toBe(Math.max(...p));
        const sorted = [...x].sort((a, b) => b - a);
        const [a, b] = [sorted[0] as number, sorted[1]];
        if (b === undefined || a - b > 1e-12 * Math.max(1, Math.abs(a))) expect(argmax(p)).toBe(k);
      }),
      RUNS,
    );
  });
});

describe("softmax family: every axis of random 1–4-D tensors against a per-slice reference", () => {
  for (const name of ["softmax", "logSoftmax"] as const) {
    const fn = name === "softmax" ? softmax : logSoftmax;
    const ref = name === "softmax" ? dd.softmax : dd.logSoftmax;
    it(`${name}: each slice along each axis equals the 1-D call bit for bit, and finite slices are within 4 ulp of the double-double reference`, () => {
      fc.assert(
        fc.property(tensor(special), ([shape, data]) => {
          for (let axis = -shape.length; axis < shape.length; axis++) {
            const a = axis < 0 ? axis + shape.length : axis;
            const y = fn({ data: Float64Array.from(data), shape }, { axis }).data;
            for (const idx of sliceIndices(shape, a)) {
              const row = idx.map((i) => data[i] as number);
              const want = fn(row);
              expect(
                same(
                  idx.map((i) => y[i] as number),
                  want,
                ),
              ).toBe(true);
              if (row.every(Number.isFinite) && row.length > 0) {
                const r = ref(row);
                idx.forEach((i, k) => {
                  expect(ulpError(y[i] as number, r[k] as dd.Exact, "float64")).toBeLessThanOrEqual(4);
                });
              }
            }
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it("logSumExp: each axis (and axis: null) of random tensors against the per-slice value", () => {
    fc.assert(
      fc.property(tensor(special), ([shape, data]) => {
        for (let a = 0; a < shape.length; a++) {
          const y = logSumExp({ data: Float64Array.from(data), shape }, { axis: a }) as { data: Float64Array; shape: number[] };
          sliceIndices(shape, a).forEach((idx, s) => {
            expect(Object.is(y.data[s], logSumExp(idx.map((i) => data[i] as number)))).toBe(true);
          });
        }
        const all = logSumExp({ data: Float64Array.from(data), shape }, { axis: null }) as { data: Float64Array };
        expect(Object.is(all.data[0], logSumExp(data))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("softmax family: temperature and where", () => {
  it("temperature T = 2^j equals dividing the logits by T, bit for bit", () => {
    // Away from the subnormals, where x / 2^j would round.
    const moderate = fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((v) => v === 0 || Math.abs(v) > 1e-290);
    fc.assert(
      fc.property(fc.array(moderate, { minLength: 1, maxLength: 20 }), fc.integer({ min: -6, max: 6 }), (x, j) => {
        const t = 2 ** j;
        const scaled = x.map((v) => v / t);
        expect(same(softmax(x, { temperature: t }), softmax(scaled))).toBe(true);
        expect(same(logSoftmax(x, { temperature: t }), logSoftmax(scaled))).toBe(true);
        expect(logSumExp(x, { temperature: t })).toBe(t * (logSumExp(scaled) as number));
      }),
      RUNS,
    );
  });

  it("temperature 0 is the argmax limit: the maxima share 1 equally, logSoftmax -log k there, logSumExp = max", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 10 }), (x) => {
        const m = Math.max(...x);
        const k = x.filter((v) => v === m).length;
        expect(softmax(x, { temperature: 0 })).toEqual(x.map((v) => (v === m ? 1 / k : 0)));
        expect(logSoftmax(x, { temperature: 0 })).toEqual(x.map((v) => (v === m ? 0 - Math.log(k) : Number.NEGATIVE_INFINITY)));
        expect(logSumExp(x, { temperature: 0 })).toBe(m);
      }),
      RUNS,
    );
  });

  it("where: masked entries get 0 / -Infinity and do not count; the rest equal the call on the kept entries", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(special, fc.boolean()), { minLength: 1, maxLength: 20 }),
        fc.constantFrom("zeros", "nan") as fc.Arbitrary<"zeros" | "nan">,
        (pairs, onFullyMasked) => {
          const x = pairs.map(([v]) => v);
          const where = pairs.map(([, w]) => w);
          const kept = x.filter((_, i) => where[i]);
          const p = softmax(x, { where, onFullyMasked });
          const lp = logSoftmax(x, { where, onFullyMasked });
          const keptP = softmax(kept, { onFullyMasked });
          const keptLp = logSoftmax(kept, { onFullyMasked });
          // A fully masked row (or one entirely -Infinity) follows onFullyMasked for every entry.
          const none = kept.every((v) => v === Number.NEGATIVE_INFINITY);
          let j = 0;
          x.forEach((_, i) => {
            if (where[i]) {
              expect(Object.is(p[i], keptP[j])).toBe(true);
              expect(Object.is(lp[i], keptLp[j])).toBe(true);
              j++;
            } else if (none && onFullyMasked === "nan") {
              expect(p[i]).toBeNaN();
              expect(lp[i]).toBeNaN();
            } else if (kept.some((v) => Number.isNaN(v))) {
              expect(p[i]).toBeNaN();
            } else {
              expect(Object.is(p[i], 0)).toBe(true);
              expect(lp[i]).toBe(Number.NEGATIVE_INFINITY);
            }
          });
          const l = logSumExp(x, { where, onFullyMasked });
          expect(Object.is(l, kept.length === 0 ? (onFullyMasked === "nan" ? Number.NaN : Number.NEGATIVE_INFINITY) : logSumExp(kept, { onFullyMasked }))).toBe(
            true,
          );
        },
      ),
      RUNS,
    );
  });
});

describe("softmax family: special values never throw and follow the policy", () => {
  it("rows with NaN, ±Infinity, -0 and subnormals: a NaN makes the row NaN; otherwise softmax sums to 1 or is all 0", () => {
    fc.assert(
      fc.property(specialRow, (x) => {
        const p = softmax(x);
        const l = logSumExp(x) as number;
        if (x.some(Number.isNaN)) {
          expect(p.every(Number.isNaN)).toBe(true);
          expect(l).toBeNaN();
        } else if (x.every((v) => v === Number.NEGATIVE_INFINITY)) {
          expect(p.every((v) => Object.is(v, 0))).toBe(true);
          expect(l).toBe(Number.NEGATIVE_INFINITY);
        } else {
          expect(Math.abs(exactSum(p) - 1)).toBeLessThanOrEqual(4 * 2 ** -52 + x.length * 4 * 5e-324);
          if (x.includes(Number.POSITIVE_INFINITY)) expect(l).toBe(Number.POSITIVE_INFINITY);
        }
      }),
      RUNS,
    );
  });
});
