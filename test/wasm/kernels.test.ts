/**
 * The WASM SIMD kernels against 40-digit decimal.js and against the
 * JavaScript kernels (the reference implementation), both precision modes,
 * every function, special values, masks and axes.
 */
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { lastBackend, logSoftmax, setBackend, softmax, wasmSupported } from "../../src/index.js";
import { type Fn, runFn as run } from "./helpers.js";
import { logits, ran, referenceRow, ulpError, WASM } from "./reference.js";

const MODES = ["exact", "fast"] as const;

beforeAll(() => {
  expect(wasmSupported()).toBe(true);
});
afterEach(() => setBackend("auto"));

describe("WASM kernels against 40-digit decimal.js", () => {
  // Row lengths cover the vector body (16 floats), the rows' last partial vectors and several chunks of rows.
  const cases: [number, number][] = [
    [3, 1],
    [5, 7],
    [4, 15],
    [4, 16],
    [3, 33],
    [2, 1000],
    [40, 50],
  ];
  for (const fn of ["softmax", "logSoftmax", "logSumExp"] as Fn[]) {
    for (const mode of MODES) {
      it(`${fn} ${mode}: ${mode === "exact" ? "correctly rounded (≥ 99.99%, never > 1 ulp)" : "within 2.5 ulp"}`, () => {
        let worst = 0;
        let total = 0;
        let rounded = 0;
        for (const [rows, n] of cases) {
          const x = logits(rows * n, rows * 1000 + n);
          const y = run(fn, x, [rows, n], { precision: mode }, WASM);
          expect(lastBackend()).toBe(ran(mode));
          for (let r = 0; r < rows; r++) {
            const ref = referenceRow(x.subarray(r * n, (r + 1) * n));
            const refs = fn === "logSumExp" ? [ref.logSumExp] : ref[fn];
            const outs = fn === "logSumExp" ? [y[r] as number] : Array.from(y.subarray(r * n, (r + 1) * n));
            refs.forEach((v, i) => {
              const err = ulpError(outs[i] as number, v);
              worst = Math.max(worst, err);
              total++;
              if (Object.is(outs[i], Math.fround(v))) rounded++;
            });
          }
        }
        if (mode === "exact") {
          expect(rounded / total).toBeGreaterThanOrEqual(0.9999);
          expect(worst).toBeLessThan(1);
        } else {
          expect(worst).toBeLessThanOrEqual(2.5);
        }
      });
    }
  }

  it("keeps the digits of outputs near 0 (logSoftmax [0, -46] in float32)", () => {
    const x = new Float32Array([0, -46, -46, -46, -46, -46, -46, -46, -46, -46, -46, -46, -46, -46, -46, -46, -46]);
    const ref = referenceRow(x);
    for (const mode of MODES) {
      const y = run("logSoftmax", x, [x.length], { precision: mode }, WASM);
      expect(ulpError(y[0] as number, ref.logSoftmax[0] as number)).toBeLessThanOrEqual(mode === "exact" ? 0.5 : 2.5);
      expect(y[0]).toBeLessThan(0);
      const s = run("softmax", x, [x.length], { precision: mode }, WASM);
      ref.softmax.forEach((v, i) => {
        expect(ulpError(s[i] as number, v)).toBeLessThanOrEqual(mode === "exact" ? 0.5 : 2.5);
      });
    }
  });

  it("gets subnormal and underflowing probabilities right (differences down to -110)", () => {
    const x = new Float32Array(40);
    for (let i = 0; i < x.length; i++) x[i] = -(i * 110) / 39 + 1e4;
    const ref = referenceRow(x);
    for (const mode of MODES) {
      const y = run("softmax", x, [x.length], { precision: mode }, WASM);
      ref.softmax.forEach((v, i) => {
        expect(ulpError(y[i] as number, v)).toBeLessThanOrEqual(mode === "exact" ? 0.5 : 2.5);
      });
    }
  });

  // Pass 2 has two loops per row (scripts/wasm-kernels.mjs, pass2Fast): a direct one, reducing x itself against
  // K = round(m/ln2) without x - m, while K is in range, and the general one (TwoSum of x - m) beyond.
  it("both loops of pass 2: maxima around the edges of the direct loop's range, clamped entries, maxima in a row's last partial vector", () => {
    const ln2 = Math.LN2;
    // Fast mode's direct loop takes K in [-63, 253]; exact mode's K in [-1000, 2000].
    const ks = [-1001, -1000, -999, -64, -63, -62, 0, 252, 253, 254, 1999, 2000, 2001];
    const worst = { exact: 0, fast: 0 };
    let rows = 0;
    for (const k of ks) {
      for (const off of [-0.49, 0, 0.49]) {
        for (const n of [37, 64]) {
          const m = Math.fround((k + off) * ln2);
          const x = logits(n, rows++, 3);
          for (let i = 0; i < n; i++) x[i] = Math.fround(m - 1 - Math.abs(x[i] as number));
          // the maximum in the vector body, or in the row's tail (n = 37: the last 5 entries, a masked partial vector)
          x[n === 37 ? 35 : 9] = m;
          x[3] = Number.NEGATIVE_INFINITY;
          x[4] = Math.fround(m - 1e4);
          x[5] = Math.fround(m - 131);
          x[6] = Math.fround(m - 103.5);
          x[7] = Math.fround(m - 745.5);
          x[8] = Math.fround(m - 0.25);
          const ref = referenceRow(x);
          for (const mode of MODES) {
            const s = run("softmax", x, [n], { precision: mode }, WASM);
            const l = run("logSoftmax", x, [n], { precision: mode }, WASM);
            const e = run("logSumExp", x, [n], { precision: mode }, WASM);
            expect(lastBackend()).toBe(ran(mode));
            for (let i = 0; i < n; i++) {
              worst[mode] = Math.max(worst[mode], ulpError(s[i] as number, ref.softmax[i] as number), ulpError(l[i] as number, ref.logSoftmax[i] as number));
            }
            worst[mode] = Math.max(worst[mode], ulpError(e[0] as number, ref.logSumExp));
          }
        }
      }
    }
    expect(worst.exact).toBeLessThanOrEqual(0.5);
    expect(worst.fast).toBeLessThanOrEqual(2.5);
  });

  it("property: fast logSoftmax's float32 last pass, (x - m) - L, stays within 2 ulp (1.5 ulp of roundings plus L's error) of decimal.js", () => {
    // |x - m| ≤ |y| and L ≤ |y| (y = (x - m) - L, both terms ≤ 0): the roundings of x - m, of L to float32 and of the
    // difference add at most 1.5 ulps of y; L's own error (float32 terms) stays under ε·|y|. Rows of 16 to 300 (the row
    // kernels, not the four-row groups), any scale and shift, ties of the maximum and entries near it.
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 300 }),
        fc.constantFrom(0.01, 0.3, 1, 4, 30, 300),
        fc.constantFrom(0, 0, 37.5, -2000, 3e4),
        fc.integer({ min: 0, max: 2 ** 30 }),
        fc.boolean(),
        (n, scale, shift, seed, tie) => {
          const x = logits(n, seed, scale);
          for (let i = 0; i < n; i++) x[i] = Math.fround((x[i] as number) + shift);
          if (tie) {
            let m = Number.NEGATIVE_INFINITY;
            for (const v of x) m = Math.max(m, v);
            x[n - 1] = m;
            x[n >> 1] = Math.fround(m * (1 - 2 ** -20));
          }
          const y = run("logSoftmax", x, [n], { precision: "fast" }, WASM);
          expect(lastBackend()).toBe(ran("fast"));
          const ref = referenceRow(x).logSoftmax;
          for (let i = 0; i < n; i++)
            expect(ulpError(y[i] as number, ref[i] as number), `n = ${n} scale ${scale} shift ${shift} [${i}]`).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 60, seed: 20261125 },
    );
  });

  it("fast mode stays within 2.5 ulp on a row of 10^6 (against the float64 JS kernel)", () => {
    const n = 1_000_000;
    const x = logits(n, 7);
    setBackend("js");
    const ref = softmax({ data: Float64Array.from(x), shape: [n] }).data as Float64Array;
    const refLog = logSoftmax({ data: Float64Array.from(x), shape: [n] }).data as Float64Array;
    const y = run("softmax", x, [n], { precision: "fast" }, WASM);
    const yl = run("logSoftmax", x, [n], { precision: "fast" }, WASM);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, ulpError(y[i] as number, ref[i] as number), ulpError(yl[i] as number, refLog[i] as number));
    expect(worst).toBeLessThanOrEqual(2.5);
  });
});

describe("WASM kernels against the JavaScript kernels", () => {
  it("exact mode gives the JS kernel's float32 results on random rows, every function, every axis of a 3-d tensor", () => {
    const shape = [6, 37, 20];
    const x = logits(6 * 37 * 20, 11);
    for (const fn of ["softmax", "logSoftmax", "logSumExp"] as Fn[]) {
      for (const axis of [0, 1, 2, -1]) {
        const js = run(fn, x, shape, { axis }, "js");
        const wasm = run(fn, x, shape, { axis, precision: "exact" }, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        let same = 0;
        for (let i = 0; i < js.length; i++) {
          if (Object.is(js[i], wasm[i])) same++;
          else expect(ulpError(wasm[i] as number, js[i] as number)).toBeLessThanOrEqual(1);
        }
        expect(same / js.length).toBeGreaterThanOrEqual(0.9999);
      }
    }
  });

  it("special rows match the JS kernel exactly (NaN, ±Infinity, all -Infinity, -Infinity entries, -0, huge)", () => {
    const n = 24;
    const rows: number[][] = [
      Array.from({ length: n }, (_, i) => i / 3),
      Array.from({ length: n }, (_, i) => (i === 5 ? Number.NaN : i)),
      Array.from({ length: n }, (_, i) => (i === 7 || i === 20 ? Number.POSITIVE_INFINITY : i)),
      Array.from({ length: n }, () => Number.NEGATIVE_INFINITY),
      Array.from({ length: n }, (_, i) => (i % 3 === 0 ? Number.NEGATIVE_INFINITY : -i)),
      Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -0 : 0)),
      Array.from({ length: n }, (_, i) => 3e38 - i * 1e37),
      Array.from({ length: n }, (_, i) => (i === 0 ? Number.NaN : Number.NEGATIVE_INFINITY)),
      Array.from({ length: n }, (_, i) => (i < 17 ? Number.NEGATIVE_INFINITY : i)),
      Array.from({ length: n }, (_, i) => -1e-30 * i),
    ];
    const x = Float32Array.from(rows.flat());
    for (const fn of ["softmax", "logSoftmax", "logSumExp"] as Fn[]) {
      for (const mode of MODES) {
        for (const onFullyMasked of ["zeros", "nan"]) {
          const js = run(fn, x, [rows.length, n], { onFullyMasked }, "js");
          const wasm = run(fn, x, [rows.length, n], { precision: mode, onFullyMasked }, WASM);
          for (let i = 0; i < js.length; i++) {
            const a = js[i] as number;
            const b = wasm[i] as number;
            if (!Number.isFinite(a) || a === 0 || mode === "exact") expect(Object.is(a, b), `${fn} ${mode} [${i}] ${a} vs ${b}`).toBe(true);
            else expect(ulpError(b, a)).toBeLessThanOrEqual(2.5);
          }
        }
      }
    }
  });

  it("masks: masked entries give 0 / -Infinity and do not count; fully masked rows follow onFullyMasked", () => {
    const rows = 9;
    const n = 40;
    const x = logits(rows * n, 5);
    const where = Array.from({ length: rows }, (_, r) => Array.from({ length: n }, (_, i) => (r === 4 ? false : (i * 7 + r) % 5 !== 0)));
    for (const fn of ["softmax", "logSoftmax", "logSumExp"] as Fn[]) {
      const js = run(fn, x, [rows, n], { where }, "js");
      const wasm = run(fn, x, [rows, n], { where, precision: "exact" }, WASM);
      expect(wasm.length).toBe(js.length);
      for (let i = 0; i < js.length; i++) expect(Object.is(js[i], wasm[i]) || ulpError(wasm[i] as number, js[i] as number) <= 1).toBe(true);
      expect(() => run(fn, x, [rows, n], { where, onFullyMasked: "error" }, WASM)).toThrow(expect.objectContaining({ code: "FULLY_MASKED" }));
    }
  });

  it("non-last axes (transposed in WASM, edges not multiples of 4) with masks match the JS kernel", () => {
    const shape = [7, 9, 5];
    const x = logits(7 * 9 * 5, 9);
    const where = { data: Uint8Array.from({ length: x.length }, (_, i) => (i % 7 === 3 ? 0 : 1)), shape };
    for (const fn of ["softmax", "logSoftmax", "logSumExp"] as Fn[]) {
      for (const axis of [0, 1]) {
        const js = run(fn, x, shape, { axis, where }, "js");
        const wasm = run(fn, x, shape, { axis, where, precision: "exact" }, WASM);
        expect(lastBackend()).toBe(ran("exact"));
        for (let i = 0; i < js.length; i++) expect(Object.is(js[i], wasm[i]) || ulpError(wasm[i] as number, js[i] as number) <= 1).toBe(true);
      }
    }
  });

  it("wide non-last axes (strips of columns, padded row pitch, specials inside a strip) match the JS kernel, both modes", () => {
    // [2, 21, 2112]: inner a multiple of 64 and ≥ 2048 (padded pitch), strips of 1560 + 552 columns.
    // [3, 30, 1111]: unpadded, strips of 1092 + 19 columns (edges not multiples of 4).
    for (const shape of [
      [2, 21, 2112],
      [3, 30, 1111],
    ]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = logits(size, size);
      const inner = shape[2] as number;
      x[5 * inner + 1700] = Number.NaN; // slice (0, 1700) of axis 1
      x[inner + 3] = Number.POSITIVE_INFINITY; // slice (0, 3)
      x[2 * inner + 7] = Number.NEGATIVE_INFINITY; // an entry of slice (0, 7)
      const where = { data: Uint8Array.from({ length: size }, (_, i) => (i % 11 === 4 ? 0 : 1)), shape };
      for (const fn of ["softmax", "logSoftmax", "logSumExp"] as Fn[]) {
        for (const options of [{ axis: 1 }, { axis: 1, where }]) {
          const js = run(fn, x, shape, options, "js");
          for (const mode of MODES) {
            const wasm = run(fn, x, shape, { ...options, precision: mode }, WASM);
            expect(lastBackend()).toBe(ran(mode));
            expect(wasm.length).toBe(js.length);
            let bad = 0;
            for (let i = 0; i < js.length; i++) {
              const a = js[i] as number;
              const b = wasm[i] as number;
              if (mode === "exact" || !Number.isFinite(a) || a === 0) {
                if (!(Object.is(a, b) || (mode === "exact" && ulpError(b, a) <= 1))) bad++;
              } else if (ulpError(b, a) > 2.5) bad++;
            }
            expect(bad, `${fn} ${mode} ${shape.join("×")}`).toBe(0);
          }
        }
      }
    }
  });

  it("in place: out may be the input itself", () => {
    const x = logits(64 * 30, 3);
    const expected = run("softmax", x, [64, 30], {}, "js");
    const copy = Float32Array.from(x);
    setBackend(WASM);
    softmax({ data: copy, shape: [64, 30] }, { out: copy });
    expect(Array.from(copy)).toEqual(Array.from(expected));
  });

  it("property: any float32 row (NaN, ±Infinity, -0, subnormals included) matches the JS kernel: exact bit for bit, fast within 2.5 ulp", () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom("softmax", "logSoftmax", "logSumExp"),
        (row, reps, fn) => {
          const n = row.length;
          const x = new Float32Array(n * reps);
          for (let r = 0; r < reps; r++) x.set(row, r * n);
          const js = run(fn as Fn, x, [reps, n], {}, "js");
          const exact = run(fn as Fn, x, [reps, n], { precision: "exact" }, WASM);
          const fast = run(fn as Fn, x, [reps, n], { precision: "fast" }, WASM);
          for (let i = 0; i < js.length; i++) {
            const a = js[i] as number;
            if (!(Object.is(a, exact[i]) || ulpError(exact[i] as number, a) <= 1)) return false;
            if (!Number.isFinite(a) || a === 0) {
              if (!(Object.is(a, fast[i]) || (a === 0 && Math.abs(fast[i] as number) <= 2 ** -148))) return false;
            } else if (ulpError(fast[i] as number, a) > 3) return false;
          }
          return true;
        },
      ),
      { numRuns: 300, seed: 20260 },
    );
  });
});
