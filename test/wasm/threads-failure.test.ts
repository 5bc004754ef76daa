/**
 * Worker threads that fail: a worker that stalls, exits, throws or is terminated, before a call or in the middle of
 * one. Every call must return the bits of a healthy call on one thread (exact mode: the JavaScript kernel's bits, the
 * library's reference; fast mode: one WASM thread's bits), within a bounded time, never a partial result (the failing
 * worker half-writes its floats with NaN first: src/kernels/wasm/threads.ts, threadTesting). A failed call tears the
 * pool down (threads() 1, lastBackend() without ×N); setThreads(n) then builds a new one.
 */
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { lastBackend, logSoftmax, logSumExp, setBackend, setThreads, softmax, threads } from "../../src/index.js";
import { threadTesting } from "../../src/kernels/wasm/threads.js";
import { shapeLogits } from "./helpers.js";
import { ran, ulpError, useWasmBackend, WASM } from "./reference.js";

type Op = "softmax" | "logSoftmax" | "logSumExp";
type Precision = "exact" | "fast";
const FNS = { softmax, logSoftmax, logSumExp } as unknown as Record<Op, (x: unknown, o?: unknown) => { data: Float32Array }>;
/** The deadline's floor in threads.ts (WAIT_MIN_MS): a stalled worker is given up after at least this long. */
const WAIT_MIN_MS = 2000;
/** One long row (chunks merged: two tasks per worker for softmax and logSoftmax) and a batch (one task per worker). */
const LONG: number[] = [1, 300_001];
const BATCH: number[] = [64, 4100];

useWasmBackend();

const input = (shape: number[]): Float32Array => shapeLogits(shape, 6, 17);

/** The bits a healthy call must give: exact, the JS kernel's; fast, one WASM thread's (the pool parked, then back). */
async function expected(op: Op, shape: number[], precision: Precision): Promise<Float32Array> {
  const x = { data: input(shape), shape };
  if (precision === "exact") {
    setBackend("js");
    try {
      return FNS[op](x).data;
    } finally {
      setBackend(WASM);
    }
  }
  const n = threads();
  await setThreads(1);
  const y = FNS[op](x, { precision }).data;
  expect(lastBackend()).toBe(ran("fast"));
  await setThreads(n);
  return y;
}

/**
 * A healthy pool's result: the bits of one thread, except fast mode on one long row, whose chunk sums merge differently
 * (within 2.5 ulp of the exact value, so ≤ 3 ulp of its float32 rounding: test/wasm/threads.test.ts).
 */
async function pooled(y: Float32Array, op: Op, shape: number[], precision: Precision, want: Float32Array): Promise<void> {
  if (precision === "exact" || (shape[0] as number) > 1) {
    sameBits(y, want);
    return;
  }
  const exact = await expected(op, shape, "exact");
  let worst = 0;
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, ulpError(y[i] as number, exact[i] as number));
  expect(worst).toBeLessThanOrEqual(3);
}

/** Runs op and returns its result and how long it took. */
function timed(op: Op, shape: number[], precision: Precision): { y: Float32Array; ms: number } {
  const t0 = performance.now();
  const y = FNS[op]({ data: input(shape), shape }, { precision }).data;
  return { y, ms: performance.now() - t0 };
}

function sameBits(y: Float32Array, want: Float32Array): void {
  expect(y.length).toBe(want.length);
  const a = new Uint32Array(y.buffer, y.byteOffset, y.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  expect(diff).toBe(0);
}

beforeEach(() => {
  threadTesting.fault = null;
  threadTesting.events.length = 0;
});

describe("a worker that fails in the middle of a call", () => {
  it.each([
    { kind: "stall", op: "softmax", shape: LONG, at: 1, precision: "exact", n: 2 },
    { kind: "exit", op: "logSoftmax", shape: BATCH, at: 1, precision: "exact", n: 3 },
    { kind: "terminate", op: "softmax", shape: BATCH, at: 1, precision: "fast", n: 2 },
    { kind: "terminate", op: "softmax", shape: LONG, at: 2, precision: "exact", n: 3 },
    { kind: "stall", op: "logSoftmax", shape: LONG, at: 2, precision: "fast", n: 2 },
    { kind: "exit", op: "logSumExp", shape: LONG, at: 1, precision: "exact", n: 2 },
  ] as const)(
    "$kind at task $at of the last of $n threads, $op $shape.0×$shape.1 $precision: one thread's bits once the deadline passes; setThreads rebuilds",
    async ({ kind, op, shape, at, precision, n }) => {
      const want = await expected(op, [...shape], precision);
      expect(await setThreads(n)).toBe(n);
      // A healthy call first: the pool runs it (×n) with the same bits.
      const healthy = timed(op, [...shape], precision);
      expect(lastBackend()).toBe(`${ran(precision)}×${n}`);
      await pooled(healthy.y, op, [...shape], precision, want);
      threadTesting.fault = { worker: n - 1, at, kind };
      const failed = timed(op, [...shape], precision);
      sameBits(failed.y, want);
      expect(lastBackend()).toBe(ran(precision));
      expect(threads()).toBe(1);
      expect(threadTesting.events.join("\n")).toMatch(new RegExp(`worker ${n - 1} missed its deadline`));
      // Given up at the deadline's floor (the caller's own share is well under 10 ms here), not later.
      expect(failed.ms).toBeGreaterThanOrEqual(WAIT_MIN_MS - 1);
      expect(failed.ms).toBeLessThan(WAIT_MIN_MS + 3000);
      // The pool is gone: the next call runs on one thread at once; setThreads(n) builds a new pool.
      sameBits(timed(op, [...shape], precision).y, want);
      expect(lastBackend()).toBe(ran(precision));
      expect(await setThreads(n)).toBe(n);
      const rebuilt = timed(op, [...shape], precision);
      expect(lastBackend()).toBe(`${ran(precision)}×${n}`);
      await pooled(rebuilt.y, op, [...shape], precision, want);
    },
    30_000,
  );

  it("a worker that throws: the call falls back at once (no deadline), for any op, shape, worker and task", async () => {
    const cases = fc.record({
      op: fc.constantFrom<Op>("softmax", "logSoftmax", "logSumExp"),
      long: fc.boolean(),
      precision: fc.constantFrom<Precision>("exact", "fast"),
      n: fc.integer({ min: 2, max: 4 }),
      worker: fc.integer({ min: 1, max: 3 }),
      second: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ op, long, precision, n, worker, second }) => {
        threadTesting.events.length = 0;
        const shape = long ? LONG : BATCH;
        // Long softmax and logSoftmax rows post two tasks per worker (chunk sums, then scaling); the rest one.
        const at = second && long && op !== "logSumExp" ? 2 : 1;
        const w = Math.min(worker, n - 1);
        const want = await expected(op, shape, precision);
        expect(await setThreads(n)).toBe(n);
        threadTesting.fault = { worker: w, at, kind: "throw" };
        const { y, ms } = timed(op, shape, precision);
        sameBits(y, want);
        expect(lastBackend()).toBe(ran(precision));
        expect(threads()).toBe(1);
        expect(threadTesting.events).toContain(`worker ${w} threw`);
        expect(ms).toBeLessThan(WAIT_MIN_MS);
      }),
      { numRuns: 12, seed: 20264 },
    );
  }, 120_000);
});

describe("a worker that dies between calls", () => {
  it("terminated, its exit seen: the next call runs on one thread at once, with the same bits", async () => {
    for (const precision of ["exact", "fast"] as const) {
      threadTesting.events.length = 0;
      const want = await expected("softmax", BATCH, precision);
      expect(await setThreads(3)).toBe(3);
      const w = threadTesting.workers()[1];
      expect(w).toBeDefined();
      // Node: terminate() resolves after the 'exit' event, which marks the pool broken.
      await w?.terminate();
      const { y, ms } = timed("softmax", BATCH, precision);
      sameBits(y, want);
      expect(lastBackend()).toBe(ran(precision));
      expect(threads()).toBe(1);
      expect(threadTesting.events.join("\n")).toMatch(/worker 2 exit[\s\S]*a worker failed between calls/);
      expect(ms).toBeLessThan(WAIT_MIN_MS);
    }
  });

  it("terminated with no event turn before the calls: correct bits on every call; the pool is given up within the deadline", async () => {
    const want = await expected("logSoftmax", LONG, "exact");
    expect(await setThreads(2)).toBe(2);
    void threadTesting.workers()[0]?.terminate();
    // No await from here on: the 'exit' event cannot arrive. The worker dies before or after claiming its first task:
    // its tasks are taken back by the caller (results ×2) until it has not woken for WAIT_MIN_MS, or it misses the
    // first task's deadline; either way the pool is then given up.
    const t0 = performance.now();
    let calls = 0;
    for (;;) {
      const { y } = timed("logSoftmax", LONG, "exact");
      calls++;
      sameBits(y, want);
      if (lastBackend() === ran("exact")) break;
      expect(lastBackend()).toBe(`${ran("exact")}×2`);
      expect(performance.now() - t0).toBeLessThan(WAIT_MIN_MS + 3000);
    }
    expect(performance.now() - t0).toBeLessThan(WAIT_MIN_MS + 3000);
    expect(threads()).toBe(1);
    expect(threadTesting.events.join("\n")).toMatch(/worker 1 (did not wake in|missed its deadline)/);
    expect(calls).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
