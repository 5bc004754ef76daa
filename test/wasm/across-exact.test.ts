/**
 * Exact softmax, log-softmax and log-sum-exp across short slices of a non-last axis: the WASM kernels whose f64x2 lanes
 * hold two slices at once (`softmax_cols_exact`, `stats_cols_exact` + `logsoftmax_cols_exact`, no transpose). Checked
 * against 40-digit decimal.js (every output correctly rounded), against the JavaScript kernel (the same bits, special
 * values included), with masks and fully masked slices; `acrossCount` shows that the across route ran (the transposes
 * give the same bits, so results alone cannot tell).
 */
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { lastBackend, setBackend, wasmSupported } from "../../src/index.js";
import { acrossCount, acrossSlices, rowsExact, runsAcross } from "../../src/kernels/wasm/slices.js";
import { ALL, axisSlices, diffs, type Fn, runFn } from "./helpers.js";
import { logits, ran, referenceRow, ulpError, WASM } from "./reference.js";

/** fn along axis 1 of [outer, n, inner] with a forced backend (exact precision); the flat result. */
function run(fn: Fn, x: Float32Array, shape: number[], options: Record<string, unknown>, backend: "js" | typeof WASM): Float32Array {
  return runFn(fn, x, shape, { axis: 1, ...options }, backend);
}

/** The WASM result, and how many slices the exact across-slices kernels ran for it. */
function across(fn: Fn, x: Float32Array, shape: number[], options: Record<string, unknown> = {}): { y: Float32Array; ran: number } {
  // last-axis rows of 2 to 4 (inner 1) take their own kernel, rows_exact, which skips the transposes too
  const before = acrossCount.exact + rowsExact.rows;
  const y = run(fn, x, shape, { precision: "exact", ...options }, WASM);
  expect(lastBackend()).toBe(ran("exact"));
  return { y, ran: acrossCount.exact + rowsExact.rows - before };
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Seeded random shapes [outer ≥ 2, n in 2..40, inner] (inner a multiple of 4 or not) with logits of a scale and a shift
 * (shifts of +1500 and -1000 put K = round(m/ln2) out of the direct loop's range: the general loop, x - m by TwoSum).
 */
function randomCases(seed: number, count: number): { shape: number[]; scale: number; shift: number }[] {
  let a = seed;
  const next = (k: number): number => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return (a >>> 8) % k;
  };
  const inners = [1, 3, 4, 5, 7, 8, 12, 13, 20, 33, 36];
  const scales = [0.01, 1, 4, 40];
  const shifts = [0, 0, 0, 1500, -1000];
  return Array.from({ length: count }, () => ({
    shape: [2 + next(2), 2 + next(39), inners[next(inners.length)] as number],
    scale: scales[next(scales.length)] as number,
    shift: shifts[next(shifts.length)] as number,
  }));
}

function shifted(n: number, seed: number, scale: number, shift: number): Float32Array {
  const x = logits(n, seed, scale);
  for (let i = 0; i < n; i++) x[i] = (x[i] as number) + shift;
  return x;
}

/**
 * Seeded [2, 9, 13] logits with special slices along axis 1 (inner 13: the last block padded): (0, 0) NaN inside,
 * (0, 1) two +Infinity, (0, 2) all -Infinity, (0, 3) -Infinity entries, (0, 4) -Infinity and one NaN, (0, 5) a maximum
 * of 3e38 with -3e38 beside it, (0, 6) subnormal entries only, (0, 7) ±0, (0, 8) [0, -720, -720, ...] (terms below e^-709:
 * log-softmax -0 at the maximum, from the JS kernel), (0, 9) [0, -745.5, ...], (1, 0) tiny differences (-1e-30·k),
 * (1, 1) a maximum of 3000 (general loop) in a block of ordinary slices, (1, 2) entries 1e-40·k, (1, 3) -3e38 everywhere,
 * (1, 4) m = -2000 with -2000 - 800 beside it.
 */
function specialSlices(seed: number) {
  const shape = [2, 9, 13];
  const [, n, inner] = shape as [number, number, number];
  const x = logits(size(shape), seed);
  const at = (o: number, k: number, j: number): number => o * n * inner + k * inner + j;
  const fill = (o: number, j: number, f: (k: number) => number): void => {
    for (let k = 0; k < n; k++) x[at(o, k, j)] = f(k);
  };
  x[at(0, 3, 0)] = Number.NaN;
  x[at(0, 1, 1)] = Number.POSITIVE_INFINITY;
  x[at(0, 6, 1)] = Number.POSITIVE_INFINITY;
  fill(0, 2, () => Number.NEGATIVE_INFINITY);
  fill(0, 3, (k) => (k % 2 === 0 ? Number.NEGATIVE_INFINITY : (x[at(0, k, 3)] as number)));
  fill(0, 4, (k) => (k === 5 ? Number.NaN : Number.NEGATIVE_INFINITY));
  fill(0, 5, (k) => (k === 0 ? 3e38 : k === 1 ? -3e38 : (x[at(0, k, 5)] as number)));
  fill(0, 6, (k) => k * 1.4e-45 * 37);
  fill(0, 7, (k) => (k % 2 === 0 ? -0 : 0));
  fill(0, 8, (k) => (k === 0 ? 0 : -720));
  fill(0, 9, (k) => (k === 0 ? 0 : -745.5));
  fill(1, 0, (k) => -1e-30 * k);
  fill(1, 1, (k) => 3000 - k);
  fill(1, 2, (k) => 1e-40 * k);
  fill(1, 3, () => -3e38);
  fill(1, 4, (k) => (k === 0 ? -2000 : -2800));
  return { shape, n, inner, x, at };
}

beforeAll(() => {
  expect(wasmSupported()).toBe(true);
});
afterEach(() => {
  acrossSlices.on = true;
  setBackend("auto");
});

describe("exact mode across short slices of a non-last axis", () => {
  it("routes slices of 2 to 48 across (runsAcross); longer ones keep the transposes, with the same bits", () => {
    expect(runsAcross(true, 1)).toBe(false);
    for (const n of [2, 3, 8, 15, 16, 31, 40, 48]) expect(runsAcross(true, n), `n = ${n}`).toBe(true);
    expect(runsAcross(true, 49)).toBe(false);
    const shape = [2, 60, 8];
    const x = logits(size(shape), 61);
    for (const fn of ALL) {
      const { y, ran: count } = across(fn, x, shape);
      expect(count).toBe(0);
      expect(diffs(run(fn, x, shape, {}, "js"), y), fn).toEqual([]);
    }
  });

  it("random shapes: every output correctly rounded against 40-digit decimal.js and the JS kernel's bits", () => {
    let outputs = 0;
    let worst = 0;
    for (const [c, { shape, scale, shift }] of randomCases(20260, 24).entries()) {
      const x = shifted(size(shape), 300 + c, scale, shift);
      const all = axisSlices(shape);
      const refs = all.map((idx) => referenceRow(idx.map((i) => x[i] as number)));
      for (const fn of ALL) {
        const js = run(fn, x, shape, {}, "js");
        const { y, ran: count } = across(fn, x, shape);
        const label = `${fn} ${shape.join("×")} scale ${scale} shift ${shift}`;
        expect(count, label).toBeGreaterThanOrEqual(all.length);
        expect(diffs(js, y), label).toEqual([]);
        all.forEach((idx, s) => {
          const ref = refs[s] as ReturnType<typeof referenceRow>;
          if (fn === "logSumExp") {
            worst = Math.max(worst, ulpError(y[s] as number, ref.logSumExp));
            outputs++;
          } else {
            idx.forEach((i, k) => {
              const r = (fn === "softmax" ? ref.softmax : ref.logSoftmax)[k] as number;
              worst = Math.max(worst, r === 0 ? Math.abs(y[i] as number) / 2 ** -149 : ulpError(y[i] as number, r));
              outputs++;
            });
          }
        });
      }
    }
    // correctly rounded: within half an ulp of the exact value (the float64 reference adds at most 2^-29 ulp)
    expect(worst).toBeLessThanOrEqual(0.5 + 2 ** -28);
    expect(outputs).toBeGreaterThan(10000);
  });

  it("the same bits with the across route turned off (transposes and row kernels)", () => {
    for (const shape of [
      [3, 5, 12],
      [2, 23, 9],
      [2, 40, 100],
    ]) {
      const x = logits(size(shape), size(shape) + 1);
      for (const fn of ALL) {
        const { y, ran: on } = across(fn, x, shape);
        acrossSlices.on = false;
        const { y: rows, ran: off } = across(fn, x, shape);
        acrossSlices.on = true;
        expect(on, `${fn} ${shape.join("×")}`).toBeGreaterThanOrEqual(shape[0]! * shape[2]!);
        expect(off).toBe(0);
        expect(diffs(rows, y), `${fn} ${shape.join("×")}`).toEqual([]);
      }
    }
  });

  it("wide blocks: padded row pitch (inner 2112) and strips of several blocks", () => {
    const shape = [2, 12, 2112];
    const x = logits(size(shape), 77, 6);
    for (const fn of ALL) {
      const js = run(fn, x, shape, {}, "js");
      const { y, ran: count } = across(fn, x, shape);
      expect(count).toBeGreaterThanOrEqual(2 * 2112);
      expect(diffs(js, y), fn).toEqual([]);
    }
  });

  it("special slices (NaN, +Infinity, all -Infinity, huge, tiny, subnormal, terms below e^-709) give the JS kernel's bits", () => {
    const { shape, x } = specialSlices(17);
    for (const fn of ALL) {
      for (const onFullyMasked of ["zeros", "nan"]) {
        const js = run(fn, x, shape, { onFullyMasked }, "js");
        const { y, ran: count } = across(fn, x, shape, { onFullyMasked });
        expect(count).toBeGreaterThanOrEqual(2 * 13);
        expect(diffs(js, y), `${fn} ${onFullyMasked}`).toEqual([]);
      }
    }
  });

  it("log-softmax at the maximum of [0, -720, ...] is -0, as in the JS kernel (the clamped terms are not dropped silently)", () => {
    const shape = [2, 6, 4];
    const x = new Float32Array(size(shape)).fill(-720);
    for (let o = 0; o < 2; o++) for (let j = 0; j < 4; j++) x[o * 24 + j] = 0;
    const js = run("logSoftmax", x, shape, {}, "js");
    const { y } = across("logSoftmax", x, shape);
    expect(Object.is(js[0], -0)).toBe(true);
    expect(diffs(js, y)).toEqual([]);
  });

  it("keeps the digits of outputs near 0 (slices [0, -46, ...] and [0, 0, -30, ...])", () => {
    const shape = [2, 8, 8];
    const x = new Float32Array(size(shape)).fill(-46);
    for (let o = 0; o < 2; o++) {
      for (let j = 0; j < 8; j++) x[o * 64 + j] = 0;
      for (let j = 4; j < 8; j++) {
        x[o * 64 + 8 + j] = 0;
        for (let k = 2; k < 8; k++) x[o * 64 + k * 8 + j] = -30 - j;
      }
    }
    for (const fn of ALL) {
      const { y } = across(fn, x, shape);
      axisSlices(shape).forEach((idx, s) => {
        const ref = referenceRow(idx.map((i) => x[i] as number));
        if (fn === "logSumExp") expect(ulpError(y[s] as number, ref.logSumExp), `${fn} slice ${s}`).toBeLessThanOrEqual(0.5);
        else
          for (const [k, i] of idx.entries()) {
            const r = (fn === "softmax" ? ref.softmax : ref.logSoftmax)[k] as number;
            expect(ulpError(y[i] as number, r), `${fn} slice ${s} [${k}]`).toBeLessThanOrEqual(0.5);
          }
      });
    }
  });

  it("masks: masked entries do not count; fully masked slices follow onFullyMasked; the JS kernel's bits", () => {
    const shape = [3, 10, 22];
    const x = logits(size(shape), 5);
    const data = Uint8Array.from({ length: size(shape) }, (_, i) => {
      const o = Math.floor(i / 220);
      const j = i % 22;
      return o === 1 && j === 5 ? 0 : (i * 7 + o) % 5 !== 0 ? 1 : 0;
    });
    const where = { data, shape };
    for (const fn of ALL) {
      for (const onFullyMasked of ["zeros", "nan"]) {
        const js = run(fn, x, shape, { where, onFullyMasked }, "js");
        const { y, ran: count } = across(fn, x, shape, { where, onFullyMasked });
        expect(count).toBeGreaterThanOrEqual(3 * 22);
        expect(diffs(js, y), `${fn} ${onFullyMasked}`).toEqual([]);
      }
      expect(() => run(fn, x, shape, { where, onFullyMasked: "error", precision: "exact" }, WASM)).toThrow(expect.objectContaining({ code: "FULLY_MASKED" }));
    }
  });

  it("property: any float32 slices (NaN, ±Infinity, -0, subnormals, ±3.4e38) or logits in [-80, 80], n in 2..40, any inner: the JS kernel's bits", () => {
    for (const fn of ALL) {
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 40 }),
          fc.integer({ min: 1, max: 13 }),
          fc.integer({ min: 2, max: 3 }),
          fc.oneof(
            fc.float32Array({ minLength: 40 * 13 * 3, maxLength: 40 * 13 * 3 }),
            // ordinary logits too (any float32 gives mostly 0, 1 and special slices)
            fc.float32Array({ minLength: 40 * 13 * 3, maxLength: 40 * 13 * 3, min: -80, max: 80, noNaN: true }),
          ),
          (n, inner, outer, pool) => {
            const shape = [outer, n, inner];
            const x = pool.subarray(0, size(shape));
            const js = run(fn, x, shape, {}, "js");
            const { y, ran: count } = across(fn, x, shape);
            return count >= outer * inner && diffs(js, y).length === 0;
          },
        ),
        { numRuns: 120, seed: 20263 },
      );
    }
  });
});
