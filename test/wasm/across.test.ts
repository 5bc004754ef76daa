/**
 * Fast softmax, log-softmax and log-sum-exp across short slices of a non-last axis (4 ≤ n < 32, inner a multiple of 4):
 * the WASM kernels whose SIMD lanes hold four slices at once (`softmax_cols_fast`, `stats_cols_fast` +
 * `logsoftmax_cols_fast`, no transpose). Checked against 40-digit decimal.js (≤ 2.5 ulp),
 * against the JavaScript kernel (special values bit for bit), with masks and fully masked slices.
 */
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { lastBackend, setBackend, wasmSupported } from "../../src/index.js";
import { axisSlices, badFast, type Fn, runFn } from "./helpers.js";
import { logits, ran, referenceRow, ulpError, WASM } from "./reference.js";

function run(x: Float32Array, shape: number[], options: Record<string, unknown>, backend: "js" | typeof WASM): Float32Array {
  return runFn("softmax", x, shape, options, backend);
}

/**
 * The shapes of both describes. [3, 13, 20]: n under 16; [4, 4, 36]: the shortest routed slices; [2, 31, 100]: the
 * longest; [2, 24, 2112]: a padded row pitch and strips of 1364 + 748 columns; [1, 16, 12]: inner a multiple of 4, not 16.
 */
const SHAPES = [
  [3, 13, 20],
  [4, 4, 36],
  [2, 31, 100],
  [2, 24, 2112],
  [1, 16, 12],
];

/**
 * Seeded [2, 8, 12] logits with special slices along axis 1: (0, 0) NaN inside, (0, 1) two +Infinity, (0, 2) all
 * -Infinity, (0, 3) -Infinity entries, (1, 4) ±0, (1, 5) huge, (1, 6) NaN and -Infinity, (1, 7) tiny differences.
 */
function specialSlices(seed: number) {
  const shape = [2, 8, 12];
  const [, n, inner] = shape as [number, number, number];
  const x = logits(2 * n * inner, seed);
  const at = (o: number, k: number, j: number): number => o * n * inner + k * inner + j;
  x[at(0, 3, 0)] = Number.NaN;
  x[at(0, 1, 1)] = Number.POSITIVE_INFINITY;
  x[at(0, 6, 1)] = Number.POSITIVE_INFINITY;
  for (let k = 0; k < n; k++) x[at(0, k, 2)] = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k += 2) x[at(0, k, 3)] = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) x[at(1, k, 4)] = k % 2 === 0 ? -0 : 0;
  for (let k = 0; k < n; k++) x[at(1, k, 5)] = 3e38 - k * 1e37;
  for (let k = 0; k < n; k++) x[at(1, k, 6)] = k === 0 ? Number.NaN : Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) x[at(1, k, 7)] = -1e-30 * k;
  return { shape, n, x, at };
}

/** Seeded [3, 10, 24] logits and a mask: slice (1, 5) fully masked, others masked at about one entry in five. */
function maskedSlices(seed: number) {
  const shape = [3, 10, 24];
  const size = 3 * 10 * 24;
  const x = logits(size, seed);
  const data = Uint8Array.from({ length: size }, (_, i) => {
    const o = Math.floor(i / 240);
    const j = i % 24;
    return o === 1 && j === 5 ? 0 : (i * 7 + o) % 5 !== 0 ? 1 : 0;
  });
  return { shape, size, x, data, where: { data, shape } };
}

/** Property: fn across any float32 slices (4 ≤ n < 32, inner a multiple of 4) matches the JS kernel within 2.5 ulp. */
function matchesJsOnAnySlices(fn: Fn, numRuns: number, seed: number): void {
  fc.assert(
    fc.property(
      fc.integer({ min: 4, max: 31 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 2 }),
      fc.float32Array({ minLength: 31 * 20 * 2, maxLength: 31 * 20 * 2 }),
      (n, quads, outer, pool) => {
        const shape = [outer, n, quads * 4];
        const x = pool.subarray(0, outer * n * quads * 4);
        const js = runFn(fn, x, shape, { axis: 1 }, "js");
        const fast = runFn(fn, x, shape, { axis: 1, precision: "fast" }, WASM);
        return lastBackend() === ran("fast") && badFast(js, fast, 2.5) === 0;
      },
    ),
    { numRuns, seed },
  );
}

beforeAll(() => {
  expect(wasmSupported()).toBe(true);
});
afterEach(() => setBackend("auto"));

describe("fast softmax across short slices of a non-last axis", () => {
  it("within 2.5 ulp of 40-digit decimal.js, scales 0.01, 4 and 40", () => {
    for (const shape of SHAPES) {
      for (const scale of [0.01, 4, 40]) {
        const size = shape.reduce((a, b) => a * b, 1);
        const x = logits(size, size + scale, scale);
        const y = run(x, shape, { axis: 1, precision: "fast" }, WASM);
        expect(lastBackend()).toBe(ran("fast"));
        let worst = 0;
        // every slice of the small shapes, every 7th of the wide one (decimal.js is slow)
        const all = axisSlices(shape);
        for (let s = 0; s < all.length; s += all.length > 1000 ? 7 : 1) {
          const idx = all[s] as number[];
          const ref = referenceRow(idx.map((i) => x[i] as number)).softmax;
          idx.forEach((i, k) => {
            const r = ref[k] as number;
            worst = Math.max(worst, r === 0 ? Math.abs(y[i] as number) / 2 ** -149 : ulpError(y[i] as number, r));
          });
        }
        expect(worst, `${shape.join("×")} scale ${scale}`).toBeLessThanOrEqual(2.5);
      }
    }
  });

  it("special slices (NaN, +Infinity, all -Infinity, -Infinity entries, -0, huge) match the JS kernel", () => {
    const { shape, n, x, at } = specialSlices(11);
    for (const onFullyMasked of ["zeros", "nan"]) {
      const js = run(x, shape, { axis: 1, onFullyMasked }, "js");
      const fast = run(x, shape, { axis: 1, onFullyMasked, precision: "fast" }, WASM);
      expect(lastBackend()).toBe(ran("fast"));
      expect(badFast(js, fast, 2.5), onFullyMasked).toBe(0);
      for (const j of [0, 1, 2]) for (let k = 0; k < n; k++) expect(Object.is(fast[at(0, k, j)], js[at(0, k, j)])).toBe(true);
    }
  });

  it("masks: masked entries give 0 and do not count; fully masked slices follow onFullyMasked", () => {
    const { shape, size, x, data, where } = maskedSlices(5);
    for (const onFullyMasked of ["zeros", "nan"]) {
      const js = run(x, shape, { axis: 1, where, onFullyMasked }, "js");
      const fast = run(x, shape, { axis: 1, where, onFullyMasked, precision: "fast" }, WASM);
      expect(lastBackend()).toBe(ran("fast"));
      expect(badFast(js, fast, 2.5), onFullyMasked).toBe(0);
      for (let i = 0; i < size; i++) if (data[i] === 0) expect(Object.is(fast[i], js[i])).toBe(true);
    }
    expect(() => run(x, shape, { axis: 1, where, onFullyMasked: "error", precision: "fast" }, WASM)).toThrow(expect.objectContaining({ code: "FULLY_MASKED" }));
  });

  it("huge differences (x = 7.9e6, m = 1.4e14: the float32 difference's error is huge) give 0, not NaN, across slices and along rows", () => {
    // Regression: the error term of a clamped difference was added to the exp argument (e·2^64 overflowed, the slice NaN).
    for (const [shape, axis] of [
      [[1, 4, 4], 1],
      [[1, 32], 1],
    ] as [number[], number][]) {
      const x = new Float32Array(shape.reduce((a, b) => a * b, 1));
      x[0] = 7914649.5;
      x[4] = 140737505132544;
      const js = run(x, shape, { axis }, "js");
      for (const precision of ["fast", "exact"] as const) {
        const wasm = run(x, shape, { axis, precision }, WASM);
        expect(lastBackend()).toBe(ran(precision));
        for (let i = 0; i < js.length; i++) expect(Object.is(wasm[i], js[i]), `${shape.join("×")} ${precision} [${i}]`).toBe(true);
      }
    }
  });

  it("exact mode on the same shapes still gives the JS kernel's bits", () => {
    for (const shape of SHAPES) {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = logits(size, size);
      const js = run(x, shape, { axis: 1 }, "js");
      const exact = run(x, shape, { axis: 1, precision: "exact" }, WASM);
      expect(lastBackend()).toBe(ran("exact"));
      let diff = 0;
      for (let i = 0; i < size; i++) if (!Object.is(js[i], exact[i])) diff++;
      expect(diff, shape.join("×")).toBe(0);
    }
  });

  it("property: any float32 slices (NaN, ±Infinity, -0, subnormals included), 4 ≤ n < 32, match the JS kernel within 2.5 ulp", () => {
    matchesJsOnAnySlices("softmax", 200, 20261);
  });
});

describe("fast logSoftmax and logSumExp across short slices of a non-last axis", () => {
  const FAST = ["logSoftmax", "logSumExp"] as const;

  it("within 2.5 ulp of 40-digit decimal.js, scales 0.01, 4 and 40", () => {
    for (const shape of SHAPES) {
      for (const scale of [0.01, 4, 40]) {
        const size = shape.reduce((a, b) => a * b, 1);
        const x = logits(size, size + scale + 7, scale);
        const ys = FAST.map((fn) => runFn(fn, x, shape, { axis: 1, precision: "fast" }, WASM));
        expect(lastBackend()).toBe(ran("fast"));
        const worst = [0, 0];
        // every slice of the small shapes, every 13th of the wide one (decimal.js is slow)
        const all = axisSlices(shape);
        for (let s = 0; s < all.length; s += all.length > 1000 ? 13 : 1) {
          const idx = all[s] as number[];
          const ref = referenceRow(idx.map((i) => x[i] as number));
          idx.forEach((i, k) => {
            worst[0] = Math.max(worst[0] as number, ulpError(ys[0]?.[i] as number, ref.logSoftmax[k] as number));
          });
          worst[1] = Math.max(worst[1] as number, ulpError(ys[1]?.[s] as number, ref.logSumExp));
        }
        FAST.forEach((fn, f) => {
          expect(worst[f], `${fn} ${shape.join("×")} scale ${scale}`).toBeLessThanOrEqual(2.5);
        });
      }
    }
  });

  it("keeps the digits of outputs near 0 (slices [0, -46, -46, ...] and [0, 0, -30, ...])", () => {
    const shape = [1, 8, 8];
    const x = new Float32Array(64).fill(-46);
    for (let j = 0; j < 8; j++) x[j] = 0; // row k = 0: the maximum of every slice
    for (let j = 4; j < 8; j++) {
      x[8 + j] = 0; // slices 4..7: two maxima
      for (let k = 2; k < 8; k++) x[k * 8 + j] = -30 - j;
    }
    for (const fn of FAST) {
      const y = runFn(fn, x, shape, { axis: 1, precision: "fast" }, WASM);
      expect(lastBackend()).toBe(ran("fast"));
      axisSlices(shape).forEach((idx, s) => {
        const ref = referenceRow(idx.map((i) => x[i] as number));
        if (fn === "logSumExp") expect(ulpError(y[s] as number, ref.logSumExp), `${fn} slice ${s}`).toBeLessThanOrEqual(2.5);
        else
          for (const [k, i] of idx.entries()) expect(ulpError(y[i] as number, ref.logSoftmax[k] as number), `${fn} slice ${s} [${k}]`).toBeLessThanOrEqual(2.5);
      });
    }
  });

  it("special slices (NaN, +Infinity, all -Infinity, -Infinity entries, -0, huge) match the JS kernel", () => {
    const { shape, n, x, at } = specialSlices(13);
    for (const fn of FAST) {
      for (const onFullyMasked of ["zeros", "nan"]) {
        const js = runFn(fn, x, shape, { axis: 1, onFullyMasked }, "js");
        const fast = runFn(fn, x, shape, { axis: 1, onFullyMasked, precision: "fast" }, WASM);
        expect(lastBackend()).toBe(ran("fast"));
        expect(badFast(js, fast, 2.5), `${fn} ${onFullyMasked}`).toBe(0);
        for (const j of [0, 1, 2]) {
          if (fn === "logSumExp") expect(Object.is(fast[j], js[j]), `${fn} slice ${j}`).toBe(true);
          else for (let k = 0; k < n; k++) expect(Object.is(fast[at(0, k, j)], js[at(0, k, j)]), `${fn} [${k}, ${j}]`).toBe(true);
        }
      }
    }
  });

  it("masks: masked entries do not count (logSoftmax gives -Infinity there); fully masked slices follow onFullyMasked", () => {
    const { shape, size, x, data, where } = maskedSlices(9);
    for (const fn of FAST) {
      for (const onFullyMasked of ["zeros", "nan"]) {
        const js = runFn(fn, x, shape, { axis: 1, where, onFullyMasked }, "js");
        const fast = runFn(fn, x, shape, { axis: 1, where, onFullyMasked, precision: "fast" }, WASM);
        expect(lastBackend()).toBe(ran("fast"));
        expect(badFast(js, fast, 2.5), `${fn} ${onFullyMasked}`).toBe(0);
        if (fn === "logSoftmax")
          for (let i = 0; i < size; i++)
            if (data[i] === 0) expect(Object.is(fast[i], js[i])).toBe(true);
            else expect(Object.is(fast[24 + 5], js[24 + 5])).toBe(true);
      }
      expect(() => runFn(fn, x, shape, { axis: 1, where, onFullyMasked: "error", precision: "fast" }, WASM)).toThrow(
        expect.objectContaining({ code: "FULLY_MASKED" }),
      );
    }
  });

  it("property: any float32 slices (NaN, ±Infinity, -0, subnormals included), 4 ≤ n < 32, match the JS kernel within 2.5 ulp", () => {
    for (const fn of FAST) matchesJsOnAnySlices(fn, 150, 20262);
  });
});
