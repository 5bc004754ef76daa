/**
 * Worker threads that fail, in headless Chromium (cross-origin isolated page, the library from `dist/`; the internal
 * test seam `threadTesting` of dist/kernels/wasm/threads.js, the same module instance the library uses):
 * - a Web Worker that fails inside its task, in the middle of a call, while the page's main thread spins waiting for
 *   it: one that stalls there and is `terminate()`d (Chromium ends it once the main thread yields), one that closes
 *   itself there (`self.close()`), each after half-writing its floats with NaN: the call returns the JavaScript kernel's
 *   bits (run in Node) once the deadline passes (2 s floor), not later; `lastBackend()` has no `×2`, threads() is 1, the
 *   worker is gone, and setThreads(2) builds a new pool;
 * - a Web Worker terminated between calls (browsers fire no event for it): its tasks are taken back by the caller,
 *   every result keeps its bits, and the pool is given up once the worker has not woken for 2 s (Chromium ends a
 *   terminated worker only when the page's main thread yields: a worker terminated and called at once in one
 *   synchronous run keeps working, which is harmless);
 * - a Web Worker that never reports ready while setThreads(2) starts the pool (the seam's `spawn`, timeout shortened to
 *   0.4 s): setThreads resolves 1 at the timeout, the worker is gone, calls run on one thread with the JS kernel's bits,
 *   and a later setThreads(2) works;
 * - the library inside a module Web Worker (the caller waits in Atomics.wait with a timeout): a pool worker that
 *   stalls mid-task, the same.
 * Without Chromium these tests fail (test/explorer/browser.ts), never skip.
 */
import { afterAll, describe, expect, it } from "vitest";
import { logits } from "../wasm/reference.js";
import { closeBrowser, fromBase64, OPS, type Op, type Opened, openPage, type Ran, type Spec, toBase64 } from "./page.js";
import { bitDiff, nodeExact } from "./ref.js";

type Lib = typeof import("../../src/index.js");

const SHAPES: { name: string; shape: number[]; at: number; kind: "terminate" | "exit" }[] = [
  // at 2: the second task of a long softmax row (scaling the chunks, after their sums were merged)
  { name: "one row of 10^6", shape: [1, 1_000_000], at: 2, kind: "terminate" },
  { name: "a batch of 256 × 4096", shape: [256, 4096], at: 1, kind: "exit" },
];

const inputs = SHAPES.map(({ shape }) => {
  const x = logits(
    shape.reduce((p, q) => p * q, 1),
    shape[1] as number,
  );
  x[17] = Number.NEGATIVE_INFINITY;
  return { data: toBase64(x), js: nodeExact(x, shape, -1) };
});

/** The deadline's floor (threads.ts, WAIT_MIN_MS). */
const WAIT_MIN_MS = 2000;
const SEAM = "/dist/kernels/wasm/threads.js";

afterAll(async () => {
  await closeBrowser();
});

async function setThreads(o: Opened, n: number): Promise<number> {
  return o.page.evaluate((n) => (window as unknown as { softmaxLib: Lib }).softmaxLib.setThreads(n), n);
}

async function threads(o: Opened): Promise<number> {
  return o.page.evaluate(() => (window as unknown as { softmaxLib: Lib }).softmaxLib.threads());
}

/** Sets the page's test fault (a string evaluated in the page: the seam is imported there, by URL). */
async function fault(o: Opened, f: { worker: number; at: number; kind: string }): Promise<void> {
  await o.page.evaluate(`import(${JSON.stringify(SEAM)}).then((t) => { t.threadTesting.events.length = 0; t.threadTesting.fault = ${JSON.stringify(f)}; })`);
}

async function events(o: Opened): Promise<string[]> {
  return o.page.evaluate(`import(${JSON.stringify(SEAM)}).then((t) => t.threadTesting.events.slice())`) as Promise<string[]>;
}

/** One exact call of every op on the page: the backend `lastBackend()` names, and the JS kernel's bits. */
async function expectExact(o: Opened, shape: number[], data: string, js: Record<Op, Float32Array>, backend: RegExp): Promise<void> {
  const ran = await o.run({ data, shape, axis: -1, precision: "exact" });
  for (const op of OPS) {
    expect(ran[op].backend, op).toMatch(backend);
    expect(bitDiff(fromBase64(ran[op].data), js[op]), op).toEqual({ count: 0, first: [] });
  }
}

describe("a Web Worker that fails", () => {
  it("stalled and terminated, or closed, in the middle of a call on the main thread: the JS kernel's bits at the deadline, then one thread; setThreads(2) rebuilds", async () => {
    const o = await openPage({ isolated: true });
    try {
      for (const [k, { shape, at, kind }] of SHAPES.entries()) {
        const { data, js } = inputs[k] as (typeof inputs)[number];
        const spec: Spec = { data, shape, axis: -1, precision: "exact", ops: ["softmax"] };
        expect(await setThreads(o, 2)).toBe(2);
        expect(o.page.workers()).toHaveLength(1);
        const healthy = (await o.run(spec)).softmax;
        expect(healthy.backend).toMatch(/^wasm-(relaxed-)?exact×2$/);
        expect(bitDiff(fromBase64(healthy.data), js.softmax), "healthy").toEqual({ count: 0, first: [] });
        await fault(o, { worker: 1, at, kind });
        const failed = (await o.run(spec)).softmax;
        expect(bitDiff(fromBase64(failed.data), js.softmax), `${shape}: ${kind} mid-call`).toEqual({ count: 0, first: [] });
        expect(failed.backend).toBe(healthy.backend.replace("×2", ""));
        expect(failed.ms).toBeGreaterThanOrEqual(WAIT_MIN_MS - 1);
        expect(failed.ms).toBeLessThan(WAIT_MIN_MS + 3000);
        expect((await events(o)).join("\n")).toMatch(/worker 1 missed its deadline/);
        expect(await threads(o)).toBe(1);
        await expect.poll(() => o.page.workers().length, { timeout: 10_000 }).toBe(0);
        // The next call runs on one thread at once.
        const after = await o.run({ ...spec, ops: OPS });
        for (const op of OPS) {
          expect(after[op].backend, op).toBe(healthy.backend.replace("×2", ""));
          expect(bitDiff(fromBase64(after[op].data), js[op]), op).toEqual({ count: 0, first: [] });
        }
      }
      expect(await setThreads(o, 2)).toBe(2);
      const { shape } = SHAPES[1] as (typeof SHAPES)[number];
      const { data, js } = inputs[1] as (typeof inputs)[number];
      await expectExact(o, shape, data, js, /^wasm-(relaxed-)?exact×2$/);
      expect(o.pageErrors).toEqual([]);
      expect(o.consoleErrors).toEqual([]);
    } finally {
      await o.close();
    }
  }, 120_000);

  it("one that never reports ready: setThreads(2) resolves 1 at the start-up timeout (shortened), no worker left; one thread; setThreads(2) works", async () => {
    const o = await openPage({ isolated: true });
    try {
      const { shape } = SHAPES[1] as (typeof SHAPES)[number];
      const { data, js } = inputs[1] as (typeof inputs)[number];
      // The seam: a 0.4 s timeout instead of 30 s, and worker 1 blocked before it posts "ready".
      await o.page.evaluate(
        `import(${JSON.stringify(SEAM)}).then((t) => { t.threadTesting.events.length = 0; t.threadTesting.spawn = { timeoutMs: 400, silent: [1], started: [] }; })`,
      );
      const t0 = performance.now();
      expect(await setThreads(o, 2)).toBe(1);
      const ms = performance.now() - t0;
      expect(ms).toBeGreaterThanOrEqual(399);
      expect(ms).toBeLessThan(400 + 5000);
      expect(await events(o)).toContain("setThreads: Error: softmax: worker 1 did not start in time");
      expect(await o.page.evaluate(`import(${JSON.stringify(SEAM)}).then((t) => t.threadTesting.spawn.started.length)`)).toBe(1);
      await expect.poll(() => o.page.workers().length, { timeout: 10_000 }).toBe(0);
      expect(await threads(o)).toBe(1);
      await expectExact(o, shape, data, js, /^wasm-(relaxed-)?exact$/);
      await o.page.evaluate(`import(${JSON.stringify(SEAM)}).then((t) => { t.threadTesting.spawn = null; })`);
      expect(await setThreads(o, 2)).toBe(2);
      expect(o.page.workers()).toHaveLength(1);
      await expectExact(o, shape, data, js, /^wasm-(relaxed-)?exact×2$/);
      expect(o.pageErrors).toEqual([]);
      expect(o.consoleErrors).toEqual([]);
    } finally {
      await o.close();
    }
  }, 120_000);

  it("terminated between calls (no event says so): every call keeps the bits; the pool is given up after 2 s without a wake-up", async () => {
    const o = await openPage({ isolated: true });
    try {
      const { shape } = SHAPES[1] as (typeof SHAPES)[number];
      const { data, js } = inputs[1] as (typeof inputs)[number];
      expect(await setThreads(o, 2)).toBe(2);
      expect(o.page.workers()).toHaveLength(1);
      // Chromium ends a terminated worker only once the page's main thread yields (until then it keeps running tasks):
      // terminate it, and wait until it is gone.
      await o.page.evaluate(
        `import(${JSON.stringify(SEAM)}).then((t) => { window.threadTesting = t.threadTesting; t.threadTesting.workers()[0].terminate(); })`,
      );
      await expect.poll(() => o.page.workers().length, { timeout: 10_000 }).toBe(0);
      // Then one synchronous loop in the page: call until the pool is given up (or 8 s).
      const r = await o.page.evaluate(
        ({ data, shape, want }) => {
          const m = (window as unknown as { softmaxLib: Lib }).softmaxLib;
          const seam = (window as unknown as { threadTesting: { events: string[] } }).threadTesting;
          const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
          const x = { data: new Float32Array(bytes.buffer), shape };
          const wb = Uint8Array.from(atob(want), (c) => c.charCodeAt(0));
          const expected = new Uint32Array(wb.buffer);
          seam.events.length = 0;
          const t0 = performance.now();
          const backends: string[] = [];
          let wrong = 0;
          for (;;) {
            const y = m.softmax(x, { axis: -1, precision: "exact" }) as { data: Float32Array };
            const u = new Uint32Array(y.data.buffer, y.data.byteOffset, y.data.length);
            for (let i = 0; i < u.length; i++) if (u[i] !== expected[i]) wrong++;
            backends.push(m.lastBackend());
            if (!m.lastBackend().includes("×") || performance.now() - t0 > 8000) break;
          }
          return { wrong, backends, ms: performance.now() - t0, events: seam.events.filter((e) => !e.includes("taken back")), threads: m.threads() };
        },
        { data, shape, want: toBase64(js.softmax) },
      );
      expect(r.wrong).toBe(0);
      expect(r.backends.length).toBeGreaterThan(1);
      expect(r.backends.slice(0, -1).every((b) => /^wasm-(relaxed-)?exact×2$/.test(b))).toBe(true);
      expect(r.backends.at(-1)).toMatch(/^wasm-(relaxed-)?exact$/);
      expect(r.ms).toBeLessThan(WAIT_MIN_MS + 3000);
      expect(r.events.join("\n")).toMatch(/worker 1 did not wake in 2000 ms/);
      expect(r.threads).toBe(1);
      expect(o.pageErrors).toEqual([]);
    } finally {
      await o.close();
    }
  }, 60_000);

  it("inside a module Web Worker (the caller waits in Atomics.wait): a pool worker that stalls mid-task, the same", async () => {
    const o = await openPage({ isolated: true });
    try {
      const { shape } = SHAPES[0] as (typeof SHAPES)[number];
      const { data, js } = inputs[0] as (typeof inputs)[number];
      type Reply = { ok: boolean; error?: string; threads?: number; threadsAfter?: number; events?: string[]; ops?: Record<Op, Ran> };
      const ask = (message: { threads?: number; fault?: unknown; spec?: Spec }) =>
        o.page.evaluate((msg) => (window as unknown as { inWorker(m: unknown): Promise<Reply> }).inWorker(msg), message);
      const r = await ask({ threads: 2, fault: { worker: 1, at: 1, kind: "stall" }, spec: { data, shape, axis: -1, precision: "exact", ops: ["logSoftmax"] } });
      expect(r.error).toBeUndefined();
      expect(r.threads).toBe(2);
      const ran = (r.ops as Record<Op, Ran>).logSoftmax;
      expect(bitDiff(fromBase64(ran.data), js.logSoftmax)).toEqual({ count: 0, first: [] });
      expect(ran.backend).toMatch(/^wasm-(relaxed-)?exact$/);
      expect(ran.ms).toBeGreaterThanOrEqual(WAIT_MIN_MS - 1);
      expect(ran.ms).toBeLessThan(WAIT_MIN_MS + 3000);
      expect(r.threadsAfter).toBe(1);
      expect((r.events ?? []).join("\n")).toMatch(/worker 1 missed its deadline/);
      // The library's own worker remains; the stalled pool worker is gone.
      await expect.poll(() => o.page.workers().length, { timeout: 10_000 }).toBe(1);
      expect(o.pageErrors).toEqual([]);
    } finally {
      await o.close();
    }
  }, 60_000);
});
