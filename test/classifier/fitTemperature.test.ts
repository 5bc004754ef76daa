import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exact } from "../../reference/decimal.mjs";
import { createRandom } from "../../src/family.js";
import { fitTemperature, SoftmaxError } from "../../src/index.js";

const D = Decimal.clone({ precision: 50 });

/** Mean NLL of softmax(z / T) in 50-digit arithmetic (the reference; not the code under test). */
function nllDecimal(z: number[][], y: number[], T: number): number {
  let total = new D(0);
  z.forEach((row, i) => {
    const s = row.reduce((a, v) => a.plus(exact(v).div(exact(T)).exp()), new D(0));
    total = total.plus(s.ln().minus(exact(row[y[i] as number] as number).div(exact(T))));
  });
  return total.div(z.length).toNumber();
}

/** Mean NLL in float64 by a plain max-shifted formula, for the grid scan. */
function nll(z: number[][], y: number[], T: number): number {
  let total = 0;
  z.forEach((row, i) => {
    const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp((v - m) / T), 0);
    total += Math.log(s) - ((row[y[i] as number] as number) - m) / T;
  });
  return total / z.length;
}

/** Logits u, labels drawn from softmax(u) (so T = 1 is right for u), reported as s·u: the right temperature is about s. */
function sample(seed: number, rows: number, k: number, s: number) {
  const rng = createRandom(seed);
  const z: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const u = Array.from({ length: k }, () => 2 * rng.normal());
    const e = u.map((v) => Math.exp(v));
    const total = e.reduce((a, v) => a + v);
    let r = rng.random() * total;
    let c = 0;
    while (c < k - 1 && r >= (e[c] as number)) r -= e[c++] as number;
    y.push(c);
    z.push(u.map((v) => s * v));
  }
  return { z, y };
}

describe("fitTemperature", () => {
  for (const s of [0.3, 1, 4]) {
    it(`beats every point of a brute-force grid (logits scaled by ${s})`, () => {
      const { z, y } = sample(Math.round(10 * s), 400, 4, s);
      const r = fitTemperature(z, y);
      // Coarse grid: log T in [-4, 4], 4001 points.
      let best = Number.POSITIVE_INFINITY;
      let bestT = 0;
      for (let i = 0; i <= 4000; i++) {
        const T = Math.exp(-4 + (8 * i) / 4000);
        const v = nll(z, y, T);
        if (v < best) [best, bestT] = [v, T];
      }
      expect(r.nll).toBeLessThanOrEqual(best + 1e-15);
      expect(Math.abs(Math.log(r.temperature / bestT))).toBeLessThanOrEqual(8 / 4000);
      // Fine grid around the answer: ±1e-4 relative, 201 points; the fitted T is never beaten by more than rounding.
      for (let i = -100; i <= 100; i++) {
        const T = r.temperature * (1 + i * 1e-6);
        expect(nll(z, y, T)).toBeGreaterThanOrEqual(r.nll - 4e-16);
      }
      // The reported NLL is the NLL at the reported T (50-digit recomputation), and the NLL at T = 1 too.
      expect(Math.abs(r.nll - nllDecimal(z, y, r.temperature))).toBeLessThanOrEqual(8 * Number.EPSILON * r.nll);
      expect(Math.abs(r.nllAtOne - nllDecimal(z, y, 1))).toBeLessThanOrEqual(8 * Number.EPSILON * r.nllAtOne);
      // The right temperature is about s (400 rows: within 20 %).
      expect(r.temperature / s).toBeGreaterThan(0.8);
      expect(r.temperature / s).toBeLessThan(1.25);
      expect(r.iterations).toBeLessThan(20);
    });
  }

  it("g'(T*) = 0: E_p[z] − z_y averages to 0 at the fitted temperature (50 digits)", () => {
    const { z, y } = sample(5, 200, 3, 2);
    const { temperature: T } = fitTemperature(z, y);
    let g = new D(0);
    let scale = new D(0);
    z.forEach((row, i) => {
      const e = row.map((v) => exact(v).div(exact(T)).exp());
      const s = e.reduce((a, v) => a.plus(v), new D(0));
      const mean = row.reduce((a, v, c) => a.plus((e[c] as Decimal).div(s).times(exact(v))), new D(0));
      g = g.plus(mean.minus(exact(row[y[i] as number] as number)));
      scale = scale.plus(Math.max(...row.map(Math.abs)));
    });
    expect(g.abs().div(scale).toNumber()).toBeLessThan(1e-13);
  });

  it("clamps β = 1/T at 2^1000 when the minimiser lies beyond (logit gaps near the subnormal range)", () => {
    const r = fitTemperature([[-2.5e-323, -2.768957390045e-312, 0]], [0]);
    expect(r.temperature).toBeGreaterThanOrEqual(2 ** -1000);
    expect(r.temperature).toBeLessThanOrEqual(2 ** -998);
  });

  it("special cases: separable → 0, anti-informative → Infinity, constant rows → 1", () => {
    const sep = fitTemperature(
      [
        [3, 0, 0],
        [0, 2, 1],
      ],
      [0, 1],
    );
    expect(sep.temperature).toBe(0);
    expect(sep.nll).toBe(0);
    const tie = fitTemperature(
      [
        [3, 3, 0],
        [0, 2, 1],
      ],
      [0, 1],
    );
    expect(tie.temperature).toBe(0);
    expect(tie.nll).toBe(Math.log(2) / 2);
    const anti = fitTemperature(
      [
        [0, 3],
        [2, 0],
      ],
      [0, 1],
    );
    expect(anti.temperature).toBe(Number.POSITIVE_INFINITY);
    expect(Math.abs(anti.nll - Math.log(2))).toBeLessThan(1e-16);
    const flat = fitTemperature(
      [
        [1, 1],
        [5, 5],
      ],
      [0, 1],
    );
    expect(flat.temperature).toBe(1);
    expect(flat.nll).toBe(Math.log(2));
  });

  // Logits in [-20, 20], tiny ones included but not below 1e-250 (gaps under ~1e-301 put the minimiser beyond β = 2^1000: see the special cases).
  const logit = fc.double({ min: -20, max: 20, noNaN: true }).map((v) => (Math.abs(v) < 1e-250 ? 0 : v));

  it("property: on random problems the fitted T is a minimum (no nearby T nor T = 1 does better) or a documented limit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(logit, { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 2 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (rows) => {
          const z = rows.map(([r]) => r);
          const y = rows.map(([, l]) => l);
          const r = fitTemperature(z, y);
          const T = r.temperature;
          if (T === 0 || T === Number.POSITIVE_INFINITY) {
            // Limits: every label at its row maximum (T = 0), or logits no better than uniform (T = ∞).
            const atMax = z.every((row, i) => (row[y[i] as number] as number) === Math.max(...row));
            if (T === 0) expect(atMax).toBe(true);
            else expect(nll(z, y, 1e6)).toBeLessThanOrEqual(nll(z, y, 1) + 1e-12);
            return;
          }
          const tol = 1e-12 * Math.max(1, r.nll);
          expect(r.nll).toBeLessThanOrEqual(nll(z, y, 1) + tol);
          for (const f of [0.999, 1.001, 0.9, 1.1]) expect(r.nll).toBeLessThanOrEqual(nll(z, y, T * f) + tol);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("accepts { data, shape } and typed labels, and gives the same answer", () => {
    const { z, y } = sample(9, 50, 3, 1.5);
    const a = fitTemperature(z, y);
    const b = fitTemperature({ data: Float64Array.from(z.flat()), shape: [50, 3] }, Int32Array.from(y));
    expect(b).toEqual(a);
  });

  it("refuses bad input", () => {
    const codes = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SoftmaxError);
        return [(e as SoftmaxError).code, (e as SoftmaxError).arg + ((e as SoftmaxError).path ?? "")];
      }
      return null;
    };
    expect(codes(() => fitTemperature([1, 2, 3], [0]))).toEqual(["SHAPE_MISMATCH", "logits"]);
    expect(codes(() => fitTemperature([[1, 2]], [2]))).toEqual(["INVALID_INPUT", "labels[0]"]);
    expect(codes(() => fitTemperature([[1, 2]], [0, 1]))).toEqual(["SHAPE_MISMATCH", "labels"]);
    expect(codes(() => fitTemperature([[1, Number.POSITIVE_INFINITY]], [0]))).toEqual(["INVALID_INPUT", "logits[0][1]"]);
    expect(codes(() => fitTemperature({ data: new Float64Array(0), shape: [0, 3] }, []))).toEqual(["EMPTY", "logits"]);
    expect(codes(() => fitTemperature([[1, 2]], [0], { maxIterations: 0 }))).toEqual(["INVALID_OPTION", "options.maxIterations"]);
  });
});
