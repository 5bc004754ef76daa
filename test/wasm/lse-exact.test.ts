/**
 * Exact log-sum-exp through stats_lse_exact (scripts/wasm-kernels.mjs, statsLseFunc; slices.ts, lseRows): a cheaper
 * float64 value with an a-priori error bound, kept where the bound cannot move it across a float32 rounding boundary,
 * else the row is computed again by stats_exact. Checked against 64-digit decimal.js (reference/decimal.mjs): the bound
 * itself on rows of many lengths and scales, outputs correctly rounded and the JavaScript kernel's bits, rows built to
 * lie within 2^-40 of a float32 midpoint (the fallback must run, counted by lseCheap.fallbacks), special rows
 * bit-identical to the JavaScript kernel, and a fast-check property. One long row split across worker threads runs
 * stats_lse_exact on every chunk and checks the merged value's bound (threads.ts runThreaded, slices.ts lseMergedBound),
 * else runs stats_exact on every chunk again: the same checks there.
 */
import type { Decimal } from "decimal.js";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { D, log1p as decimalLog1p, exact } from "../../reference/decimal.mjs";
import { createWasmArena, lastBackend, logSumExp, setBackend, setThreads, THREAD_MIN_ELEMENTS, threads, wasmSupported } from "../../src/index.js";
import { ensureMemory, type WasmInstance, wasmInstance } from "../../src/kernels/wasm/runtime.js";
import { acrossSlices, lseCheap, lseErrorBound } from "../../src/kernels/wasm/slices.js";
import { threadTesting } from "../../src/kernels/wasm/threads.js";
import { logits, ran, VARIANT, WASM } from "./reference.js";

const I = Number.POSITIVE_INFINITY;

/** Exact log-sum-exp of a [rows, n] float32 tensor with a forced backend (optional mask); the flat result. */
function lse(x: Float32Array, rows: number, n: number, backend: "js" | typeof WASM, where?: Uint8Array): Float32Array {
  setBackend(backend);
  const o = where ? { precision: "exact" as const, where: { data: where, shape: [rows, n] } } : { precision: "exact" as const };
  return (logSumExp({ data: x, shape: [rows, n] }, o) as { data: Float32Array }).data;
}

function instance(): WasmInstance {
  const w = wasmInstance(VARIANT);
  if (w === null) throw new Error(`no WebAssembly ${VARIANT} module here`);
  return w;
}

const u32 = new Uint32Array(1);
const f32 = new Float32Array(u32.buffer);
/** The next float32 above v (finite v). */
function up32(v: number): number {
  if (v === 0) return 2 ** -149;
  f32[0] = v;
  u32[0] = v > 0 ? (u32[0] as number) + 1 : (u32[0] as number) - 1;
  return f32[0] as number;
}
/** The next float32 below v (finite v). */
function down32(v: number): number {
  return -up32(-v);
}

/** log-sum-exp of a finite row in 64-digit decimal (entries counted by value: long rows of few distinct values are cheap). */
function lseDecimal(x: ArrayLike<number>): Decimal {
  const counts = new Map<number, number>();
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v !== Number.NEGATIVE_INFINITY) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const m = Math.max(...counts.keys());
  const M = exact(m);
  let r = new D(-1);
  for (const [v, c] of counts) r = r.plus(v === m ? new D(c) : exact(v).minus(M).exp().times(c));
  return M.plus(decimalLog1p(r));
}

/** The float32 nearest to y (a Decimal), checked against both neighbours. */
function round32(y: Decimal): number {
  let f = Math.fround(y.toNumber());
  for (const g of [up32(f), down32(f)]) if (exact(g).minus(y).abs().lt(exact(f).minus(y).abs())) f = g;
  return f;
}

/** The largest float32 f with f ≤ y. */
function floor32(y: Decimal): number {
  let f = Math.fround(y.toNumber());
  while (exact(f).gt(y)) f = down32(f);
  while (exact(up32(f)).lte(y)) f = up32(f);
  return f;
}

/**
 * `base` followed by two tuned entries so that the row's exact log-sum-exp is off (|off| ≤ 2^-41) away from a float32
 * rounding midpoint q (the first midpoint at least 2^-30 above base's value): a coarse entry adds most of e^{q + off} -
 * S_base, rounded down to a float32, and a fine one most of the rest (at most 2^-50 relative is left). Returns the row,
 * its 64-digit value and the midpoint.
 */
function nearMidpoint(base: Float32Array, off: number): { row: Float32Array; value: Decimal; q: Decimal } {
  const lb = lseDecimal(base);
  let f = round32(lb);
  let q = exact(f)
    .plus(exact(up32(f)))
    .div(2);
  while (q.lte(lb.plus(2 ** -30))) {
    f = up32(f);
    q = exact(f)
      .plus(exact(up32(f)))
      .div(2);
  }
  const m = base.reduce((a, v) => Math.max(a, v), Number.NEGATIVE_INFINITY);
  const M = exact(m);
  const sb = lb.minus(M).exp();
  const x = q.plus(off).minus(M).exp().minus(sb);
  const coarse = floor32(M.plus(x.ln()));
  const rest = x.minus(exact(coarse).minus(M).exp());
  const fine = rest.gt(new D(-600).exp()) ? floor32(M.plus(rest.ln())) : Number.NEGATIVE_INFINITY;
  const row = new Float32Array(base.length + 2);
  row.set(base);
  row[base.length] = coarse;
  row[base.length + 1] = fine;
  const value = lseDecimal(row);
  return { row, value, q };
}

/** A row of n 4·N(0,1) logits shifted by `shift`; long rows (n > 4096) drawn from 61 such values (cheap references). */
function baseRow(n: number, seed: number, shift: number, scale = 4): Float32Array {
  const src = logits(Math.min(n, n > 4096 ? 61 : n), seed, scale);
  return Float32Array.from({ length: n }, (_, i) => (src[i % src.length] as number) + shift);
}

/**
 * `rows` rows of n logits (row r: seed seed0 + r, shifted by shift0 + r); every third row built 2^-45 from a float32
 * midpoint (so the cheap kernel's check must fall back), the others padded with -1000; with their 64-digit values.
 */
function midpointBatch(rows: number, n: number, seed0: number, shift0: number): { x: Float32Array; values: Decimal[] } {
  const x = new Float32Array(rows * n);
  const values: Decimal[] = [];
  for (let r = 0; r < rows; r++) {
    const base = baseRow(n - 2, seed0 + r, shift0 + r);
    const row =
      r % 3 === 0 ? nearMidpoint(base, (r % 2 ? 1 : -1) * 2 ** -45).row : Float32Array.from({ length: n }, (_, i) => (i < n - 2 ? (base[i] as number) : -1e3));
    x.set(row, r * n);
    values.push(lseDecimal(row));
  }
  return { x, values };
}

beforeAll(() => {
  expect(wasmSupported()).toBe(true);
  instance();
});
afterEach(() => {
  setBackend("auto");
  acrossSlices.on = true;
  lseCheap.on = true;
});

describe(`exact log-sum-exp through stats_lse_exact (${VARIANT})`, () => {
  it("the a-priori bound holds: |m + log1p(r) - y| ≤ lseErrorBound on rows of many lengths and scales", () => {
    const w = instance();
    let worst = 0;
    let rowsChecked = 0;
    for (const n of [1, 2, 3, 7, 8, 15, 16, 17, 33, 49, 64, 100, 1000, 4097, 65_537, 1_000_000]) {
      for (const [scale, shift] of [
        [4, 0],
        [0.01, 3],
        [1, -5],
        [40, 100],
        [4, 1300],
        [4, -680],
        [1e-6, 0.5],
      ] as const) {
        const x = baseRow(n, n + 7 * scale, shift, scale);
        // a dominant maximum in some rows: r tiny, S near 1
        if (scale === 1) x[n >> 1] = shift + 60;
        expect(ensureMemory(w, 64 + n * 4)).toBe(true);
        w.f32.set(x, 16);
        expect(w.k.stats_lse_exact(64, 0, 1, n)).toBe(0);
        const r = w.f64[1] as number;
        expect(Number.isNaN(r)).toBe(false);
        const l = Math.log1p(r + (w.f64[2] as number));
        const v = (w.f64[0] as number) + l;
        const err = exact(v).minus(lseDecimal(x)).abs().toNumber();
        const bound = lseErrorBound(n, l, v);
        expect(err, `n ${n} scale ${scale} shift ${shift}`).toBeLessThanOrEqual(bound);
        worst = Math.max(worst, err / bound);
        rowsChecked++;
      }
    }
    expect(rowsChecked).toBe(16 * 7);
    // the bound is a-priori (worst-case roundings): far above the errors seen
    expect(worst).toBeLessThan(0.5);
  });

  it("rows whose maximum is outside the direct loop's range get r = NaN (recomputed by stats_exact)", () => {
    const w = instance();
    for (const shift of [1500, -760, 1e30, -1e30]) {
      const x = baseRow(100, 3, shift);
      w.f32.set(x, 16);
      expect(w.k.stats_lse_exact(64, 0, 1, 100)).toBe(0);
      expect(Number.isNaN(w.f64[1] as number), `shift ${shift}`).toBe(true);
    }
  });

  it("rows of many lengths, scales and offsets: correctly rounded against decimal.js, the JS kernel's bits", () => {
    for (const across of [true, false]) {
      acrossSlices.on = across;
      for (const n of [1, 2, 5, 16, 31, 48, 49, 50, 63, 64, 65, 127, 129, 1000, 4097, 32_773]) {
        if (across && n <= 48) continue; // the across-slices kernels (stats_cols_exact): exact-rows / across-exact tests
        const shifts = [0, -5, 3e-3, 700, 1400, -690, -800, 1e30, -3e37];
        const rows = shifts.length + 2;
        const x = new Float32Array(rows * n);
        for (const [r, s] of shifts.entries()) x.set(baseRow(n, 11 * n + r, s, r % 3 === 0 ? 0.1 : 4), r * n);
        // a row whose r is tiny (one dominant entry) and one of equal entries (S = n)
        x.set(baseRow(n, 5, -40), shifts.length * n);
        x[shifts.length * n + (n >> 2)] = 2;
        x.fill(-1.25, (shifts.length + 1) * n);
        const before = lseCheap.fallbacks;
        const got = lse(x, rows, n, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        const viaRows = !(across && n <= 48);
        // rows of K out of range (1400: K = 2020; -800; ±huge) go to stats_exact
        if (viaRows) expect(lseCheap.fallbacks - before).toBeGreaterThanOrEqual(4);
        const js = lse(x, rows, n, "js");
        for (let r = 0; r < rows; r++) {
          expect(Object.is(got[r], js[r]), `n ${n} row ${r}: ${got[r]} vs JS ${js[r]}`).toBe(true);
          expect(got[r], `n ${n} row ${r}`).toBe(round32(lseDecimal(x.subarray(r * n, (r + 1) * n))));
        }
      }
    }
  });

  it("rows within 2^-40 of a float32 midpoint: the fallback runs, correctly rounded, the JS kernel's bits", () => {
    let built = 0;
    for (const n of [49, 64, 65, 100, 257, 1000, 4099, 100_003, 1_000_000]) {
      for (const [shift, off] of [
        [0, 2 ** -44],
        [0, -(2 ** -44)],
        [-3, 2 ** -41],
        [50, -(2 ** -42)],
        [200, 2 ** -42],
      ] as const) {
        const { row, value, q } = nearMidpoint(baseRow(n - 2, n + shift, shift), off);
        const dist = value.minus(q).abs();
        expect(dist.gt(0) && dist.lte(2 ** -40), `n ${n} shift ${shift}: ${dist}`).toBe(true);
        const before = lseCheap.fallbacks;
        const got = lse(row, 1, n, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        expect(lseCheap.fallbacks - before, `n ${n} shift ${shift}`).toBe(1);
        const js = lse(row, 1, n, "js");
        expect(Object.is(got[0], js[0]), `n ${n} shift ${shift}: ${got[0]} vs JS ${js[0]}`).toBe(true);
        expect(got[0]).toBe(round32(value));
        // the side of the midpoint decides the rounding
        expect(exact(got[0] as number).gt(q)).toBe(value.gt(q));
        built++;
      }
    }
    expect(built).toBe(45);
  });

  it("several rows per call (and the arena's route): only the rows near a midpoint fall back", async () => {
    const n = 300;
    const rows = 12;
    const { x, values } = midpointBatch(rows, n, 100, -6);
    const before = lseCheap.fallbacks;
    const got = lse(x, rows, n, WASM);
    const fallbacks = lseCheap.fallbacks - before;
    expect(fallbacks).toBeGreaterThanOrEqual(4);
    expect(fallbacks).toBeLessThanOrEqual(5);
    const js = lse(x, rows, n, "js");
    for (let r = 0; r < rows; r++) {
      expect(Object.is(got[r], js[r]), `row ${r}`).toBe(true);
      expect(got[r]).toBe(round32(values[r] as Decimal));
    }
    // the arena path (zero-copy input) runs the same rows through kernelRows: the same bits, the same fallbacks
    const arena = await createWasmArena({ bytes: 1 << 20 });
    const ax = arena.float32(rows * n);
    ax.set(x);
    setBackend(WASM);
    const a0 = lseCheap.fallbacks;
    const viaArena = (logSumExp({ data: ax, shape: [rows, n] }, { precision: "exact" }) as { data: Float32Array }).data;
    expect(lastBackend()).toBe(ran("exact"));
    expect(lseCheap.fallbacks - a0).toBe(fallbacks);
    for (let r = 0; r < rows; r++) expect(Object.is(viaArena[r], got[r]), `arena row ${r}`).toBe(true);
    arena.dispose();
  });

  it("worker threads (setThreads(2)) run the same check: rows near a midpoint correctly rounded, the JS kernel's bits", async () => {
    const n = 8192;
    const rows = 40;
    const { x, values } = midpointBatch(rows, n, 300, -20);
    expect(rows * n).toBeGreaterThanOrEqual(THREAD_MIN_ELEMENTS);
    expect(await setThreads(2)).toBe(2);
    try {
      const got = lse(x, rows, n, WASM);
      expect(lastBackend()).toBe(`${ran("exact")}×2`);
      const js = lse(x, rows, n, "js");
      for (let r = 0; r < rows; r++) {
        expect(Object.is(got[r], js[r]), `row ${r}`).toBe(true);
        expect(got[r], `row ${r}`).toBe(round32(values[r] as Decimal));
      }
    } finally {
      await setThreads(1);
    }
  });

  it("|y| tiny (m near -log S), subnormal and zero results: the fallback, the JS kernel's bits", () => {
    for (const n of [64, 200, 1500]) {
      for (let seed = 0; seed < 6; seed++) {
        // offsets d ≤ 0 on a grid of 2^-10, m = -ln S on a grid of 2^-18 (every m + d exact): |y| = |m + ln S| ≤ 2^-19
        const src = logits(n, 900 + seed, 2);
        const d = Float32Array.from(src, (v) => -Math.round(Math.abs(v) * 1024) / 1024);
        d[seed % n] = 0;
        const s = lseDecimal(d);
        const m = Math.round(-s.toNumber() * 2 ** 18) / 2 ** 18;
        const row = Float32Array.from(d, (v) => m + v);
        expect(Array.from(row).every((v, i) => v - m === d[i])).toBe(true);
        const value = lseDecimal(row);
        expect(value.abs().lte(2 ** -19)).toBe(true);
        const before = lseCheap.fallbacks;
        const got = lse(row, 1, n, WASM);
        expect(lseCheap.fallbacks - before, `n ${n} seed ${seed}`).toBe(1);
        const js = lse(row, 1, n, "js");
        expect(Object.is(got[0], js[0]), `n ${n} seed ${seed}: ${got[0]} vs ${js[0]}`).toBe(true);
        expect(got[0]).toBe(round32(value));
      }
    }
    // entries far below a zero maximum: the result rounds to +0 (JS keeps the tiny terms; stats_exact leaves the row to it)
    for (const m of [0, -0, 1e-40, -1e-40, 1e-45]) {
      const row = new Float32Array(100).fill(-800);
      row[37] = m;
      row[50] = -745;
      const got = lse(row, 1, 100, WASM);
      const js = lse(row, 1, 100, "js");
      expect(Object.is(got[0], js[0]), `m ${m}: ${got[0]} vs ${js[0]}`).toBe(true);
    }
  });

  it("special rows (NaN, ±Infinity, all -Infinity, masks, huge, tiny, subnormal): the JS kernel's bits", () => {
    const n = 67;
    const make = (f: (row: Float32Array) => void): Float32Array => {
      const row = baseRow(n, 17, 0);
      f(row);
      return row;
    };
    const specials = [
      make((r) => {
        r[5] = Number.NaN;
      }),
      make((r) => {
        r[66] = I;
      }),
      make((r) => {
        r[0] = -I;
        r[40] = -I;
      }),
      make((r) => r.fill(-I)),
      make((r) => r.fill(3.4e38)),
      make((r) => {
        r[3] = 3.4028234663852886e38;
      }),
      make((r) => r.fill(-3.4e38)),
      make((r) => r.fill(1e-45)),
      make((r) => {
        for (let i = 0; i < n; i++) r[i] = (i % 7) * 1e-39 - 2e-39;
      }),
      make((r) => r.fill(0)),
      make((r) => {
        r.fill(-0);
        r[9] = -1e-30;
      }),
      make((r) => {
        for (let i = 0; i < n; i++) r[i] = i % 2 ? 88.7 : -103.9;
      }),
    ];
    const rows = specials.length;
    const x = new Float32Array(rows * n);
    for (const [i, r] of specials.entries()) x.set(r, i * n);
    const got = lse(x, rows, n, WASM);
    const js = lse(x, rows, n, "js");
    for (let r = 0; r < rows; r++) expect(Object.is(got[r], js[r]), `row ${r}: ${got[r]} vs JS ${js[r]}`).toBe(true);
    // masks: some entries, the maximum, every entry of a row masked
    const where = new Uint8Array(rows * n).fill(1);
    for (let r = 0; r < rows; r++) where[r * n + ((r * 13) % n)] = 0;
    where.fill(0, 2 * n, 3 * n);
    const gotM = lse(x, rows, n, WASM, where);
    const jsM = lse(x, rows, n, "js", where);
    for (let r = 0; r < rows; r++) expect(Object.is(gotM[r], jsM[r]), `masked row ${r}: ${gotM[r]} vs JS ${jsM[r]}`).toBe(true);
  });

  it("property: any float32 rows, and rows tuned near a midpoint: the JS kernel's bits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 49, max: 300 }), fc.integer({ min: 1, max: 3 }), fc.float32Array({ minLength: 900, maxLength: 900 }), (n, rows, data) => {
        const x = data.subarray(0, n * rows);
        const got = lse(x, rows, n, WASM);
        const js = lse(x, rows, n, "js");
        for (let r = 0; r < rows; r++) if (!Object.is(got[r], js[r])) return false;
        return true;
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 49, max: 400 }), fc.integer({ min: 0, max: 1000 }), fc.double({ min: -100, max: 100, noNaN: true }), (n, seed, shift) => {
        const { row, value } = nearMidpoint(baseRow(n - 2, seed, Math.fround(shift)), seed % 2 ? 2 ** -42 : -(2 ** -42));
        const before = lseCheap.fallbacks;
        const got = lse(row, 1, n, WASM);
        const js = lse(row, 1, n, "js");
        return lseCheap.fallbacks - before === 1 && Object.is(got[0], js[0]) && got[0] === round32(value);
      }),
      { numRuns: 25 },
    );
  });

  it("the same bits as the stats_exact route (lseCheap off) on 4·N(0,1) rows, few fallbacks", () => {
    const shapes: [number, number][] = [
      [1, 1000],
      [64, 3200],
      [300, 128],
    ];
    for (const [rows, n] of shapes) {
      const x = logits(rows * n, rows + n, 4);
      const before = lseCheap.fallbacks;
      const got = lse(x, rows, n, WASM);
      expect(lseCheap.fallbacks - before).toBeLessThanOrEqual(1);
      lseCheap.on = false;
      const old = lse(x, rows, n, WASM);
      lseCheap.on = true;
      for (let r = 0; r < rows; r++) expect(Object.is(got[r], old[r]), `${rows}×${n} row ${r}`).toBe(true);
    }
  });
});

describe(`exact log-sum-exp of one long row across 2 threads through stats_lse_exact (${VARIANT})`, () => {
  /** One row's exact log-sum-exp with 2 threads (×2 checked); threadTesting.lse reset first (NaN: not through the check). */
  function lse2(row: Float32Array, where?: Uint8Array, T = 2): number {
    threadTesting.lse.value = Number.NaN;
    threadTesting.lse.bound = Number.NaN;
    const y = lse(row, 1, row.length, WASM, where)[0] as number;
    expect(lastBackend()).toBe(`${ran("exact")}×${T}`);
    return y;
  }
  function js(row: Float32Array, where?: Uint8Array): number {
    return lse(row, 1, row.length, "js", where)[0] as number;
  }
  beforeAll(async () => {
    expect(await setThreads(2)).toBe(2);
  });
  afterAll(async () => {
    await setThreads(1);
  });

  it("rows of many lengths, scales and spreads: the merged bound holds, correctly rounded, the JS kernel's bits", () => {
    let worst = 0;
    let checked = 0;
    for (const n of [THREAD_MIN_ELEMENTS, 300_001, 1_000_000, 2 ** 22]) {
      for (const [scale, shift, kind] of [
        [4, 0, ""],
        [4, -14, ""],
        [0.01, 3, ""],
        [1, -5, "dominant"],
        [40, 100, ""],
        [4, -680, ""],
        [4, 0, "spread"],
        [4, 0, "far"],
      ] as const) {
        if (n === 2 ** 22 && kind !== "") continue;
        const row = baseRow(n, n + 31 * scale + shift, shift, scale);
        // a dominant maximum (r tiny); the first chunk 30 below the second (|m_c - M| = 30 in the bound); the first chunk
        // 800 below (its e^{m_c - M} is 0)
        if (kind === "dominant") row[n >> 2] = shift + 60;
        if (kind === "spread" || kind === "far") for (let i = 0; i < n >> 1; i++) row[i] = (row[i] as number) - (kind === "far" ? 800 : 30);
        const before = lseCheap.fallbacks;
        const got = lse2(row);
        expect(lseCheap.fallbacks - before, `n ${n} scale ${scale} shift ${shift} ${kind}`).toBe(0);
        const value = lseDecimal(row);
        const err = exact(threadTesting.lse.value).minus(value).abs().toNumber();
        expect(err, `n ${n} scale ${scale} shift ${shift} ${kind}`).toBeLessThanOrEqual(threadTesting.lse.bound);
        worst = Math.max(worst, err / threadTesting.lse.bound);
        expect(Object.is(got, js(row)), `n ${n} scale ${scale} shift ${shift} ${kind}`).toBe(true);
        expect(got).toBe(round32(value));
        checked++;
      }
    }
    expect(checked).toBe(3 * 8 + 5);
    expect(worst).toBeLessThan(0.5);
  });

  it("rows 2^-44 and 2^-46 from a float32 midpoint: the fallback runs (stats_exact on every chunk), and is needed", () => {
    let wrong = 0;
    let built = 0;
    for (const n of [300_001, 1_000_000]) {
      for (const [shift, scale] of [
        [0, 4],
        [-14, 4],
        [-5, 1],
      ] as const) {
        for (const off of [2 ** -44, -(2 ** -44), 2 ** -46, -(2 ** -46)]) {
          const { row, value, q } = nearMidpoint(baseRow(n - 2, n + shift, shift, scale), off);
          const before = lseCheap.fallbacks;
          const got = lse2(row);
          expect(lseCheap.fallbacks - before, `n ${n} shift ${shift} off ${off}`).toBe(1);
          // the cheaper value was within its bound, but on the wrong side of the midpoint in some rows
          expect(exact(threadTesting.lse.value).minus(value).abs().toNumber()).toBeLessThanOrEqual(threadTesting.lse.bound);
          if (Math.fround(threadTesting.lse.value) !== round32(value)) wrong++;
          expect(Object.is(got, js(row)), `n ${n} shift ${shift} off ${off}: ${got} vs JS`).toBe(true);
          expect(got).toBe(round32(value));
          expect(exact(got).gt(q)).toBe(value.gt(q));
          built++;
        }
      }
    }
    expect(built).toBe(24);
    // without the fallback these rows would have been rounded the wrong way (measured: errors of up to 2^-40 absolute)
    expect(wrong).toBeGreaterThanOrEqual(1);
  });

  it("3 and 4 threads (chunks at different maxima, one near a midpoint): the merged bound holds, the JS kernel's bits", async () => {
    try {
      for (const T of [3, 4]) {
        expect(await setThreads(T)).toBe(T);
        const n = 600_011;
        for (const kind of ["plain", "steps", "midpoint"]) {
          let row = baseRow(n, 60 + T, -3);
          // each chunk's entries 7·c lower than the last chunk's: a spread of 7·(T - 1) in the bound
          if (kind === "steps") row = row.map((v, i) => v - 7 * (T - 1 - Math.floor((i * T) / n)));
          if (kind === "midpoint") row = nearMidpoint(row.subarray(0, n - 2), 2 ** -44).row;
          const before = lseCheap.fallbacks;
          const got = lse2(row, undefined, T);
          expect(lseCheap.fallbacks - before, `${T} threads, ${kind}`).toBe(kind === "midpoint" ? 1 : 0);
          const value = lseDecimal(row);
          expect(exact(threadTesting.lse.value).minus(value).abs().toNumber()).toBeLessThanOrEqual(threadTesting.lse.bound);
          expect(Object.is(got, js(row)), `${T} threads, ${kind}`).toBe(true);
          expect(got).toBe(round32(value));
        }
      }
    } finally {
      expect(await setThreads(2)).toBe(2);
    }
  });

  it("a worker that throws in the fallback's pass: the call is redone on one thread with the JS kernel's bits", async () => {
    const { row, value } = nearMidpoint(baseRow(300_001 - 2, 5, 0), 2 ** -44);
    threadTesting.events.length = 0;
    // task 1: stats_lse_exact on its chunk; task 2: stats_exact on it again (the fallback)
    threadTesting.fault = { worker: 1, at: 2, kind: "throw" };
    try {
      const before = lseCheap.fallbacks;
      const got = lse(row, 1, row.length, WASM)[0] as number;
      expect(lastBackend()).toBe(ran("exact"));
      expect(threads()).toBe(1);
      expect(threadTesting.events).toContain("worker 1 threw");
      // the pool's check, then the one-thread redo's (slices.ts lseRows)
      expect(lseCheap.fallbacks - before).toBe(2);
      expect(Object.is(got, js(row))).toBe(true);
      expect(got).toBe(round32(value));
    } finally {
      threadTesting.fault = null;
      expect(await setThreads(2)).toBe(2);
    }
  });

  it("a chunk's maximum out of the direct loop's range, |y| tiny: the fallback; the JS kernel's bits", () => {
    const n = 400_003;
    const rows: Float32Array[] = [];
    // K out of range (r = NaN from stats_lse_exact) in both chunks, or in the first one only
    for (const shift of [1500, -800]) rows.push(baseRow(n, 7, shift));
    const mixed = baseRow(n, 8, 0);
    for (let i = 0; i < n >> 1; i++) mixed[i] = (mixed[i] as number) + 1500;
    rows.push(mixed);
    // |y| ≤ 2^-19: y = m + ln S with m = -ln S on a grid of 2^-18, offsets on a grid of 2^-10
    const d = Float32Array.from(baseRow(n, 9, 0, 2), (v) => -Math.round(Math.abs(v) * 1024) / 1024);
    d[12_345] = 0;
    const m = Math.round(-lseDecimal(d).toNumber() * 2 ** 18) / 2 ** 18;
    rows.push(Float32Array.from(d, (v) => m + v));
    for (const [i, row] of rows.entries()) {
      const before = lseCheap.fallbacks;
      const got = lse2(row);
      expect(lseCheap.fallbacks - before, `row ${i}`).toBe(1);
      expect(Object.is(got, js(row)), `row ${i}: ${got} vs JS`).toBe(true);
      expect(got, `row ${i}`).toBe(round32(lseDecimal(row)));
    }
  });

  it("special long rows (NaN, ±Infinity, all -Infinity, a chunk of -Infinity, masks, huge, subnormal): the JS kernel's bits", () => {
    const n = 300_001;
    const cases: [string, (r: Float32Array) => void][] = [
      ["NaN", (r) => void r.fill(Number.NaN, 200_000, 200_001)],
      ["+Infinity", (r) => void r.fill(I, 5, 6)],
      ["-Infinity entries", (r) => void r.fill(-I, 1000, 160_000)],
      ["all -Infinity", (r) => void r.fill(-I)],
      ["a chunk of -Infinity", (r) => void r.fill(-I, 0, 150_000)],
      ["huge", (r) => void r.fill(3.4e38, 7, 9)],
      ["-huge", (r) => void r.fill(-3.4e38)],
      [
        "subnormal",
        (r) => {
          for (let i = 0; i < r.length; i++) r[i] = ((i % 7) - 3) * 1e-39;
        },
      ],
      ["zeros", (r) => void r.fill(0)],
    ];
    for (const [name, f] of cases) {
      const row = baseRow(n, 21, 0);
      f(row);
      const got = lse(row, 1, n, WASM)[0] as number;
      expect(lastBackend()).toBe(`${ran("exact")}×2`);
      expect(Object.is(got, js(row)), `${name}: ${got} vs JS`).toBe(true);
    }
    // masks: some entries, the maximum, a whole chunk, every entry
    const row = baseRow(n, 22, 0);
    let at = 0;
    for (let i = 1; i < n; i++) if ((row[i] as number) > (row[at] as number)) at = i;
    for (const [name, mask] of [
      ["some", (i: number) => i % 5 !== 3],
      ["the maximum", (i: number) => i !== at],
      ["a chunk", (i: number) => i >= n >> 1],
      ["all", () => false],
    ] as const) {
      const where = Uint8Array.from({ length: n }, (_, i) => (mask(i) ? 1 : 0));
      const got = lse2(row, where);
      expect(Object.is(got, js(row, where)), `masked ${name}: ${got}`).toBe(true);
    }
  });

  it("property: long rows of any scale and shift, and tuned near a midpoint: the JS kernel's bits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: THREAD_MIN_ELEMENTS, max: 400_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0.01, max: 40, noNaN: true }),
        fc.double({ min: -300, max: 300, noNaN: true }),
        (n, seed, scale, shift) => {
          const row = baseRow(n, seed, Math.fround(shift), scale);
          return Object.is(lse2(row), js(row));
        },
      ),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: THREAD_MIN_ELEMENTS, max: 400_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        (n, seed, shift) => {
          const { row, value } = nearMidpoint(baseRow(n - 2, seed, Math.fround(shift)), seed % 2 ? 2 ** -43 : -(2 ** -43));
          const before = lseCheap.fallbacks;
          const got = lse2(row);
          return lseCheap.fallbacks - before === 1 && Object.is(got, js(row)) && got === round32(value);
        },
      ),
      { numRuns: 10 },
    );
  });

  it("the same bits as the stats_exact route (lseCheap off) on 4·N(0,1) rows, and on a batch of rows", () => {
    for (const n of [THREAD_MIN_ELEMENTS, 1_000_000]) {
      for (let seed = 0; seed < 4; seed++) {
        const row = logits(n, 40 + seed, 4);
        const got = lse2(row);
        lseCheap.on = false;
        const old = lse2(row);
        expect(Number.isNaN(threadTesting.lse.value)).toBe(true);
        lseCheap.on = true;
        expect(Object.is(got, old), `n ${n} seed ${seed}`).toBe(true);
      }
    }
    // rows shared between the threads (runTask, flag 1: stats_exact on every row) likewise
    const { x } = midpointBatch(40, 8192, 500, 2);
    const got = lse(x, 40, 8192, WASM);
    expect(lastBackend()).toBe(`${ran("exact")}×2`);
    lseCheap.on = false;
    const old = lse(x, 40, 8192, WASM);
    expect(lastBackend()).toBe(`${ran("exact")}×2`);
    lseCheap.on = true;
    for (let r = 0; r < 40; r++) expect(Object.is(got[r], old[r]), `row ${r}`).toBe(true);
  });
});
