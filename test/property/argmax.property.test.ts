/**
 * Property-based tests (fast-check) of argmax and topK against an
 * independent selection reference (repeated linear scans, not a sort).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { argmax, softmax, topK } from "../../src/index.js";
import { sliceIndices, special, specialRow, tensor } from "./arbitraries.js";

const RUNS = { numRuns: 500 };

/** a ranks above b: NaN above everything, then larger values, then (equal values) the lower index. */
function above(x: readonly number[], a: number, b: number): boolean {
  const va = x[a] as number;
  const vb = x[b] as number;
  if (Number.isNaN(va) !== Number.isNaN(vb)) return Number.isNaN(va);
  if (va !== vb && !Number.isNaN(va)) return va > vb;
  return a < b;
}

/** The k top positions by repeated scans for the best not yet taken. */
function selectTop(x: readonly number[], k: number): number[] {
  const taken = new Set<number>();
  const out: number[] = [];
  for (let r = 0; r < k; r++) {
    let best = -1;
    for (let i = 0; i < x.length; i++) if (!taken.has(i) && (best < 0 || above(x, i, best))) best = i;
    taken.add(best);
    out.push(best);
  }
  return out;
}

describe("argmax / topK properties", () => {
  it("argmax = the first index of the maximum; NaN when the row holds a NaN", () => {
    fc.assert(
      fc.property(specialRow, (x) => {
        const a = argmax(x) as number;
        if (x.some(Number.isNaN)) expect(a).toBeNaN();
        else {
          const m = Math.max(...x);
          expect(a).toBe(x.indexOf(m));
        }
      }),
      RUNS,
    );
  });

  it("topK(x, k) = the selection reference: indices, values and labels", () => {
    fc.assert(
      fc.property(
        specialRow.chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x.length }))),
        ([x, k]) => {
          const labels = x.map((_, i) => `c${i}`);
          const r = topK(x, k, { labels });
          const want = selectTop(x, k);
          expect(r.indices).toEqual(want);
          (r.values as number[]).forEach((v, i) => {
            expect(Object.is(v, x[want[i] as number])).toBe(true);
          });
          expect(r.labels).toEqual(want.map((i) => `c${i}`));
        },
      ),
      RUNS,
    );
  });

  it("argmax along every axis of random 1–4-D tensors equals the per-slice argmax", () => {
    fc.assert(
      fc.property(tensor(special), ([shape, data]) => {
        for (let a = 0; a < shape.length; a++) {
          if (shape[a] === 0) continue;
          const y = argmax({ data: Float64Array.from(data), shape }, { axis: a }) as { data: Float64Array };
          sliceIndices(shape, a).forEach((idx, s) => {
            expect(Object.is(y.data[s], argmax(idx.map((i) => data[i] as number)))).toBe(true);
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it("topK of softmax(x) ranks like topK of x when the logits are distinct", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -30, max: 30 }), { minLength: 1, maxLength: 12 }), (x) => {
        expect(topK(softmax(x), x.length).indices).toEqual(topK(x, x.length).indices);
      }),
      RUNS,
    );
  });
});
