/**
 * Exact rows of 2, 3 and 4 (`rows_exact`, slices.ts acrossRows): softmax, logSoftmax and logSumExp of four rows per
 * iteration in float64 lanes, rows it cannot round for sure left to the JavaScript kernel. Checked against the JS
 * kernel's bits (correctly rounded), 40-digit decimal.js, the across-slices route it replaced, special rows, and rows
 * built next to a float32 rounding boundary, which must be flagged.
 */
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { lastBackend, wasmSupported } from "../../src/index.js";
import { rowsExact } from "../../src/kernels/wasm/slices.js";
import { ALL, diffs, type Fn, runFn as run } from "./helpers.js";
import { logits, ran, referenceRow, VARIANT, WASM } from "./reference.js";

beforeAll(() => {
  expect(wasmSupported()).toBe(true);
});
afterEach(() => {
  rowsExact.on = true;
});

const I = Number.POSITIVE_INFINITY;

/** Rows of n of several kinds: 4·N(0,1), wide gaps (up to 200), large shifts, ties, ±0, -Infinity entries. */
function mixedRows(rows: number, n: number, seed: number): Float32Array {
  const x = logits(rows * n, seed);
  for (let r = 0; r < rows; r++) {
    const a = r * n;
    const b = a + 1 + (r % (n - 1));
    const kind = r % 8;
    if (kind === 1) x[b] = Math.fround((x[a] as number) - 200 * Math.abs(x[b] as number));
    if (kind === 2) x[a] = Math.fround((x[a] as number) + 3000);
    if (kind === 3) x[b] = x[a] as number;
    if (kind === 4) x[r & 1 ? b : a] = -I;
    if (kind === 5) {
      x.fill(0, a, a + n);
      x[b] = -0;
    }
    if (kind === 6) x[b] = Math.fround((x[a] as number) * 1e-7);
  }
  return x;
}

const NS = [2, 3, 4];

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

describe(`exact rows of 2, 3 and 4 (${VARIANT})`, () => {
  it("the JavaScript kernel's bits and the across-slices route's bits, every function, rows not a multiple of 4, several chunks", () => {
    for (const n of NS) {
      for (const rows of [1, 3, 4, 5, 2049, 20003]) {
        const x = mixedRows(rows, n, rows + n);
        for (const fn of ALL) {
          const label = `${fn} ${rows}×${n}`;
          const js = run(fn, x, [rows, n], {}, "js");
          const before = rowsExact.rows;
          const y = run(fn, x, [rows, n], {}, WASM);
          expect(lastBackend()).toBe(ran("exact"));
          expect(rowsExact.rows - before, `${label} through rows_exact`).toBe(rows);
          expect(diffs(js, y), label).toEqual([]);
          rowsExact.on = false;
          const across = run(fn, x, [rows, n], {}, WASM);
          rowsExact.on = true;
          expect(diffs(across, y), `${label}: across-slices route`).toEqual([]);
        }
      }
    }
  });

  it("fast logSumExp of rows of 2 and 3 runs rows_exact too: the JavaScript kernel's bits; rows of 4 keep the fast kernel", () => {
    for (const n of NS) {
      const rows = 3001;
      const x = mixedRows(rows, n, 40 + n);
      const js = run("logSumExp", x, [rows, n], {}, "js");
      const before = rowsExact.rows;
      const y = run("logSumExp", x, [rows, n], { precision: "fast" }, WASM);
      expect(lastBackend()).toBe(ran("fast"));
      expect(rowsExact.rows - before, `n = ${n}`).toBe(n <= 3 ? rows : 0);
      if (n <= 3) expect(diffs(js, y), `n = ${n}`).toEqual([]);
    }
  });

  it("correctly rounded against 40-digit decimal.js (as numbers: the sign of a zero follows the JS kernel, above)", () => {
    // a log-probability of -e^-2992 is -0 in decimal.js and +0 in the JS kernel (log1p(e^-2992) is 0 in float64)
    const rows = 1000;
    for (const n of NS) {
      const x = mixedRows(rows, n, 11 + n);
      for (const fn of ALL) {
        const y = run(fn, x, [rows, n], {}, WASM);
        for (let r = 0; r < rows; r++) {
          const row = x.subarray(n * r, n * r + n);
          const ref = referenceRow(row);
          const want = fn === "logSumExp" ? [ref.logSumExp] : ref[fn];
          const got = fn === "logSumExp" ? [y[r]] : Array.from(y.subarray(n * r, n * r + n));
          want.forEach((v, i) => {
            expect(got[i] === Math.fround(v), `${fn} row ${r} [${Array.from(row).join(", ")}]`).toBe(true);
          });
        }
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
    for (const n of NS) {
      // rows of 3 and 4: the pair, then -Infinity or a copy of its first entry
      const x = Float32Array.from(rows.flatMap(([a, b], r) => [a, b, ...Array.from({ length: n - 2 }, () => (r % 2 ? -I : a))]));
      for (const fn of ALL) {
        for (const onFullyMasked of ["zeros", "nan"]) {
          const js = run(fn, x, [rows.length, n], { onFullyMasked }, "js");
          const y = run(fn, x, [rows.length, n], { onFullyMasked }, WASM);
          expect(lastBackend()).toBe(ran("exact"));
          expect(diffs(js, y), `${fn} n = ${n} ${onFullyMasked}`).toEqual([]);
        }
      }
    }
  });

  for (const fn of ALL) {
    it(`${fn}: rows within 2^-45 of a float32 rounding boundary are left to the JavaScript kernel (flagged), same bits`, () => {
      for (const b of NEAR[fn]) expect(nearestBoundary(fn, b), `[0, ${b}]`).toBeLessThan(2 ** -46);
      for (const n of NS) {
        // rows of 3 and 4: [0, b] and entries of -1000, whose terms are exactly 0 (the same results)
        const x = Float32Array.from(NEAR[fn].flatMap((b) => [0, b, ...Array.from({ length: n - 2 }, () => -1000)]));
        const rows = x.length / n;
        const js = run(fn, x, [rows, n], {}, "js");
        const before = rowsExact.flagged;
        const y = run(fn, x, [rows, n], {}, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        expect(rowsExact.flagged - before, `n = ${n}: every constructed row flagged`).toBe(rows);
        expect(diffs(js, y)).toEqual([]);
      }
    });
  }

  it("property: any float32 rows of 2 to 4 (NaN, ±Infinity, ±0, subnormals, huge) give the JavaScript kernel's bits", () => {
    const f = fc.float({ noDefaultInfinity: false, noNaN: false });
    fc.assert(
      fc.property(
        fc.constantFrom(...NS).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.array(f, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 40 }))),
        fc.constantFrom(...ALL),
        ([n, rows], fn) => {
          const x = Float32Array.from(rows.flat());
          const js = run(fn, x, [rows.length, n], {}, "js");
          const y = run(fn, x, [rows.length, n], {}, WASM);
          expect(diffs(js, y)).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 2611 },
    );
  });
});
