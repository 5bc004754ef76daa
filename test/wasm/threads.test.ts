/** Worker threads: the same float32 results as one thread, for batches and for one long row. */
import { describe, expect, it } from "vitest";
import { lastBackend, logSoftmax, logSumExp, setThreads, softmax, THREAD_MIN_ELEMENTS, threads } from "../../src/index.js";
import { ran, ulpError, useWasmBackend } from "./reference.js";

function logits(size: number, seed: number): Float32Array {
  const x = new Float32Array(size);
  let s = seed;
  for (let i = 0; i < size; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = ((s / 2147483648) * 2 - 1) * 12;
  }
  return x;
}

// The module variant under test (SIMD128, or relaxed SIMD in the "wasm-relaxed" project), on every thread.
useWasmBackend();

describe("threads", () => {
  it("setThreads(2) starts one worker; results match one thread bit for bit (exact) and within 2.5 ulp (fast)", async () => {
    const cases: [number[], number][] = [
      [[64, 4100], -1],
      [[1, 300_001], -1],
      [[600, 500], 0],
    ];
    for (const [shape, axis] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      expect(size).toBeGreaterThanOrEqual(THREAD_MIN_ELEMENTS);
      const x = logits(size, size);
      x[17] = Number.NEGATIVE_INFINITY;
      for (const f of [softmax, logSoftmax, logSumExp] as ((x: unknown, o?: unknown) => { data: Float32Array })[]) {
        await setThreads(1);
        const one = f({ data: x, shape }, { axis }).data;
        const oneFast = f({ data: x, shape }, { axis, precision: "fast" }).data;
        expect(lastBackend()).toBe(ran("fast"));
        expect(await setThreads(2)).toBe(2);
        expect(threads()).toBe(2);
        // Only last-axis work is shared between threads (a non-last axis stays on the calling thread).
        const shared = axis === -1 ? "×2" : "";
        const two = f({ data: x, shape }, { axis }).data;
        expect(lastBackend()).toBe(`${ran("exact")}${shared}`);
        expect(Array.from(two)).toEqual(Array.from(one));
        const twoFast = f({ data: x, shape }, { axis, precision: "fast" }).data;
        expect(lastBackend()).toBe(`${ran("fast")}${shared}`);
        let worst = 0;
        for (let i = 0; i < one.length; i++)
          worst = Math.max(worst, ulpError(twoFast[i] as number, one[i] as number), ulpError(oneFast[i] as number, one[i] as number));
        expect(worst).toBeLessThanOrEqual(3);
      }
    }
  });

  it("one long row on both loops of pass 2 (maximum near 0: direct; near 1500 and 3000: general for fast, then exact)", async () => {
    const n = 300_001;
    for (const shift of [0, 1500, 3000]) {
      const x = logits(n, 11);
      for (let i = 0; i < n; i++) x[i] = Math.fround((x[i] as number) + shift);
      for (const f of [softmax, logSoftmax] as ((x: unknown, o?: unknown) => Float32Array)[]) {
        await setThreads(1);
        const one = f(x, { precision: "exact" });
        expect(await setThreads(2)).toBe(2);
        for (const precision of ["exact", "fast"] as const) {
          const two = f(x, { precision });
          expect(lastBackend()).toBe(`${ran(precision)}×2`);
          let worst = 0;
          for (let i = 0; i < n; i++) worst = Math.max(worst, ulpError(two[i] as number, one[i] as number));
          // exact: one thread's bits; fast: ≤ 2.5 ulp of the exact value, so ≤ 3 of its float32 rounding
          expect(worst).toBeLessThanOrEqual(precision === "exact" ? 0 : 3);
        }
      }
    }
  });

  it("small inputs stay on the calling thread; special long rows fall back to JS", async () => {
    expect(await setThreads(2)).toBe(2);
    softmax(new Float32Array(1000));
    expect(lastBackend()).toBe(ran("exact"));
    const x = logits(THREAD_MIN_ELEMENTS, 3);
    x[5] = Number.NaN;
    const y = softmax(x) as Float32Array;
    expect(y.every((v) => Number.isNaN(v))).toBe(true);
    x[5] = Number.POSITIVE_INFINITY;
    const z = softmax(x) as Float32Array;
    expect(z[5]).toBe(1);
    expect(z.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await setThreads(1)).toBe(1);
    expect(threads()).toBe(1);
  });
});
