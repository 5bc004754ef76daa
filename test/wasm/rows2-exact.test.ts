/**
 * Exact rows of 2 (`rows2_exact`, slices.ts acrossRows): softmax, logSoftmax and logSumExp of four rows per iteration
 * in float64 lanes, rows it cannot round for sure left to the JavaScript kernel. Checked against the JS kernel's bits
 * (correctly rounded), 40-digit decimal.js, the across-slices route it replaced, special rows, and rows built next to a
 * float32 rounding boundary, which must be flagged.
 */
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { lastBackend, wasmSupported } from "../../src/index.js";
import { rows2Exact } from "../../src/kernels/wasm/slices.js";
import { ALL, diffs, type Fn, runFn as run } from "./helpers.js";
import { logits, ran, referenceRow, VARIANT, WASM } from "./reference.js";

beforeAll(() => {
  expect(wasmSupported()).toBe(true);
});
afterEach(() => {
  rows2Exact.on = true;
});

const I = Number.POSITIVE_INFINITY;

/** Rows of 2 of several kinds: 4·N(0,1), wide gaps (up to 200), large shifts, ties, ±0, -Infinity entries. */
function mixedRows(rows: number, seed: number): Float32Array {
  const x = logits(rows * 2, seed);
  for (let r = 0; r < rows; r++) {
    const kind = r % 8;
    if (kind === 1) x[2 * r + 1] = Math.fround((x[2 * r] as number) - 200 * Math.abs(x[2 * r + 1] as number));
    if (kind === 2) x[2 * r] = Math.fround((x[2 * r] as number) + 3000);
    if (kind === 3) x[2 * r + 1] = x[2 * r] as number;
    if (kind === 4) x[2 * r + (r & 1)] = -I;
    if (kind === 5) {
      x[2 * r] = 0;
      x[2 * r + 1] = -0;
    }
    if (kind === 6) x[2 * r + 1] = Math.fround((x[2 * r] as number) * 1e-7);
  }
  return x;
}

/** The next float32 above (dir 1) or below (dir -1) a positive float32 v. */
function step(v: number, dir: 1 | -1): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer);
  u[0] = (u[0] as number) + dir;
  return f[0] as number;
}

/**
 * Rows [0, b] with a result within 2^-46 of a float32 rounding boundary, found by a search over consecutive float32 b
 * with Math.exp / Math.log1p (about one row per 2^21 candidates, seconds each: too slow for every run). The test does not
 * trust the list: it measures each row's distance in 40-digit decimal.js.
 */
const NEAR: Record<Fn, number[]> = {
  softmax: [-2.676283359527588, -2.735440731048584, -3.0136024951934814, -3.4683074951171875, -3.49609637260437, -3.5932509899139404],
  logSoftmax: [-3.2947256565093994, -3.7050058841705322, -3.935487747192383, -5.124088287353516, -5.318310260772705, -5.7042317390441895],
  logSumExp: [-1.609194040298462, -1.6238802671432495, -2.0372209548950195, -5.318310260772705, -5.7042317390441895, -7.199004173278809],
};

const D = Decimal.clone({ precision: 40 });

/** The smallest relative distance of the row [0, b]'s results (40 digits) from a float32 rounding boundary. */
function nearestBoundary(fn: Fn, b: number): number {
  const e = new D(b).exp();
  const L = e.plus(1).ln();
  const values = fn === "softmax" ? [new D(1).div(e.plus(1)), e.div(e.plus(1))] : fn === "logSoftmax" ? [L, L.minus(b)] : [L];
  return Math.min(
    ...values.map((q) => {
      const f = Math.fround(q.toNumber());
      const mid = new D(f).plus(q.gte(f) ? step(f, 1) : step(f, -1)).div(2);
      return q.minus(mid).abs().div(q).toNumber();
    }),
  );
}

describe(`exact rows of 2 (${VARIANT})`, () => {
  it("the JavaScript kernel's bits and the across-slices route's bits, every function, rows not a multiple of 4, several chunks", () => {
    for (const rows of [1, 3, 4, 5, 4097, 20003]) {
      const x = mixedRows(rows, rows);
      for (const fn of ALL) {
        const js = run(fn, x, [rows, 2], {}, "js");
        const before = rows2Exact.rows;
        const y = run(fn, x, [rows, 2], {}, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        expect(rows2Exact.rows - before, `${fn} ${rows} rows through rows2_exact`).toBe(rows);
        expect(diffs(js, y), `${fn} ${rows} rows`).toEqual([]);
        rows2Exact.on = false;
        const across = run(fn, x, [rows, 2], {}, WASM);
        rows2Exact.on = true;
        expect(diffs(across, y), `${fn} ${rows} rows: across-slices route`).toEqual([]);
      }
    }
  });

  it("correctly rounded against 40-digit decimal.js (as numbers: the sign of a zero follows the JS kernel, above)", () => {
    // a log-probability of -e^-2992 is -0 in decimal.js and +0 in the JS kernel (log1p(e^-2992) is 0 in float64)
    const rows = 3000;
    const x = mixedRows(rows, 11);
    for (const fn of ALL) {
      const y = run(fn, x, [rows, 2], {}, WASM);
      for (let r = 0; r < rows; r++) {
        const ref = referenceRow(x.subarray(2 * r, 2 * r + 2));
        const want = fn === "logSumExp" ? [ref.logSumExp] : ref[fn];
        const got = fn === "logSumExp" ? [y[r]] : [y[2 * r], y[2 * r + 1]];
        want.forEach((v, i) => {
          expect(got[i] === Math.fround(v), `${fn} row ${r} [${x[2 * r]}, ${x[2 * r + 1]}]`).toBe(true);
        });
      }
    }
  });

  it("special rows (NaN, +Infinity, all -Infinity, one -Infinity, huge, tiny results) give the JavaScript kernel's bits", () => {
    const rows: [number, number][] = [
      [Number.NaN, 1],
      [2, Number.NaN],
      [I, 1],
      [I, I],
      [-I, -I],
      [-I, 3],
      [3, -I],
      [3e38, -3e38],
      [-3e38, 3e38],
      [0, -90], // softmax: a subnormal probability (flagged); log-softmax: -L tiny (flagged)
      [0, -103.9],
      [0, -104.1], // softmax: below 2^-151, rounds to +0 in WASM
      [0, -800],
      [1e-45, -1e-45],
      [-0, 0],
      [88.7, -88.7],
    ];
    const x = Float32Array.from(rows.flat());
    for (const fn of ALL) {
      for (const onFullyMasked of ["zeros", "nan"]) {
        const js = run(fn, x, [rows.length, 2], { onFullyMasked }, "js");
        const y = run(fn, x, [rows.length, 2], { onFullyMasked }, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        expect(diffs(js, y), `${fn} ${onFullyMasked}`).toEqual([]);
      }
    }
  });

  for (const fn of ALL) {
    it(`${fn}: rows within 2^-45 of a float32 rounding boundary are left to the JavaScript kernel (flagged), same bits`, () => {
      for (const b of NEAR[fn]) expect(nearestBoundary(fn, b), `[0, ${b}]`).toBeLessThan(2 ** -46);
      const x = Float32Array.from(NEAR[fn].flatMap((b) => [0, b]));
      const n = x.length / 2;
      const js = run(fn, x, [n, 2], {}, "js");
      const before = rows2Exact.flagged;
      const y = run(fn, x, [n, 2], {}, WASM);
      expect(lastBackend()).toBe(ran("exact"));
      expect(rows2Exact.flagged - before, "every constructed row flagged").toBe(n);
      expect(diffs(js, y)).toEqual([]);
    });
  }

  it("property: any float32 pairs (NaN, ±Infinity, ±0, subnormals, huge) give the JavaScript kernel's bits", () => {
    const f = fc.float({ noDefaultInfinity: false, noNaN: false });
    fc.assert(
      fc.property(fc.array(fc.tuple(f, f), { minLength: 1, maxLength: 40 }), fc.constantFrom(...ALL), (pairs, fn) => {
        const x = Float32Array.from(pairs.flat());
        const js = run(fn, x, [pairs.length, 2], {}, "js");
        const y = run(fn, x, [pairs.length, 2], {}, WASM);
        expect(diffs(js, y)).toEqual([]);
      }),
      { numRuns: 300, seed: 2611 },
    );
  });
});
