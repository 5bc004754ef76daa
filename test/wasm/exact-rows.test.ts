/**
 * The exact row kernels' tails and log-softmax's last pass (scripts/wasm-kernels.mjs: pass2, pass3Exact,
 * logSoftmaxExactFunc): every row length 1..70 (the vector body, its masked last iteration over a row's final 2V
 * floats, and the pairs / odd float of rows shorter than one iteration) against 64-digit decimal.js and the JavaScript
 * kernel's bits; memory around the rows left untouched and never read; log-softmax outputs near float32 rounding
 * boundaries, where the fast path (y1 = (x - m) - L) and the TwoSum (dh - L) + dl round differently.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { D, logSoftmax as decimalLogSoftmax, exact } from "../../reference/decimal.mjs";
import { lastBackend, setBackend, wasmSupported } from "../../src/index.js";
import { ensureMemory, type WasmInstance, wasmInstance } from "../../src/kernels/wasm/runtime.js";
import { acrossSlices } from "../../src/kernels/wasm/slices.js";
import { ALL, diffs, type Fn, runFn } from "./helpers.js";
import { logits, ran, referenceRow, ulp32, ulpError, VARIANT, WASM } from "./reference.js";

/** fn over a [rows, n] float32 tensor (exact precision) with a forced backend; the flat result. */
function run(fn: Fn, x: Float32Array, rows: number, n: number, backend: "js" | typeof WASM): Float32Array {
  return runFn(fn, x, [rows, n], { precision: "exact" }, backend);
}

/** The kernels of the module variant under test. */
function instance(): WasmInstance {
  const w = wasmInstance(VARIANT);
  if (w === null) throw new Error(`no WebAssembly ${VARIANT} module here`);
  return w;
}

/** Rows of n (n = 1..70) with maxima in the last iteration's overlap, ties, -Infinity, tiny entries (dl ≠ 0). */
function tailRows(n: number, seed: number, shift: number): { x: Float32Array; rows: number } {
  // at least 64 floats: smaller inputs go to the JS kernel (WASM_MIN_ELEMENTS)
  const rows = Math.max(6, Math.ceil(64 / n) + 1);
  const x = logits(rows * n, seed, 4).map((v) => v + shift);
  const row = (r: number) => x.subarray(r * n, (r + 1) * n);
  // row 1: the maximum in the last float, tied with the float 2V - 1 from the end (a lane the masked last iteration
  // sees twice: it must be counted once)
  const r1 = row(1);
  const top = Math.max(...r1) + 1;
  r1[n - 1] = top;
  if (n > 16) r1[n - 16] = top;
  if (n > 8) r1[n - 8] = top;
  // row 2: integers 0..3 (many ties of the maximum), one -Infinity
  row(2).forEach((_, i, a) => {
    a[i] = ((i * 7) % 4) + shift;
  });
  if (n > 2) (row(2) as Float32Array)[n - 2] = Number.NEGATIVE_INFINITY;
  // row 3: every entry equal (r = n - 1 exactly)
  row(3).fill(shift + 0.5);
  // row 4: a maximum of 2.5 + shift with tiny entries (x - m not exact in float64: the TwoSum's dl ≠ 0)
  row(4).forEach((_, i, a) => {
    a[i] = i % 3 === 0 ? 2 ** -52 * (1 + (i % 5)) : (i % 3) - 3 + shift;
  });
  (row(4) as Float32Array)[n >> 1] = 2.5 + shift;
  // row 5: far below the maximum (clamped terms, exactly 0)
  row(5).forEach((_, i, a) => {
    a[i] = i === n - 1 ? shift : shift - 700 - 3 * i;
  });
  return { x, rows };
}

beforeAll(() => {
  expect(wasmSupported()).toBe(true);
  // short rows (n ≤ 48) would run across (the exact across-slices kernels, test/wasm/across-exact.test.ts): these tests
  // are about the row kernels
  acrossSlices.on = false;
});
afterAll(() => {
  acrossSlices.on = true;
});
afterEach(() => setBackend("auto"));

describe(`exact row kernels, tails and the log-softmax boundary test (${VARIANT})`, () => {
  it("rows of 1..70 floats: the JS kernel's bits and correctly rounded against 64-digit decimal.js, both loops of pass 2", () => {
    let checked = 0;
    let worst = 0;
    let rounded = 0;
    // shifts 0 and 300: the direct loop (K = round(m/ln2) in range); 1500 and -900: the general loop (TwoSum)
    for (const shift of [0, 300, 1500, -900]) {
      for (let n = 1; n <= 70; n++) {
        const { x, rows } = tailRows(n, 1000 * n + shift, shift);
        const ys = ALL.map((fn) => {
          const y = run(fn, x, rows, n, WASM);
          expect(lastBackend()).toBe(ran("exact"));
          expect(diffs(y, run(fn, x, rows, n, "js")), `${fn} n=${n} shift=${shift}`).toEqual([]);
          return y;
        });
        for (let r = 0; r < rows; r++) {
          const ref = referenceRow(x.subarray(r * n, (r + 1) * n));
          ALL.forEach((fn, f) => {
            const y = ys[f] as Float32Array;
            const refs = fn === "logSumExp" ? [ref.logSumExp] : ref[fn];
            const outs = fn === "logSumExp" ? [y[r] as number] : Array.from(y.subarray(r * n, (r + 1) * n));
            refs.forEach((v, i) => {
              const err = ulpError(outs[i] as number, v);
              worst = Math.max(worst, err);
              checked++;
              // (+0 for a true value of -e^-897 or so: every kernel, the JS one included, drops terms below e^-709, so
              // L = 0 and the maximum's output is 0 - 0; the error is 0 ulp all the same)
              if (Object.is(outs[i], Math.fround(v)) || (outs[i] === 0 && Math.fround(v) === 0)) rounded++;
            });
          });
        }
      }
    }
    expect(checked).toBeGreaterThan(50_000);
    expect(worst).toBeLessThanOrEqual(0.5 + 2 ** -20);
    expect(rounded).toBe(checked);
  });

  it("rows whose other entries all lie 709..800 below the maximum (terms clamped to 0 in WASM): the JS kernel's -0 and bits", () => {
    // The JS kernel keeps terms down to e^-745 (and their sums): log-softmax gives -0 at the maximum, not 0 - 0 = +0.
    // stats_exact hands such rows (r = 0 with an entry within 768 of the maximum) to it; below that, r = 0 both ways.
    for (let n = 2; n <= 70; n++) {
      const rows = Math.max(4, Math.ceil(64 / n) + 1);
      const x = new Float32Array(rows * n);
      for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) x[r * n + i] = i === (r * 3) % n ? 5 * r : 5 * r - [710, 744, 760, 800][r % 4]! - (i % 7);
      for (const fn of ALL) {
        const y = run(fn, x, rows, n, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        expect(diffs(y, run(fn, x, rows, n, "js")), `${fn} n=${n}`).toEqual([]);
      }
      const y = run("logSoftmax", x, rows, n, WASM);
      expect(Object.is(y[0], -0), `n=${n}`).toBe(true);
    }
  });

  it("the raw kernels read and write nothing outside the rows (NaN canaries around x, y and the scratch), in place or not", () => {
    const w = instance();
    const k = w.k;
    for (let n = 1; n <= 70; n++) {
      const rows = 3;
      const { x } = tailRows(n, 7 * n, 0);
      const data = x.subarray(0, rows * n);
      // layout (floats): [pad 32][x rows·n][pad 32][y rows·n][pad 32][scratch 2n doubles][pad], stats at 0
      const st = 0;
      const xb = 4096;
      const yb = xb + (rows * n + 32) * 4;
      const s = (yb + (rows * n + 32) * 4 + 15) & ~15;
      const sEnd = s + 8 * n;
      const end = sEnd + 4096;
      expect(ensureMemory(w, end)).toBe(true);
      const f32 = new Float32Array(w.memory.buffer);
      const canaries = (): number[] => {
        const bad: number[] = [];
        for (let i = (xb >> 2) - 32; i < end >> 2; i++) {
          const inX = i >= xb >> 2 && i < (xb >> 2) + rows * n;
          const inY = i >= yb >> 2 && i < (yb >> 2) + rows * n;
          const inS = i >= s >> 2 && i < sEnd >> 2;
          if (!inX && !inY && !inS && !Number.isNaN(f32[i])) bad.push(i);
        }
        return bad;
      };
      for (const inPlace of [false, true]) {
        const y0 = inPlace ? xb : yb;
        const fill = () => {
          f32.fill(Number.NaN, (xb >> 2) - 32, end >> 2);
          f32.set(data, xb >> 2);
          if (!inPlace) f32.set(new Float32Array(rows * n), yb >> 2);
          // the scratch is the kernel's: poison it (a term read before it is written would show)
          f32.fill(Number.NaN, s >> 2, sEnd >> 2);
        };
        // softmax (pass 2 stores the terms in the scratch, pass 3 scales them)
        fill();
        expect(k.softmax_exact(xb, y0, s, st, rows, n, 0)).toBe(0);
        const sm = f32.slice(y0 >> 2, (y0 >> 2) + rows * n);
        expect(canaries(), `softmax n=${n}`).toEqual([]);
        // log-sum-exp's statistics, then log-softmax's last pass with L = log1p(r)
        fill();
        expect(k.stats_exact(xb, st, rows, n)).toBe(0);
        const f64 = new Float64Array(w.memory.buffer);
        const lse: number[] = [];
        for (let r = 0; r < rows; r++) {
          const L = Math.log1p((f64[4 * r + 1] as number) + (f64[4 * r + 2] as number));
          f64[4 * r + 1] = L;
          lse.push((f64[4 * r] as number) + L);
        }
        k.logsoftmax_exact(xb, y0, st, rows, n);
        const ls = f32.slice(y0 >> 2, (y0 >> 2) + rows * n);
        expect(canaries(), `logSoftmax n=${n}`).toEqual([]);
        // against the JS kernel (no WASM)
        const xs = Float32Array.from(data);
        expect(diffs(sm, run("softmax", xs, rows, n, "js")), `softmax n=${n} inPlace=${inPlace}`).toEqual([]);
        expect(diffs(ls, run("logSoftmax", xs, rows, n, "js")), `logSoftmax n=${n} inPlace=${inPlace}`).toEqual([]);
        expect(diffs(Float32Array.from(lse), run("logSumExp", xs, rows, n, "js")), `logSumExp n=${n}`).toEqual([]);
        // scale_exact alone (worker threads' last pass) on the scratch softmax left: the same outputs
        fill();
        k.softmax_exact(xb, y0, s, st, rows, n, 0);
        const c = 1 / (1 + (f64[4 * (rows - 1) + 1] as number));
        expect(Number.isFinite(c)).toBe(true);
        f32.fill(Number.NaN, y0 >> 2, (y0 >> 2) + rows * n);
        k.scale_exact(s, y0 + 4 * n * (rows - 1), n, 1 / 3);
        expect(canaries(), `scale n=${n}`).toEqual([]);
        for (let i = 0; i < n; i++) expect(Number.isNaN(f32[(y0 >> 2) + (rows - 1) * n + i])).toBe(false);
        for (let i = 0; i < (rows - 1) * n; i++) expect(Number.isNaN(f32[(y0 >> 2) + i])).toBe(true);
      }
    }
  });

  it("log-softmax's last pass where y1 = (x - m) - L and (dh - L) + dl round differently: the TwoSum's bits", () => {
    // m = 2.5 and x = 2^-52: x - m = -2.5 + 2^-52 is a tie, dh = -2.5, dl = 2^-52 (half an ulp of dh). With
    // L = |Mid| - 2.5 + j·2^-51 (Mid a float32 midpoint in (-4, -2.5)), y1 = Mid - j·2^-51 exactly, and y1 + dl falls
    // back onto the midpoint (or next to it), which rounds to even: one float32 ulp away from round(y1) for odd j.
    const w = instance();
    const k = w.k;
    const twoSumStep = (x: number, m: number, L: number): number => {
      const dh = x - m;
      const bb = dh - x;
      let dl = x - (dh - bb) + (-m - bb);
      if (Number.isNaN(dl)) dl = 0;
      return Math.fround(dh - L + dl);
    };
    let flips = 0;
    let cases = 0;
    const bad: string[] = [];
    for (const n of [1, 2, 3, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 40, 64, 65, 70]) {
      for (let q = 0; q < 12; q++) {
        // float32 midpoints 3 + (2q + 1)·2^-23 (in magnitude), float32 ulp 2^-22 there
        const mid = 3 + (2 * q + 1) * 2 ** -23;
        for (const j of [-3, -2, -1, 0, 1, 2, 3]) {
          for (const xt of [2 ** -52, -(2 ** -52), 2 ** -53, 3 * 2 ** -53]) {
            const L = mid - 2.5 + j * 2 ** -51;
            const row = new Float32Array(n).fill(-1);
            row[0] = 2.5;
            const at = (q * 5 + 3) % n;
            if (at !== 0 || n === 1) row[at] = n === 1 ? 2.5 : xt;
            const xb = 1024;
            const yb = xb + 4 * n + 64;
            expect(ensureMemory(w, yb + 4 * n + 64)).toBe(true);
            const f32 = new Float32Array(w.memory.buffer);
            const f64 = new Float64Array(w.memory.buffer);
            f32.set(row, xb >> 2);
            f64.set([2.5, L, 0, 0], 0);
            k.logsoftmax_exact(xb, yb, 0, 1, n);
            for (let i = 0; i < n; i++) {
              const x = row[i] as number;
              const want = twoSumStep(x, 2.5, L);
              const got = f32[(yb >> 2) + i] as number;
              if (!Object.is(got, want)) bad.push(`n=${n} q=${q} j=${j} x=${x} i=${i}: ${got} vs ${want}`);
              // within half an ulp of the exact x - m - L, up to the float64 step's own rounding (2^-52 here)
              if (i !== at && i > 1) continue;
              const ex = exact(x).minus(2.5).minus(exact(L));
              const err = D.abs(exact(got).minus(ex)).toNumber() / ulp32(ex.toNumber());
              if (err > 0.5 + 2 ** -20) bad.push(`n=${n} q=${q} j=${j} x=${x} i=${i}: ${err} ulp`);
              cases++;
              if (!Object.is(Math.fround(x - 2.5 - L), want)) flips++;
            }
            // in place: the same bits
            f32.set(row, xb >> 2);
            k.logsoftmax_exact(xb, xb, 0, 1, n);
            for (let i = 0; i < n; i++) if (!Object.is(f32[(xb >> 2) + i], f32[(yb >> 2) + i])) bad.push(`in place n=${n} i=${i}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
    // the fast path alone would have been wrong here: the rare path ran, and gave the TwoSum's bits
    expect(flips).toBeGreaterThan(100);
    expect(cases).toBeGreaterThan(flips);
  });

  it("rows whose exact log-softmax output lies within 2^-40 of a float32 midpoint: correctly rounded, the JS kernel's bits", () => {
    // Row [m, x, t1, t2, ...]: x's output x - m - L is steered onto a float32 midpoint by the tuning entries t1, t2
    // (L = ln Σ e^{x_k - m}, t1 coarse, t2 for the remainder), in 64-digit arithmetic; rows kept are those whose exact
    // output is within [2^-48, 2^-40] (relative) of the midpoint. x = 2^-52 with m = 2.5 puts a TwoSum with dl ≠ 0 in
    // the mix; m = 0 and x = -1 one with dl = 0.
    const ln = (v: InstanceType<typeof D>) => v.ln();
    const rows: Float32Array[] = [];
    const nearness: number[] = [];
    for (const [m, x] of [
      [0, -1],
      [2.5, 2 ** -52],
      [40, 37.25],
      [-600, -601.5],
    ] as [number, number][]) {
      for (let q = 0; q < 60 && rows.length < 160; q++) {
        const fixed = [m, x, m - 3, m - 4.5];
        const base = fixed.reduce((acc, v) => acc.plus(exact(v).minus(m).exp()), new D(0));
        // target: the midpoint nearest x - m - ln(base) - (0.1 + q/400), in the float32 grid of that value
        const guess = exact(x)
          .minus(m)
          .minus(ln(base))
          .minus(0.1 + q / 400)
          .toNumber();
        const u = 2 ** (Math.floor(Math.log2(Math.abs(guess))) - 23);
        const mid = (Math.floor(guess / u) + 0.5) * u;
        // L* = x - m - mid, S* = e^{L*}; the tuners add R = S* - base
        const R = exact(x).minus(m).minus(exact(mid)).exp().minus(base);
        if (R.lte(0)) continue;
        // t1: the largest float32 with e^{t1 - m} ≤ R·(1 - 2^-18), t2: the float32 nearest to m + ln(remainder)
        let t1 = Math.fround(
          ln(R.times(1 - 2 ** -18))
            .plus(m)
            .toNumber(),
        );
        while (
          exact(t1)
            .minus(m)
            .exp()
            .gt(R.times(1 - 2 ** -18))
        )
          t1 = Math.fround(t1 - Math.abs(t1) * 2 ** -23 - 2 ** -140);
        const rest = R.minus(exact(t1).minus(m).exp());
        const t2 = Math.fround(ln(rest).plus(m).toNumber());
        const row = Float32Array.from([...fixed, t1, t2]);
        const ref = decimalLogSoftmax(Array.from(row))[1];
        if (ref === null || ref === undefined) continue;
        const dist = D.abs(ref.minus(exact(mid)))
          .div(D.abs(exact(mid)))
          .toNumber();
        if (dist > 2 ** -40 || dist < 2 ** -48) continue;
        rows.push(row);
        nearness.push(dist);
      }
    }
    expect(rows.length).toBeGreaterThan(40);
    const n = 6;
    const x = new Float32Array(rows.length * n);
    rows.forEach((r, i) => {
      x.set(r, i * n);
    });
    // n = 6 rows go to the WASM kernels only from 64 elements on: the batch is well above that
    const y = run("logSoftmax", x, rows.length, n, WASM);
    expect(lastBackend()).toBe(ran("exact"));
    expect(diffs(y, run("logSoftmax", x, rows.length, n, "js"))).toEqual([]);
    rows.forEach((r, i) => {
      const ref = decimalLogSoftmax(Array.from(r));
      ref.forEach((v, j) => {
        const want = Math.fround((v as InstanceType<typeof D>).toNumber());
        expect(Object.is(y[i * n + j], want), `row ${i} (within ${nearness[i]} of a midpoint) entry ${j}`).toBe(true);
      });
    });
  });

  it("property: random rows of 1..70 floats (shifts for both loops, ties, tiny entries, -Infinity): the JS kernel's bits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0, 200, 1500, -900, 1e-3),
        fc.constantFrom(0.01, 1, 4, 40),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom<Fn>("softmax", "logSoftmax", "logSumExp"),
        (n, minRows, shift, scale, seed, fn) => {
          const rows = Math.max(minRows, Math.ceil(64 / n));
          const x = logits(rows * n, seed, scale).map((v) => v + shift);
          // sprinkle ties, -Infinity and tiny entries from the seed
          for (let i = seed % 7; i < x.length; i += 5 + (seed % 11)) {
            const kind = (i + seed) % 4;
            if (kind === 0) x[i] = Math.max(...x.subarray(Math.floor(i / n) * n, Math.floor(i / n) * n + n));
            else if (kind === 1) x[i] = Number.NEGATIVE_INFINITY;
            else if (kind === 2) x[i] = 2 ** -60 * (1 + (i % 9));
          }
          const y = run(fn, x, rows, n, WASM);
          expect(lastBackend()).toBe(ran("exact"));
          const js = run(fn, x, rows, n, "js");
          return diffs(y, js).length === 0;
        },
      ),
      { numRuns: 400, seed: 20261125 },
    );
  });
});
