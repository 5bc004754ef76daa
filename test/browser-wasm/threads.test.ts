/**
 * Worker threads in headless Chromium (Web Workers on a shared WebAssembly
 * memory), the library loaded as ES modules from `dist/`:
 * - a cross-origin isolated page (COOP same-origin + COEP require-corp):
 *   `await setThreads(2)` resolves 2 and starts one Web Worker; a row of 10^6
 *   and a batch of 256 × 4096 give the bits of one thread (exact mode: also
 *   the bits of the JavaScript kernel in Node; fast mode: the batch bit for
 *   bit, the long row, whose chunk sums merge differently, within 2.5 ulp of
 *   the double-double reference), and `lastBackend()` says `×2`. That the
 *   worker did its share shows in the bits: its rows (or its chunk's sums) are
 *   computed nowhere else, and Playwright sees the one Web Worker it runs in;
 * - the library inside a module Web Worker (where the calling thread blocks
 *   in Atomics.wait instead of spinning): the same;
 * - a main thread that refuses synchronous WebAssembly (page.ts, REFUSE_SYNC):
 *   `setThreads(2)` alone, without `initWasm()`, loads the kernels;
 * - a page that is not cross-origin isolated, or whose CSP refuses blob:
 *   workers: `setThreads(2)` resolves 1 (how the caller learns it), starts no
 *   worker, throws nothing, and the calls run on one thread with the same bits.
 * Without Chromium these tests fail (test/explorer/browser.ts), never skip.
 */
import { afterAll, describe, expect, it } from "vitest";
import { logits } from "../wasm/reference.js";
import { closeBrowser, fromBase64, OPS, type Op, type Opened, openPage, type Ran, REFUSE_SYNC, type Spec, toBase64 } from "./page.js";
import { bitDiff, nodeExact, reference, slices, worstUlp } from "./ref.js";

type Lib = typeof import("../../src/index.js");

const SHAPES: { name: string; shape: number[] }[] = [
  { name: "one row of 10^6", shape: [1, 1_000_000] },
  { name: "a batch of 256 × 4096", shape: [256, 4096] },
];

const inputs = SHAPES.map(({ shape }) => {
  const x = logits(
    shape.reduce((p, q) => p * q, 1),
    shape[1] as number,
  );
  x[17] = Number.NEGATIVE_INFINITY;
  return { x, data: toBase64(x), js: nodeExact(x, shape, -1) };
});

afterAll(async () => {
  await closeBrowser();
});

/** setThreads(n) in the page: what it resolved to, threads() after it, and whether it threw. */
async function setThreads(o: Opened, n: number): Promise<{ resolved: number | string; threads: number }> {
  return o.page.evaluate(async (n) => {
    const m = (window as unknown as { softmaxLib: Lib }).softmaxLib;
    let resolved: number | string;
    try {
      resolved = await m.setThreads(n);
    } catch (e) {
      resolved = `threw ${String(e)}`;
    }
    return { resolved, threads: m.threads() };
  }, n);
}

describe("threads in a cross-origin isolated page", () => {
  it("setThreads(2) starts one Web Worker; 10^6 row and 256 × 4096 batch: the bits of one thread, lastBackend ×2; stopThreads() ends it", async () => {
    const o = await openPage({ isolated: true });
    try {
      expect(await o.page.evaluate(() => [crossOriginIsolated, typeof SharedArrayBuffer])).toEqual([true, "function"]);
      expect(o.page.workers()).toHaveLength(0);
      for (const [k, { shape }] of SHAPES.entries()) {
        const { x, data, js } = inputs[k] as (typeof inputs)[number];
        const spec = (precision: "exact" | "fast"): Spec => ({ data, shape, axis: -1, precision });
        expect(await setThreads(o, 1)).toEqual({ resolved: 1, threads: 1 });
        const one = { exact: await o.run(spec("exact")), fast: await o.run(spec("fast")) };
        expect(await setThreads(o, 2)).toEqual({ resolved: 2, threads: 2 });
        expect(o.page.workers()).toHaveLength(1);
        const two = { exact: await o.run(spec("exact")), fast: await o.run(spec("fast")) };
        for (const op of OPS) {
          expect(one.exact[op].backend, op).toMatch(/^wasm-(relaxed-)?exact$/);
          expect(two.exact[op].backend, op).toBe(`${one.exact[op].backend}×2`);
          expect(two.fast[op].backend, op).toBe(`${one.fast[op].backend}×2`);
          const e1 = fromBase64(one.exact[op].data);
          expect(bitDiff(fromBase64(two.exact[op].data), e1), `${op} exact, 2 threads vs 1`).toEqual({ count: 0, first: [] });
          expect(bitDiff(e1, js[op]), `${op} exact vs the Node JS kernel`).toEqual({ count: 0, first: [] });
          const f2 = fromBase64(two.fast[op].data);
          if ((shape[0] as number) > 1) {
            expect(bitDiff(f2, fromBase64(one.fast[op].data)), `${op} fast, 2 threads vs 1`).toEqual({ count: 0, first: [] });
          } else {
            const w = worstUlp(f2, reference(op, x, slices(shape, -1)));
            expect(w.ulp, `${op} fast, 2 threads: ${w.where}`).toBeLessThanOrEqual(2.5);
          }
        }
      }
      await o.page.evaluate(() => (window as unknown as { softmaxLib: Lib }).softmaxLib.stopThreads());
      await expect.poll(() => o.page.workers().length, { timeout: 10_000 }).toBe(0);
      expect(await o.page.evaluate(() => (window as unknown as { softmaxLib: Lib }).softmaxLib.threads())).toBe(1);
      expect(o.pageErrors).toEqual([]);
      expect(o.consoleErrors).toEqual([]);
    } finally {
      await o.close();
    }
  }, 180_000);

  it("inside a module Web Worker (the caller blocks in Atomics.wait): setThreads(2) nests one worker, same bits, ×2", async () => {
    const o = await openPage({ isolated: true });
    try {
      const { shape } = SHAPES[0] as (typeof SHAPES)[number];
      const { data, js } = inputs[0] as (typeof inputs)[number];
      type Reply = { ok: boolean; error?: string; isolated?: boolean; threads?: number; ops?: Record<Op, Ran> };
      const ask = (message: { threads?: number; spec?: Spec }) =>
        o.page.evaluate((msg) => (window as unknown as { inWorker(m: unknown): Promise<Reply> }).inWorker(msg), message);
      const one = await ask({ threads: 1, spec: { data, shape, axis: -1, precision: "exact" } });
      expect(one.error).toBeUndefined();
      expect(one.isolated).toBe(true);
      expect(o.page.workers()).toHaveLength(1);
      const two = await ask({ threads: 2, spec: { data, shape, axis: -1, precision: "exact" } });
      expect(two.error).toBeUndefined();
      expect(two.threads).toBe(2);
      expect(o.page.workers()).toHaveLength(2);
      for (const op of OPS) {
        const r1 = (one.ops as Record<Op, Ran>)[op];
        const r2 = (two.ops as Record<Op, Ran>)[op];
        // In a worker the kernels load synchronously: no initWasm() needed.
        expect(r1.backend, op).toMatch(/^wasm-(relaxed-)?exact$/);
        expect(r2.backend, op).toBe(`${r1.backend}×2`);
        expect(bitDiff(fromBase64(r1.data), js[op]), `${op}, 1 thread in a worker`).toEqual({ count: 0, first: [] });
        expect(bitDiff(fromBase64(r2.data), js[op]), `${op}, 2 threads in a worker`).toEqual({ count: 0, first: [] });
      }
      expect(o.pageErrors).toEqual([]);
    } finally {
      await o.close();
    }
  });

  it("on a main thread that refuses synchronous WebAssembly: setThreads(2) alone (no initWasm) loads the kernels; the next call runs ×2", async () => {
    const o = await openPage({ isolated: true }, REFUSE_SYNC);
    try {
      expect(await setThreads(o, 2)).toEqual({ resolved: 2, threads: 2 });
      expect(o.page.workers()).toHaveLength(1);
      const { shape } = SHAPES[1] as (typeof SHAPES)[number];
      const { data, js } = inputs[1] as (typeof inputs)[number];
      const r = await o.run({ data, shape, axis: -1, precision: "exact" });
      for (const op of OPS) {
        expect(r[op].backend, op).toMatch(/^wasm-(relaxed-)?exact×2$/);
        expect(bitDiff(fromBase64(r[op].data), js[op]), op).toEqual({ count: 0, first: [] });
      }
      expect(o.pageErrors).toEqual([]);
    } finally {
      await o.close();
    }
  });
});

describe("without threads", () => {
  it.each([
    { name: "not cross-origin isolated", options: { isolated: false }, browserReports: false },
    { name: "isolated, but a CSP refuses blob: workers", options: { isolated: true, csp: "worker-src 'self'" }, browserReports: true },
  ])("$name: setThreads(2) resolves 1, starts no worker, throws nothing; one thread, the same bits", async ({ options, browserReports }) => {
    const o = await openPage(options);
    try {
      expect(await o.page.evaluate(() => crossOriginIsolated)).toBe(options.isolated);
      expect(await o.page.evaluate(() => (window as unknown as { softmaxLib: Lib }).softmaxLib.initWasm())).toBe(true);
      expect(await setThreads(o, 2)).toEqual({ resolved: 1, threads: 1 });
      expect(o.page.workers()).toHaveLength(0);
      const { shape } = SHAPES[0] as (typeof SHAPES)[number];
      const { data, js } = inputs[0] as (typeof inputs)[number];
      const r = await o.run({ data, shape, axis: -1, precision: "exact" });
      for (const op of OPS) {
        expect(r[op].backend, op).toMatch(/^wasm-(relaxed-)?exact$/);
        expect(bitDiff(fromBase64(r[op].data), js[op]), op).toEqual({ count: 0, first: [] });
      }
      expect(o.pageErrors).toEqual([]);
      // The CSP violation is reported by the browser itself (one console error); nothing else may be.
      expect(o.consoleErrors.filter((e) => !(browserReports && e.includes("violates the following Content Security Policy directive")))).toEqual([]);
      expect(o.consoleErrors.length).toBe(browserReports ? 1 : 0);
    } finally {
      await o.close();
    }
  });
});
