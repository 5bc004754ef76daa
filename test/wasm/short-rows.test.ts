/**
 * Short rows along the last axis and the ends of rows: fast mode runs rows of n < 16 four per vector
 * (`softmax_rows_fast`, `stats_rows_fast` + `logsoftmax_rows_fast`: lanes gathered from four consecutive rows), exact
 * mode where `runsAcross(true, n)` says so (transposed in WASM, `*_cols_exact`), and the fast row kernels end every row
 * with a partial vector instead of scalar code. Checked against 40-digit decimal.js (fast ≤ 2.5 ulp), against the
 * JavaScript kernel (exact: its bits; special rows: its bits in both modes), with masks, with threads, in an arena whose
 * last view ends at the end of its memory, and with a fast-check property. Runs on both module variants (the
 * `wasm-relaxed` vitest project runs it again on relaxed SIMD).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { generateWat } from "../../scripts/wasm-kernels.mjs";
import { createWasmArena, lastBackend, setBackend, setThreads, THREAD_MIN_ELEMENTS } from "../../src/index.js";
import {
  acrossCount,
  OP_LOG_SOFTMAX,
  OP_LOG_SUM_EXP,
  OP_SOFTMAX,
  rowsAcross,
  rowsAcrossCount,
  rowsExact,
  runsAcross,
  runsRowsExact,
} from "../../src/kernels/wasm/slices.js";
import { ALL, badFast, diffs, FNS, runFn as run } from "./helpers.js";
import { logits, ran, referenceRow, ulpError, useWasmBackend, VARIANT, WASM } from "./reference.js";

const OPS = { softmax: OP_SOFTMAX, logSoftmax: OP_LOG_SOFTMAX, logSumExp: OP_LOG_SUM_EXP } as const;
const I = Number.POSITIVE_INFINITY;

/** Worst error of fast softmax / logSoftmax / logSumExp of rows × n logits x against decimal.js, every `step`-th row. */
function worstFast(x: Float32Array, rows: number, n: number, ys: Float32Array[], step = 1): number[] {
  const worst = [0, 0, 0];
  for (let r = 0; r < rows; r += step) {
    const ref = referenceRow(x.subarray(r * n, r * n + n));
    for (let k = 0; k < n; k++) {
      const i = r * n + k;
      const p = ref.softmax[k] as number;
      worst[0] = Math.max(worst[0] as number, p === 0 ? Math.abs(ys[0]?.[i] as number) / 2 ** -149 : ulpError(ys[0]?.[i] as number, p));
      worst[1] = Math.max(worst[1] as number, ulpError(ys[1]?.[i] as number, ref.logSoftmax[k] as number));
    }
    worst[2] = Math.max(worst[2] as number, ulpError(ys[2]?.[r] as number, ref.logSumExp));
  }
  return worst;
}

/** Row lengths 1..40 (every partial vector, before and after the loop of 16 floats), 63, 65, 100. */
const NS = [...Array.from({ length: 40 }, (_, i) => i + 1), 63, 65, 100];
/** Row counts, none a multiple of 4: 4·k + 1, 4·k + 2, 4·k + 3 rows (the last rows left to the row kernels). */
const rowsOf = (n: number): number => [13, 6, 3][n % 3] as number;

useWasmBackend();

describe("short rows and row tails along the last axis", () => {
  it("fast: within 2.5 ulp of 40-digit decimal.js (n = 1..40, 63, 65, 100; maxima near 0 and near 400); n < 16 runs four rows per vector", () => {
    for (const n of NS) {
      const rows = rowsOf(n);
      for (const [scale, shift] of [
        [4, 0],
        [40, 400],
        [0.01, -3],
      ] as [number, number][]) {
        const x = logits(rows * n, n * 31 + scale, scale).map((v) => v + shift);
        const before = rowsAcrossCount.fast;
        const beforeExact = rowsExact.rows;
        const ys = ALL.map((fn) => run(fn, x, [rows, n], { precision: "fast" }, WASM));
        expect(lastBackend()).toBe(ran("fast"));
        // three calls; four rows per vector for n < 16 (log-sum-exp n ≤ 24), the rows mod 4 one at a time; log-sum-exp of
        // rows of 2 and 3 through the exact rows_exact instead (runsRowsExact)
        const exactRows = ALL.filter((fn) => runsRowsExact(false, OPS[fn], n)).length;
        const routed = ALL.filter((fn) => rowsAcross(false, n, OPS[fn])).length - exactRows;
        expect(rowsAcrossCount.fast - before, `n = ${n}`).toBe(routed * (rows & ~3));
        expect(rowsExact.rows - beforeExact, `n = ${n}`).toBe(exactRows * rows);
        const worst = worstFast(x, rows, n, ys);
        ALL.forEach((fn, f) => {
          expect(worst[f], `${fn} n = ${n} scale ${scale} shift ${shift}`).toBeLessThanOrEqual(2.5);
        });
      }
    }
    expect(rowsAcross(false, 2) && rowsAcross(false, 15) && !rowsAcross(false, 16)).toBe(true);
    expect(rowsAcross(false, 24, OP_LOG_SUM_EXP) && !rowsAcross(false, 25, OP_LOG_SUM_EXP)).toBe(true);
  });

  it("exact: the JavaScript kernel's bits for the same rows; short rows go across where runsAcross(true, n) says", () => {
    for (const n of NS) {
      const rows = rowsOf(n) + 4;
      const x = logits(rows * n, n * 17 + 3, n % 2 === 0 ? 4 : 30);
      for (const fn of ALL) {
        const js = run(fn, x, [rows, n], {}, "js");
        // rows of 2 to 4 take their own kernel (rows_exact: test/wasm/rows-exact.test.ts), the others across slices
        const counter = () => (n >= 2 && n <= 4 ? rowsExact.rows : acrossCount.exact);
        const before = counter();
        const exact = run(fn, x, [rows, n], { precision: "exact" }, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        expect(counter() > before, `${fn} n = ${n} across`).toBe(rowsAcross(true, n));
        expect(diffs(js, exact), `${fn} n = ${n}`).toEqual([]);
      }
    }
    for (const n of [2, 3, 8, 31]) expect(rowsAcross(true, n)).toBe(runsAcross(true, n));
  });

  it("special rows in the middle of a chunk (NaN, +Infinity, all -Infinity, -Infinity entries, huge, ±0) give the JS kernel's bits", () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 15, 16, 17, 31, 33, 63]) {
      const rows = 23;
      const x = logits(rows * n, n + 100);
      const row = (r: number) => x.subarray(r * n, r * n + n);
      row(1)[n >> 1] = Number.NaN;
      row(5)[0] = I;
      row(5)[n - 1] = I;
      row(6).fill(-I);
      for (let k = 0; k < n; k += 2) row(9)[k] = -I;
      row(13).fill(-I);
      row(13)[n - 1] = Number.NaN;
      for (let k = 0; k < n; k++) row(14)[k] = 3e38 - k * 1e37;
      for (let k = 0; k < n; k++) row(20)[k] = k % 2 === 0 ? -0 : 0;
      const specials = [1, 5, 6, 13];
      for (const fn of ALL) {
        for (const onFullyMasked of ["zeros", "nan"]) {
          const js = run(fn, x, [rows, n], { onFullyMasked }, "js");
          for (const precision of ["fast", "exact"] as const) {
            const y = run(fn, x, [rows, n], { onFullyMasked, precision }, WASM);
            expect(lastBackend()).toBe(ran(precision));
            const where = `${fn} ${precision} n = ${n} ${onFullyMasked}`;
            if (precision === "exact") expect(diffs(js, y), where).toEqual([]);
            else expect(badFast(js, y, 2.5), where).toBe(0);
            const at = (r: number, k: number) => (fn === "logSumExp" ? r : r * n + k);
            for (const r of specials)
              for (let k = 0; k < (fn === "logSumExp" ? 1 : n); k++) expect(Object.is(y[at(r, k)], js[at(r, k)]), `${where} row ${r}`).toBe(true);
          }
        }
      }
    }
  });

  it("keeps the digits of outputs near 0: rows [0, -46, -46, ...] and [0, 0, -30, ...] (r = e^-46, 1 + e^-30)", () => {
    for (const n of [2, 3, 5, 8, 15, 16, 31]) {
      const rows = 9;
      const x = new Float32Array(rows * n).fill(-46);
      for (let r = 0; r < rows; r++) {
        x[r * n] = 0;
        if (r % 2 === 1) {
          x[r * n + 1] = 0;
          for (let k = 2; k < n; k++) x[r * n + k] = -30 - r;
        }
      }
      const ys = ALL.map((fn) => run(fn, x, [rows, n], { precision: "fast" }, WASM));
      expect(lastBackend()).toBe(ran("fast"));
      const worst = worstFast(x, rows, n, ys);
      ALL.forEach((fn, f) => {
        expect(worst[f], `${fn} n = ${n}`).toBeLessThanOrEqual(2.5);
      });
    }
  });

  it("log-sum-exp rows that cancel (maximum < 0, m + log(1 + r) near 0) get the JS kernel's bits in fast mode too", () => {
    for (const n of [2, 3, 5, 8, 15, 20]) {
      const rows = 13;
      const x = logits(rows * n, n + 77, 0.05);
      // odd rows: x_k ≈ -log(n), so that the result is near 0 and the fast kernels' float32 terms would show
      for (let r = 1; r < rows; r += 2) for (let k = 0; k < n; k++) x[r * n + k] = Math.fround((x[r * n + k] as number) - Math.log(n));
      const js = run("logSumExp", x, [rows, n], {}, "js");
      const fast = run("logSumExp", x, [rows, n], { precision: "fast" }, WASM);
      expect(lastBackend()).toBe(ran("fast"));
      for (let r = 1; r < rows; r += 2) {
        expect(Math.abs(js[r] as number), `n = ${n} row ${r}`).toBeLessThan(0.2);
        expect(Object.is(fast[r], js[r]), `n = ${n} row ${r}: ${fast[r]} vs ${js[r]}`).toBe(true);
      }
      const ys = [run("softmax", x, [rows, n], { precision: "fast" }, WASM), run("logSoftmax", x, [rows, n], { precision: "fast" }, WASM), fast];
      expect(Math.max(...worstFast(x, rows, n, ys)), `n = ${n}`).toBeLessThanOrEqual(2.5);
    }
  });

  it("masks (where): masked entries and fully masked rows in the middle of a chunk follow the JS kernel bit for bit", () => {
    for (const n of [1, 2, 3, 6, 9, 15, 16, 31, 40]) {
      const rows = 19;
      const size = rows * n;
      const x = logits(size, n + 7);
      const data = Uint8Array.from({ length: size }, (_, i) => (Math.floor(i / n) === 10 ? 0 : (i * 7 + 3) % 5 !== 0 ? 1 : 0));
      // every row keeps at least one entry except row 10
      for (let r = 0; r < rows; r++) if (r !== 10) data[r * n] = 1;
      const where = { data, shape: [rows, n] };
      for (const fn of ALL) {
        for (const onFullyMasked of ["zeros", "nan"]) {
          const js = run(fn, x, [rows, n], { where, onFullyMasked }, "js");
          for (const precision of ["fast", "exact"] as const) {
            const y = run(fn, x, [rows, n], { where, onFullyMasked, precision }, WASM);
            expect(lastBackend()).toBe(ran(precision));
            const label = `${fn} ${precision} n = ${n} ${onFullyMasked}`;
            if (precision === "exact") expect(diffs(js, y), label).toEqual([]);
            else expect(badFast(js, y, 2.5), label).toBe(0);
            if (fn === "logSumExp") expect(Object.is(y[10], js[10]), label).toBe(true);
            else for (let i = 0; i < size; i++) if (data[i] === 0) expect(Object.is(y[i], js[i]), `${label} [${i}]`).toBe(true);
          }
        }
        expect(() => run(fn, x, [rows, n], { where, onFullyMasked: "error", precision: "fast" }, WASM)).toThrow(
          expect.objectContaining({ code: "FULLY_MASKED" }),
        );
      }
    }
  });

  it("n = 2 and 3 along a non-last axis (inner a multiple of 4) run across slices too, within 2.5 ulp", () => {
    for (const shape of [
      [3, 2, 20],
      [2, 3, 36],
    ]) {
      const [outer, n, inner] = shape as [number, number, number];
      const x = logits(outer * n * inner, n * 5);
      const before = acrossCount.fast;
      const ys = ALL.map((fn) => run(fn, x, shape, { axis: 1, precision: "fast" }, WASM));
      expect(lastBackend()).toBe(ran("fast"));
      expect(acrossCount.fast - before).toBe(3 * outer * inner);
      let worst = 0;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < inner; j++) {
          const idx = Array.from({ length: n }, (_, k) => o * n * inner + k * inner + j);
          const ref = referenceRow(idx.map((i) => x[i] as number));
          idx.forEach((i, k) => {
            worst = Math.max(worst, ulpError(ys[0]?.[i] as number, ref.softmax[k] as number), ulpError(ys[1]?.[i] as number, ref.logSoftmax[k] as number));
          });
          worst = Math.max(worst, ulpError(ys[2]?.[o * inner + j] as number, ref.logSumExp));
        }
      }
      expect(worst, shape.join("×")).toBeLessThanOrEqual(2.5);
    }
  });

  it("an arena view ending at the end of the memory: in place, nothing read or written past it, the copying path's bits", async () => {
    // 3 pages of kernel scratch + maxRow·8 = 1 page, then 64 KiB of views: the last view ends where the memory does,
    // so a load past a row's end would trap.
    const arena = await createWasmArena({ bytes: 65536, maxRow: 8192 });
    const guard = arena.float32(4);
    const x = arena.float32(16380);
    for (const n of [2, 3, 5, 7, 13, 15, 63, 65]) {
      const rows = 16380 / n;
      const input = logits(16380, n);
      for (const fn of ALL) {
        for (const precision of ["fast", "exact"] as const) {
          const copied = run(fn, input, [rows, n], { precision }, WASM);
          guard.fill(7);
          x.set(input);
          setBackend(WASM);
          const y = (FNS[fn] as (x: unknown, o: unknown) => { data: Float32Array })(
            { data: x, shape: [rows, n] },
            fn === "logSumExp" ? { precision } : { precision, out: x },
          ).data;
          expect(lastBackend()).toBe(ran(precision));
          expect(diffs(copied, fn === "logSumExp" ? y : x), `${fn} ${precision} n = ${n}`).toEqual([]);
          expect(Array.from(guard)).toEqual([7, 7, 7, 7]);
        }
      }
    }
    arena.dispose();
  });

  it("threads (setThreads(2)): short rows within 2.5 ulp of decimal.js (fast) and one thread's bits (exact)", async () => {
    for (const n of [2, 3, 31]) {
      const rows = Math.ceil(THREAD_MIN_ELEMENTS / n) + 3;
      const x = logits(rows * n, n + 1);
      const one: Float32Array[] = [];
      await setThreads(1);
      for (const fn of ALL) one.push(run(fn, x, [rows, n], { precision: "exact" }, WASM));
      expect(await setThreads(2)).toBe(2);
      // hooks.ts: exact rows under 16 and fast log-sum-exp rows under 4 stay on one thread (its four-rows kernels win)
      const fast = ALL.map((fn) => {
        const y = run(fn, x, [rows, n], { precision: "fast" }, WASM);
        expect(lastBackend(), `${fn} n = ${n}`).toBe(fn === "logSumExp" && n < 4 ? ran("fast") : `${ran("fast")}×2`);
        return y;
      });
      ALL.forEach((fn, f) => {
        const two = run(fn, x, [rows, n], { precision: "exact" }, WASM);
        expect(lastBackend(), `${fn} n = ${n}`).toBe(n < 16 ? ran("exact") : `${ran("exact")}×2`);
        expect(diffs(one[f] as Float32Array, two), `${fn} n = ${n}`).toEqual([]);
      });
      const worst = worstFast(x, rows, n, fast, 997);
      ALL.forEach((fn, f) => {
        expect(worst[f], `${fn} n = ${n}`).toBeLessThanOrEqual(2.5);
        // every row against the JS kernel (≤ 2.5 ulp of the exact value: ≤ 3 of its float32 rounding), cancelling
        // log-sum-exp rows included
        expect(badFast(run(fn, x, [rows, n], {}, "js"), fast[f] as Float32Array, 3), `${fn} n = ${n} all rows`).toBe(0);
      });
    }
    // log-sum-exp rows that all cancel (x ≈ -log n), on both kernels the threads run (four rows per vector; rows)
    for (const n of [5, 20]) {
      const rows = Math.ceil(THREAD_MIN_ELEMENTS / n) + 1;
      const x = logits(rows * n, n + 5, 0.05).map((v) => Math.fround(v - Math.log(n)));
      const fast = run("logSumExp", x, [rows, n], { precision: "fast" }, WASM);
      expect(lastBackend()).toBe(`${ran("fast")}×2`);
      expect(badFast(run("logSumExp", x, [rows, n], {}, "js"), fast, 3), `n = ${n}`).toBe(0);
    }
    await setThreads(1);
  });

  it("the fused kernels' log1p ($log1p2) is within 2^-50 of Math.log1p for r = 0 and 2^-60 to 2^40", async () => {
    // The module variant under test with one more export: t(p) = $log1p2 of the two vectors at p, results at p + 32.
    const relaxed = VARIANT === "relaxed";
    const wat = generateWat(false, relaxed).replace(
      /\)\s*$/,
      `(func (export "t") (param $p i32) (local v128) (local v128)
        (call $log1p2 (v128.load (local.get $p)) (v128.load offset=16 (local.get $p))) (local.set 2) (local.set 1)
        (v128.store offset=32 (local.get $p) (local.get 1)) (v128.store offset=48 (local.get $p) (local.get 2))))`,
    );
    const wabt = await wabtInit();
    const mod = wabt.parseWat("log1p.wat", wat, { simd: true, relaxed_simd: relaxed });
    const bytes = new Uint8Array(mod.toBinary({}).buffer);
    mod.destroy();
    const memory = new WebAssembly.Memory({ initial: 1 });
    const t = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.t as (p: number) => void;
    const f = new Float64Array(memory.buffer);
    const rs = [0, 1, 2, 3, Math.SQRT2 - 1, 5e-324, 1e-300];
    for (let e = -60; e <= 40; e += 1 / 64) rs.push(2 ** e, 2 ** e * 1.1);
    let worst = 0;
    for (let i = 0; i < rs.length; i += 4) {
      for (let j = 0; j < 4; j++) f[j] = rs[i + j] ?? 0.5;
      t(0);
      for (let j = 0; j < 4; j++) {
        const want = Math.log1p(f[j] as number);
        worst = Math.max(worst, want === 0 ? Math.abs(f[4 + j] as number) : Math.abs((f[4 + j] as number) - want) / want);
      }
    }
    expect(worst).toBeLessThanOrEqual(2 ** -50);
  });

  it("property: any float32 rows (NaN, ±Infinity, -0, subnormals included), n = 1..40, any row count: fast within 2.5 ulp of the JS kernel, exact its bits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 13 }),
        fc.float32Array({ minLength: 40 * 13, maxLength: 40 * 13 }),
        (n, rows, pool) => {
          const x = pool.subarray(0, rows * n);
          return ALL.every((fn) => {
            const js = run(fn, x, [rows, n], {}, "js");
            const fast = run(fn, x, [rows, n], { precision: "fast" }, WASM);
            const fastRan = lastBackend() === ran("fast");
            const exact = run(fn, x, [rows, n], { precision: "exact" }, WASM);
            return fastRan && lastBackend() === ran("exact") && badFast(js, fast, 2.5) === 0 && diffs(js, exact).length === 0;
          });
        },
      ),
      { numRuns: 150, seed: 20263 },
    );
  });
});
