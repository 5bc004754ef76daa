/**
 * A worker that never reports ready while setThreads(n) starts the pool (stuck compiling, a blocked thread): setThreads
 * resolves 1 after the start-up timeout (threads.ts SPAWN_TIMEOUT_MS, 30 s; shortened here through the internal seam
 * threadTesting.spawn, which also makes chosen workers block before posting "ready"), as README "Threads" says of any
 * pool that cannot start. Checked: the time it takes, that every worker it started (the stuck one and the healthy ones)
 * is terminated, that no timer is left pending, that later calls give the JS kernel's bits on one thread (lastBackend()
 * without ×N), and that a later setThreads(2) builds a working pool.
 */
import type { Worker } from "node:worker_threads";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { lastBackend, logSumExp, setBackend, setThreads, softmax, stopThreads, threads } from "../../src/index.js";
import { threadTesting } from "../../src/kernels/wasm/threads.js";
import { shapeLogits } from "./helpers.js";
import { ran, useWasmBackend, WASM } from "./reference.js";

type Fn = (x: unknown, o?: unknown) => { data: Float32Array };
const CALLS: [string, Fn, number[]][] = [
  ["softmax", softmax as unknown as Fn, [64, 4100]],
  ["logSumExp", logSumExp as unknown as Fn, [1, 300_001]],
  ["logSumExp", logSumExp as unknown as Fn, [64, 4100]],
];
const TIMEOUT_MS = 400;
type Seam = NonNullable<typeof threadTesting.spawn>;

useWasmBackend();

const input = (shape: number[]): Float32Array => shapeLogits(shape, 4);

/** The JS kernel's exact bits, per call. */
const want = new Map<number, Uint32Array>();
beforeAll(() => {
  setBackend("js");
  try {
    for (const [i, [, f, shape]] of CALLS.entries()) want.set(i, new Uint32Array(f({ data: input(shape), shape }).data.slice().buffer));
  } finally {
    setBackend(WASM);
  }
});

afterEach(() => {
  threadTesting.spawn = null;
  stopThreads();
});

/** Every call once: the JS kernel's bits, and the backend each ran on. */
function runAll(): string[] {
  const backends: string[] = [];
  for (const [i, [name, f, shape]] of CALLS.entries()) {
    const y = f({ data: input(shape), shape }).data;
    expect(Array.from(new Uint32Array(y.slice().buffer)), `${name} ${shape.join("×")}`).toEqual(Array.from(want.get(i) as Uint32Array));
    backends.push(lastBackend());
  }
  return backends;
}

/** Node's pending timers (process.getActiveResourcesInfo). */
function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

/**
 * Resolves true once no more timers are pending than `before` (within 0.5 s: vitest's own short-lived timers, such as
 * its throttled task updates, come and go; a start-up timer left behind stays for its whole timeout).
 */
async function noTimerLeft(before: number): Promise<boolean> {
  for (const until = performance.now() + 500; ; ) {
    if (timers() <= before) return true;
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once every worker has exited (Node: threadId -1), or after `ms` with those still alive. */
async function alive(workers: readonly unknown[], ms: number): Promise<number> {
  const until = performance.now() + ms;
  for (;;) {
    const left = workers.filter((w) => (w as Worker).threadId !== -1).length;
    if (left === 0 || performance.now() > until) return left;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("setThreads with a worker that never reports ready", () => {
  it.each([
    { n: 2, silent: [1] },
    { n: 3, silent: [2] },
    { n: 4, silent: [1, 3] },
  ])(
    "$n threads, workers $silent silent: resolves 1 after the timeout, no worker left, one thread, then setThreads(2) works",
    async ({ n, silent }) => {
      // A healthy, smaller pool first (n > 2), so that setThreads tears a working pool down before it tries the new one.
      if (n > 2) expect(await setThreads(2)).toBe(2);
      const seam: Seam = { timeoutMs: TIMEOUT_MS, silent, started: [] };
      threadTesting.spawn = seam;
      threadTesting.events.length = 0;
      const before = timers();
      const t0 = performance.now();
      const got = await setThreads(n);
      const ms = performance.now() - t0;
      expect(got).toBe(1);
      expect(threads()).toBe(1);
      // Given up at the timeout (healthy workers start in well under a second here), not at 30 s.
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
      expect(ms).toBeLessThan(TIMEOUT_MS + 4000);
      expect(seam.started.length).toBe(n - 1);
      for (const id of silent) expect(threadTesting.events).toContain(`setThreads: Error: softmax: worker ${id} did not start in time`);
      expect(threadTesting.events.filter((e) => e.startsWith("setThreads: Error")).length).toBe(silent.length);
      // No start-up timer left behind, and every worker started (the silent ones and the healthy ones) terminated.
      expect(await noTimerLeft(before)).toBe(true);
      expect(await alive(seam.started, 5000)).toBe(0);
      // Later calls: one thread (no ×N), the JS kernel's bits.
      expect(runAll()).toEqual(CALLS.map(() => ran("exact")));
      // No silent worker: a new pool starts (its start-up timer cleared at once, not left to fire) and runs the same calls
      // with the same bits.
      const healthy: Seam = { timeoutMs: 20_000, silent: [], started: [] };
      threadTesting.spawn = healthy;
      const idle = timers();
      expect(await setThreads(2)).toBe(2);
      expect(await noTimerLeft(idle)).toBe(true);
      expect(healthy.started.length).toBe(1);
      expect(await alive(healthy.started, 0)).toBe(1);
      expect(runAll()).toEqual(CALLS.map(() => `${ran("exact")}×2`));
    },
    30_000,
  );

  it("the seam's silent workers are really stuck: without the shortened timeout setThreads is still pending after 2 s", async () => {
    const seam: Seam = { timeoutMs: 4000, silent: [1], started: [] };
    threadTesting.spawn = seam;
    let settled = false;
    const p = setThreads(2).then((v) => {
      settled = true;
      return v;
    });
    await new Promise((r) => setTimeout(r, 2000));
    expect(settled).toBe(false);
    expect(await p).toBe(1);
    expect(await alive(seam.started, 5000)).toBe(0);
  }, 30_000);
});
