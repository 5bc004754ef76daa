import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logSoftmaxBackward as refLsb, softmaxBackward as refSb, vjpFD } from "../../reference/family/family.mjs";
import { logSoftmax, logSoftmaxBackward, SoftmaxError, softmax, softmaxBackward, softmaxJacobian } from "../../src/index.js";
import { fcParams, MaxError, ulps } from "./_helpers.js";

const row = fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 8 });
// Upstream gradients without subnormals (flushed to 0): with subnormal dy the error is absolute, a few 2^-1074, not relative.
const grad = fc.double({ min: -10, max: 10, noNaN: true }).map((v) => (Math.abs(v) < 1e-290 ? 0 : v));
const withDy = row.chain((x) => fc.tuple(fc.constant(x), fc.array(grad, { minLength: x.length, maxLength: x.length })));

describe("softmaxBackward", () => {
  it("within 3 ulp of |y_k|·max(|dy_k|, |s|) against the 64-digit closed form (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(withDy, ([x, dy]) => {
        const y = softmax(x) as number[];
        const got = softmaxBackward(y, dy) as number[];
        refSb(y, dy).forEach((r, k) => {
          const e = ulps(got[k] as number, r.value, r.scale || undefined);
          worst.see(e, () => JSON.stringify({ x, dy, k }));
          expect(e).toBeLessThanOrEqual(3);
        });
      }),
      fcParams(200),
    );
    console.log(`softmaxBackward: max error ${worst.max.toFixed(3)} ulp of |y|·max(|dy|,|s|)`);
  });

  it("equals central finite differences (64 digits, h = 1e-25) of Σ dy·softmax(x)", () => {
    const cases: [number[], number[]][] = [
      [
        [1, 2, 3],
        [1, 0, 0],
      ],
      [
        [-4, 0.5, 2, 7],
        [0.3, -2, 5, 1],
      ],
      [
        [0, 0],
        [1, -1],
      ],
    ];
    for (const [x, dy] of cases) {
      const got = softmaxBackward(softmax(x), dy) as number[];
      const fd = vjpFD("softmax", x, dy);
      got.forEach((g, k) => {
        expect(Math.abs(g - (fd[k] as number))).toBeLessThanOrEqual(8 * Number.EPSILON * Math.max(1, Math.abs(fd[k] as number)));
      });
    }
  });

  it("= Jᵀ dy with J = softmaxJacobian(y), and J's rows sum to 0 (property)", () => {
    fc.assert(
      fc.property(withDy, ([x, dy]) => {
        const y = softmax(x) as number[];
        const J = softmaxJacobian(y) as number[][];
        const got = softmaxBackward(y, dy) as number[];
        const n = x.length;
        for (let b = 0; b < n; b++) {
          let s = 0;
          let scale = 0;
          for (let a = 0; a < n; a++) {
            const term = ((J[a] as number[])[b] as number) * (dy[a] as number);
            s += term;
            scale += Math.abs(term);
          }
          const own = Math.abs(y[b] as number) * Math.max(Math.abs(dy[b] as number), Math.abs(y.reduce((acc, v, k) => acc + v * (dy[k] as number), 0)));
          expect(Math.abs(s - (got[b] as number))).toBeLessThanOrEqual(4 * n * Number.EPSILON * (scale + own) + 1e-300);
        }
        // Row a sums to p_a·(1 − Σp): 0 up to the few ulps by which the rounded p misses 1.
        const off1 = Math.abs(1 - y.reduce((s, v) => s + v, 0));
        J.forEach((r, a) => {
          const s = r.reduce((acc, v) => acc + v, 0);
          const scale = r.reduce((acc, v) => acc + Math.abs(v), 0);
          expect(Math.abs(s)).toBeLessThanOrEqual((y[a] as number) * off1 + 4 * n * Number.EPSILON * (scale + (y[a] as number)) + 1e-300);
        });
      }),
      fcParams(200),
    );
  });

  it("axes, kinds and special values", () => {
    const y = [
      [0.2, 0.5],
      [0.8, 0.5],
    ];
    const dy = [
      [1, 0],
      [0, 1],
    ];
    const a = softmaxBackward(y, dy, { axis: 0 }) as number[][];
    const c0 = softmaxBackward([0.2, 0.8], [1, 0]) as number[];
    expect([(a[0] as number[])[0], (a[1] as number[])[0]]).toEqual(c0);
    const f = softmaxBackward(new Float32Array([0.25, 0.75]), new Float32Array([1, 0]));
    expect(f).toBeInstanceOf(Float32Array);
    expect(Array.from(f as Float32Array)).toEqual([Math.fround(0.25 * 0.75), Math.fround(-0.25 * 0.75)]);
    expect((softmaxBackward([0.5, 0.5], [Number.NaN, 1]) as number[]).every((v) => Object.is(v, Number.NaN))).toBe(true);
    expect(Object.is((softmaxBackward([0, 1], [3, 1]) as number[])[0], 0)).toBe(true);
    expect(() => softmaxBackward([0.5, 0.5], [1])).toThrow(SoftmaxError);
  });
});

describe("logSoftmaxBackward", () => {
  it("within 3 ulp of max(|dy_k|, p_k·|Σdy|) against the 64-digit closed form of the given y (property)", () => {
    const worst = new MaxError();
    fc.assert(
      fc.property(withDy, ([x, dy]) => {
        const y = logSoftmax(x) as number[];
        const got = logSoftmaxBackward(y, dy) as number[];
        refLsb(y, dy).forEach((r, k) => {
          // e^y inherits |y|·2^-53 relative from Math.exp: allow 1 + |y| extra.
          const e = ulps(got[k] as number, r.value, r.scale || undefined);
          worst.see(e, () => JSON.stringify({ x, dy, k }));
          expect(e).toBeLessThanOrEqual(3);
        });
      }),
      fcParams(200),
    );
    console.log(`logSoftmaxBackward: max error ${worst.max.toFixed(3)} ulp of max(|dy|, p|Σdy|)`);
  });

  it("equals finite differences of Σ dy·logSoftmax(x), and gives p − onehot for dy = −onehot", () => {
    const x = [0.3, -2, 1.5, 4];
    const dy = [0.5, -1, 2, 0.25];
    const got = logSoftmaxBackward(logSoftmax(x), dy) as number[];
    const fd = vjpFD("logSoftmax", x, dy);
    got.forEach((g, k) => {
      expect(Math.abs(g - (fd[k] as number))).toBeLessThanOrEqual(8 * Number.EPSILON * Math.max(1, Math.abs(fd[k] as number)));
    });
    const p = softmax([1, 2, 3]) as number[];
    const g = logSoftmaxBackward(logSoftmax([1, 2, 3]), [0, 0, -1]) as number[];
    g.forEach((v, k) => {
      expect(Math.abs(v - ((p[k] as number) - (k === 2 ? 1 : 0)))).toBeLessThanOrEqual(2 * Number.EPSILON);
    });
  });

  it("special values", () => {
    expect(Object.is((logSoftmaxBackward([0, Number.NEGATIVE_INFINITY], [1, 2]) as number[])[1], 2)).toBe(true);
    expect((logSoftmaxBackward([0, -1], [Number.NaN, 2]) as number[]).every((v) => Object.is(v, Number.NaN))).toBe(true);
  });
});

describe("softmaxJacobian", () => {
  it("entries are single correctly rounded products; symmetric; batched shape [..., n, n]", () => {
    expect(softmaxJacobian([0.5, 0.5])).toEqual([
      [0.25, -0.25],
      [-0.25, 0.25],
    ]);
    fc.assert(
      fc.property(row, (x) => {
        const p = softmax(x) as number[];
        const J = softmaxJacobian(p) as number[][];
        p.forEach((pa, a) => {
          p.forEach((pb, b) => {
            const v = (J[a] as number[])[b] as number;
            expect(v).toBe(a === b ? pa * (1 - pa) : -pa * pb);
            // Symmetric exactly: −p_a·p_b and −p_b·p_a are the same rounded product.
            expect(Object.is(v, (J[b] as number[])[a])).toBe(true);
          });
        });
      }),
      fcParams(100),
    );
    const B = softmaxJacobian({ data: new Float64Array([0.5, 0.5, 0.1, 0.9]), shape: [2, 2] }) as { data: Float64Array; shape: number[] };
    expect(B.shape).toEqual([2, 2, 2]);
    const C = softmaxJacobian(
      [
        [0.5, 0.1],
        [0.5, 0.9],
      ],
      { axis: 0 },
    ) as number[][][];
    expect(C[1]).toEqual(softmaxJacobian([0.1, 0.9]));
    expect(Object.is((softmaxJacobian([Number.NaN, 1]) as number[][])[0]?.[1], Number.NaN)).toBe(true);
  });
});
