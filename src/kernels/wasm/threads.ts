/**
 * Worker threads for the WASM kernels: worker_threads in Node, Web Workers in
 * browsers (only when cross-origin isolated, since they need
 * SharedArrayBuffer). Opt-in with `await setThreads(n)`; then calls with at
 * least THREAD_MIN_ELEMENTS elements are shared between the calling thread and
 * n - 1 workers, all running the same module on one shared memory.
 *
 * `setThreads(1)` parks the workers (they stay blocked, unref'd, and cost
 * nothing); `stopThreads()` terminates them.
 *
 * - Several slices: each thread takes a contiguous range of rows.
 * - One long row: each thread takes a chunk and returns its (max m_c,
 *   r_c = Σ e^{x - m_c} - 1); the caller merges them,
 *   S = Σ_c (1 + r_c)·e^{m_c - M} (the chunk holding the first maximum
 *   contributes r_c alone, so log1p keeps its digits), and the threads scale
 *   their chunks with e^{m_c - M}/S (softmax) or write (x - M) - log1p(r)
 *   (logSoftmax). Exact log-sum-exp's chunks run the cheaper stats_lse_exact;
 *   the merged value is kept where its a-priori bound (slices.ts
 *   lseMergedBound) allows, else every chunk runs stats_exact again.
 *
 * The calling thread blocks with Atomics.wait while the workers finish
 * (Node and workers), or spins on Atomics.load (a browser's main thread,
 * where waiting is not allowed). Node-only modules are loaded with a guarded
 * dynamic import, so this file is safe to bundle for browsers.
 *
 * **Worker failure** (a worker that crashed, was terminated, or stalls): a
 * call never hangs and never returns a partial result.
 * - A worker claims each task (state 1 → 2) before running it; after its own
 *   share the caller runs every task still unclaimed itself, so a worker that
 *   is dead before the call (or merely slow to wake) costs no wait. One that
 *   has not woken once in WAIT_MIN_MS while tasks waited for it counts as dead.
 * - A worker that claimed a task has until a deadline, WAIT_MIN_MS +
 *   WAIT_SHARES × the caller's own share, to finish it (checked on each
 *   wake-up of Atomics.wait, given the time left as its timeout, or every 1024
 *   spins). One that misses it (stalled, killed mid-task) or throws (it
 *   reports state 4) fails the call; one whose 'error' / 'exit' /
 *   'messageerror' event arrived between calls fails the next call.
 * - A failed call tears the pool down (threads() is 1 until the next
 *   setThreads(n > 1) builds a new one) and runThreaded returns false: the
 *   hooks then redo the whole call on the calling thread with the
 *   single-thread instance and its own memory, so slices a dead worker
 *   half-wrote, and anything a stalled one still writes into the shared
 *   memory, are never read; lastBackend() has no ×N.
 */
import type { Layout } from "../../tensor/layout.js";
import { dispatchState } from "./backend.js";
import { ensureMemory, initWasm, instantiateAsync, type KernelExports, kernelBytes, relaxedSupported, type SimdVariant, type WasmInstance } from "./runtime.js";
import { copyIn, copyOut, lseCheap, lseErrorBound, lseMergedBound, OP_LOG_SOFTMAX, OP_LOG_SUM_EXP, OP_SOFTMAX, type WasmOp } from "./slices.js";

/** Task codes shared with the worker source. */
const T_SOFTMAX = 0;
const T_LOG_SOFTMAX = 1;
const T_LOG_SUM_EXP = 2;
const T_STATS = 3;
const T_FINISH = 4;
const T_SCALE = 5;
/** A chunk of one long row's exact log-sum-exp: stats_lse_exact (the merge checks its error bound, see runThreaded). */
const T_STATS_LSE = 6;
const T_EXIT = 9;
/**
 * int32 fields per thread slot: state, task, exact, a, b, c, d, rows, n, flag, variant (0 SIMD128, 1 relaxed), fault (a
 * test seam, {@link threadTesting}; 0 in use), wake-ups (counted by the worker).
 */
const SLOT = 16;
/** Slot states: idle (or done), posted, claimed by the worker, taken back by the caller, the worker threw. */
const S_IDLE = 0;
const S_POSTED = 1;
const S_RUNNING = 2;
const S_STOLEN = 3;
const S_FAILED = 4;
/**
 * The deadline of a worker that claimed its task: WAIT_MIN_MS + WAIT_SHARES × the time the caller took for its own
 * (equal) share, counted from when the caller starts waiting for it. Measured over 3.8·10^4 waits (2-core machine, load
 * average 2-6 with other jobs and busy loops, 2-64 threads, rows of 2^18 to 4·10^6 floats): a healthy worker finished
 * at most 136 ms after the caller began to wait (most within 11 ms); with shares of ≥ 1 ms, at most 16 shares
 * after. A deadline missed by a healthy but slow worker costs speed only (the call is redone on one thread, and the pool
 * until the next setThreads), never a wrong result.
 */
const WAIT_MIN_MS = 2000;
const WAIT_SHARES = 100;
/**
 * A worker that has not reported ready by then failed to start: setThreads terminates it and every worker it started,
 * and resolves 1 (threadTesting.spawn shortens it for tests).
 */
const SPAWN_TIMEOUT_MS = 30_000;

/**
 * Runs one task on the kernels `k` with `f64` over their memory. Its source is
 * also the workers' (WORKER_SOURCE embeds `runTask.toString()`), so it refers
 * to nothing outside itself: task codes are literals (see T_* above).
 */
function runTask(
  k: KernelExports,
  f64: Float64Array,
  t: number,
  exact: boolean,
  a: number,
  c: number,
  d: number,
  rows: number,
  n: number,
  flag: number,
  v: number,
  // slices.ts lseErrorBound, passed in: the workers run this function from its text, where an imported name (rewritten
  // by bundlers and test runners) would not resolve; WORKER_SOURCE defines it from its own text
  bound: typeof lseErrorBound,
): void {
  if (!exact && t <= 2 && flag === 0 && n < (t === 2 ? 25 : 16) && rows >= 4) {
    // Fast, short rows (n < 16, log-sum-exp n ≤ 24: slices.ts rowsAcross): four rows per vector, fused; the last rows
    // mod 4 below.
    const r4 = rows & ~3;
    if (t === 0) k.softmax_rows_fast(a, a, d, r4, n);
    else if (t === 1) k.logsoftmax_rows_fast(a, a, d, r4, n);
    else {
      // float32 results over the rows' first floats (each group's written after it is read), then into st[1]
      k.logsumexp_rows_fast(a, a, d, r4, n);
      const f32 = new Float32Array(f64.buffer);
      for (let r = 0, i = d >> 3, j = a >> 2; r < r4; r++, i += 4) f64[i + 1] = f32[j + r] as number;
    }
    if (r4 < rows) runTask(k, f64, t, exact, a + r4 * n * 4, c, d + r4 * 32, rows - r4, n, flag, v, bound);
  } else if (t === 0) {
    // T_SOFTMAX (flag: skip the scaling pass)
    if (exact) k.softmax_exact(a, a, c, d, rows, n, flag);
    else k.softmax_fast(a, a, c, d, rows, n, flag);
  } else if (t === 1 || t === 2 || t === 3) {
    // T_LOG_SOFTMAX, T_LOG_SUM_EXP, T_STATS; exact log-sum-exp as slices.ts lseRows: the cheaper kernel, each row kept
    // where its a-priori bound cannot move it across a float32 rounding boundary, else recomputed by stats_exact (flag 1:
    // stats_exact on every row, slices.ts lseCheap off)
    const cheap = exact && t === 2 && flag === 0;
    if (cheap) k.stats_lse_exact(a, d, rows, n);
    else if (exact) k.stats_exact(a, d, rows, n);
    else k.stats_fast(a, d, rows, n);
    if (t !== 3) {
      for (let r = 0, i = d >> 3; r < rows; r++, i += 4) {
        if (f64[i + 3] !== 0) continue;
        let l = Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
        if (cheap) {
          const y = (f64[i] as number) + l;
          const e = 2 * bound(n, l, y);
          if (!(Math.fround(y - e) === Math.fround(y + e))) {
            k.stats_exact(a + r * n * 4, d + r * 32, 1, n);
            if (f64[i + 3] !== 0) continue;
            l = Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
          }
        }
        // fast log-sum-exp that cancels (slices.ts, settle): flagged, the caller hands the slice to the JS kernel
        if (t === 2 && !exact && (f64[i] as number) < 0 && 2 * Math.abs((f64[i] as number) + l) < l) {
          f64[i + 3] = 1;
          continue;
        }
        f64[i + 1] = t === 2 ? (f64[i] as number) + l : l;
      }
      if (t === 1) {
        if (exact) k.logsoftmax_exact(a, a, d, rows, n);
        else k.logsoftmax_fast(a, a, d, rows, n);
      }
    }
  } else if (t === 4) {
    // T_FINISH
    if (exact) k.logsoftmax_exact(a, a, d, rows, n);
    else k.logsoftmax_fast(a, a, d, rows, n);
  } else if (t === 5) {
    // T_SCALE
    if (exact) k.scale_exact(c, a, n, v);
    else k.scale_fast(a, a, n, v);
  } else if (t === 6) {
    // T_STATS_LSE
    k.stats_lse_exact(a, d, rows, n);
  }
}

const WORKER_SOURCE = `"use strict";
const lseErrorBound = ${lseErrorBound.toString()};
const runTask = ${runTask.toString()};
function start(d, post, quit) {
  const ks = d.bytes.map((b) => b && new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory: d.memory } }).exports);
  const ctl = new Int32Array(d.control);
  const par = new Float64Array(d.params);
  const b = d.id * ${SLOT};
  // Test seam (threadTesting.spawn): a worker that never reports ready, blocked as one stuck while starting.
  if (d.silent) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  post("ready");
  for (;;) {
    const s = Atomics.load(ctl, b);
    // Idle, or taken back by the caller: wait for the next task.
    if (s !== ${S_POSTED}) {
      Atomics.wait(ctl, b, s);
      Atomics.add(ctl, b + 12, 1);
      continue;
    }
    if (Atomics.compareExchange(ctl, b, ${S_POSTED}, ${S_RUNNING}) !== ${S_POSTED}) continue;
    const t = ctl[b + 1];
    if (t === ${T_EXIT}) return;
    try {
      const fault = ctl[b + 11];
      if (fault !== 0) {
        // Test seam (threadTesting): half-write the task's floats, then stall (1), exit (2) or throw (3).
        const a = ctl[b + 3] >> 2;
        new Float32Array(d.memory.buffer).fill(NaN, a, a + ((ctl[b + 7] * ctl[b + 8]) >> 1));
        if (fault === 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        if (fault === 2) return quit();
        throw new Error("softmax: test fault");
      }
      runTask(ks[ctl[b + 10]], new Float64Array(d.memory.buffer), t, ctl[b + 2] === 1, ctl[b + 3], ctl[b + 5], ctl[b + 6], ctl[b + 7], ctl[b + 8], ctl[b + 9], par[d.id], lseErrorBound);
    } catch {
      // Reported to the caller, which finishes the call itself and tears the pool down.
      Atomics.store(ctl, b, ${S_FAILED});
      Atomics.notify(ctl, b);
      return;
    }
    Atomics.store(ctl, b, ${S_IDLE});
    Atomics.notify(ctl, b);
  }
}
if (typeof require === "function") {
  const wt = require("node:worker_threads");
  start(wt.workerData, (m) => wt.parentPort.postMessage(m), () => process.exit(1));
} else {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m), () => self.close());
}
`;

interface WorkerLike {
  terminate(): unknown;
}

/** Set by a worker's 'error', 'exit' or 'messageerror' event: the pool is torn down before its next call. */
interface Health {
  broken: boolean;
}

interface Pool {
  /** Threads in use (the caller included); ≤ size. */
  active: number;
  /** Threads available (workers spawned + the caller). */
  size: number;
  workers: WorkerLike[];
  inst: WasmInstance;
  /** The relaxed-SIMD instance on the same memory (null where relaxed SIMD is missing). */
  relaxed: WasmInstance | null;
  /** The variant the current call runs: 0 SIMD128, 1 relaxed. */
  use: 0 | 1;
  ctl: Int32Array;
  par: Float64Array;
  canBlock: boolean;
  health: Health;
  /** Per worker: since when (performance.now()) every task posted to it was taken back by the caller (NaN: none was). */
  lateSince: Float64Array;
  /** Per worker: its wake-up count when that streak began. */
  wakes: Int32Array;
}

let pool: Pool | null = null;

type FaultKind = "stall" | "exit" | "throw" | "terminate";

/**
 * Internal test seam (not exported by the package): `fault` makes worker `worker` (≥ 1) fail on the `at`-th task posted
 * to it from now (1: the next): it half-writes the task's floats, then stalls forever ("stall"), exits its thread
 * ("exit"), throws ("throw"), or stalls until the caller calls its `terminate()` once it has claimed the task
 * ("terminate": a real kill in the middle of a call). `workers()` are the pool's workers (to terminate them between
 * calls); `events` lists the last 64 things the pool detected (for tests and timing scripts).
 */
export const threadTesting = {
  fault: null as { worker: number; at: number; kind: FaultKind } | null,
  workers: (): readonly WorkerLike[] => pool?.workers ?? [],
  events: [] as string[],
  /**
   * setThreads' start-up while set: `timeoutMs` replaces SPAWN_TIMEOUT_MS, the workers whose id (≥ 1) is in `silent`
   * never report ready (they block in Atomics.wait before posting it), and `started` collects every worker started (to
   * check that none is left alive).
   */
  spawn: null as { timeoutMs: number; silent: number[]; started: WorkerLike[] } | null,
  /** The last long row's exact log-sum-exp through stats_lse_exact: its merged float64 value and error bound (before the check). */
  lse: { value: Number.NaN, bound: Number.NaN },
};

function isNode(): boolean {
  return typeof process === "object" && typeof process.versions === "object" && typeof process.versions.node === "string";
}

/** Keeps the last 64 events. */
function log(event: string): void {
  if (threadTesting.events.length >= 64) threadTesting.events.shift();
  threadTesting.events.push(event);
}

function note(health: Health, event: string): void {
  if (!health.broken) log(event);
  health.broken = true;
}

/** Starts one worker and resolves when its instance is ready; a failure after that marks `health` broken. */
async function spawn(id: number, data: Record<string, unknown>, health: Health): Promise<WorkerLike> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const seam = threadTesting.spawn;
  const late = (w: WorkerLike, reject: (e: Error) => void): void => {
    seam?.started.push(w);
    timer = setTimeout(() => {
      w.terminate();
      reject(new Error(`softmax: worker ${id} did not start in time`));
    }, seam?.timeoutMs ?? SPAWN_TIMEOUT_MS);
  };
  const start = { ...data, id, silent: seam?.silent.includes(id) === true };
  if (isNode()) {
    const spec = "node:worker_threads";
    const { Worker } = (await import(/* @vite-ignore */ spec)) as typeof import("node:worker_threads");
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: start });
    // Listeners for the whole life of the worker: an 'error' event without one would throw in the host process.
    w.on("error", (e) => note(health, `worker ${id} error: ${String(e)}`));
    w.on("messageerror", () => note(health, `worker ${id} messageerror`));
    w.on("exit", (code) => note(health, `worker ${id} exit ${code}`));
    try {
      await new Promise<void>((resolve, reject) => {
        late(w, reject);
        w.once("message", () => resolve());
        w.once("error", reject);
        w.once("exit", () => reject(new Error("softmax: a worker exited while starting")));
      });
    } finally {
      clearTimeout(timer);
    }
    w.unref();
    return w;
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  try {
    const w = new Worker(url);
    await new Promise<void>((resolve, reject) => {
      late(w, reject);
      w.onmessage = () => resolve();
      w.onerror = () => {
        w.terminate();
        reject(new Error("softmax: a Web Worker failed to start"));
      };
      w.postMessage(start);
    });
    w.onmessage = null;
    w.onerror = (e) => {
      e.preventDefault();
      note(health, `worker ${id} error: ${e.message}`);
    };
    w.onmessageerror = () => note(health, `worker ${id} messageerror`);
    return w;
  } finally {
    clearTimeout(timer);
    URL.revokeObjectURL(url);
  }
}

/** Stops every worker. */
function stop(): void {
  if (pool === null) return;
  // Events of workers stopped on purpose say nothing about a later pool.
  pool.health.broken = true;
  for (let i = 0; i < pool.workers.length; i++) {
    const b = (i + 1) * SLOT;
    pool.ctl[b + 1] = T_EXIT;
    Atomics.store(pool.ctl, b, S_POSTED);
    Atomics.notify(pool.ctl, b);
    pool.workers[i]?.terminate();
  }
  pool = null;
}

/** Tears a broken pool down: later calls run on the calling thread until setThreads(n > 1) builds a new pool. */
function abandon(why: string): void {
  log(why);
  stop();
  dispatchState.threads = 1;
}

/**
 * Uses `n` threads (the caller and n - 1 workers) for inputs of at least
 * THREAD_MIN_ELEMENTS elements; 1 stops the workers. Resolves to the number
 * actually available: 1 where workers or SharedArrayBuffer are missing
 * (browsers that are not cross-origin isolated, or whose Content-Security-Policy
 * refuses blob: workers), never rejecting. With n > 1 it also loads the
 * kernels ({@link initWasm}), so calls made after it resolves run on WASM.
 * Where a worker later fails (crashes, is terminated, stalls), the call it was
 * part of still returns the one-thread result, the pool is torn down and
 * {@link threads} is 1: calling setThreads(n) again builds a new pool.
 */
export async function setThreads(n: number): Promise<number> {
  const want = Math.max(1, Math.min(64, Math.floor(Number.isFinite(n) ? n : 1)));
  if (pool?.health.broken) abandon("setThreads: the pool was broken");
  if (want === 1 || (pool !== null && want <= pool.size)) {
    // Fewer threads: the spare workers stay parked (unref'd, blocked in Atomics.wait), ready for a later setThreads.
    if (pool !== null) pool.active = want;
    dispatchState.threads = pool === null ? 1 : want;
    return dispatchState.threads;
  }
  stop();
  dispatchState.threads = 1;
  const browserOk = typeof Worker === "function" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (typeof SharedArrayBuffer !== "function" || (!isNode() && !browserOk)) return 1;
  const health: Health = { broken: false };
  let workers: WorkerLike[] = [];
  try {
    // Loads the kernels (a browser's main thread loads them asynchronously only): calls after this resolves run on WASM.
    await initWasm();
    // Workers instantiate both variants on the shared memory; each task names the one to run.
    const simd = kernelBytes(true);
    const relaxedBytes = relaxedSupported() ? kernelBytes(true, "relaxed") : null;
    const bytes = [simd, relaxedBytes];
    const mod = await WebAssembly.compile(simd);
    const relaxedMod = relaxedBytes === null ? null : await WebAssembly.compile(relaxedBytes);
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 32768, shared: true });
    const control = new SharedArrayBuffer(want * SLOT * 4);
    const params = new SharedArrayBuffer(want * 8);
    const data = { bytes, memory, control, params };
    const started = await Promise.allSettled(Array.from({ length: want - 1 }, (_, i) => spawn(i + 1, data, health)));
    workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    if (workers.length < want - 1) {
      // One failed (a browser's CSP forbidding blob: workers, a worker limit, a worker that never reported ready): the
      // others would stay blocked forever.
      for (const s of started) if (s.status === "rejected") log(`setThreads: ${String(s.reason)}`);
      health.broken = true;
      for (const w of workers) w.terminate();
      return 1;
    }
    const canBlock = isNode() || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
    // Asynchronously: a browser's main thread may refuse a synchronous instantiation (runtime.ts, instantiateAsync).
    const inst = await instantiateAsync(mod, memory);
    const relaxed = relaxedMod === null ? null : await instantiateAsync(relaxedMod, memory);
    pool = {
      active: want,
      size: want,
      workers,
      inst,
      relaxed,
      use: 0,
      ctl: new Int32Array(control),
      par: new Float64Array(params),
      canBlock,
      health,
      lateSince: new Float64Array(want).fill(Number.NaN),
      wakes: new Int32Array(want),
    };
    dispatchState.threads = want;
    return want;
  } catch {
    // Workers started before a later step failed would stay blocked forever.
    health.broken = true;
    for (const w of workers) w.terminate();
    return 1;
  }
}

/** The number of threads in use (1: the calling thread alone, also after a worker failed; setThreads rebuilds). */
export function threads(): number {
  return pool?.active ?? 1;
}

/** Stops every worker (setThreads(1) only parks them). */
export function stopThreads(): void {
  stop();
  dispatchState.threads = 1;
}

type Args = [number, number, number, number, number, number, number, number];

/** The worker given a test fault (threadTesting): the caller waits until it has claimed the task (or 0: none). */
let faulty = 0;
/** Whether the caller then kills it ("terminate"). */
let kill = false;

/** The test fault (threadTesting.fault) of the task now posted to worker i: 0 none, 1 stall, 2 exit, 3 throw. */
function faultFor(i: number): number {
  const f = threadTesting.fault;
  if (f === null || f.worker !== i || --f.at > 0) return 0;
  threadTesting.fault = null;
  faulty = i;
  kill = f.kind === "terminate";
  return f.kind === "exit" ? 2 : f.kind === "throw" ? 3 : 1;
}

/** Posts task `t` to worker i (≥ 1) with its [a, b, c, d, rows, n, flag, v]. */
function post(p: Pool, i: number, t: number, exact: boolean, args: Args): void {
  const b = i * SLOT;
  const [a0, b0, c0, d0, rows, n, flag, v] = args;
  p.ctl[b + 1] = t;
  p.ctl[b + 2] = exact ? 1 : 0;
  p.ctl[b + 3] = a0;
  p.ctl[b + 4] = b0;
  p.ctl[b + 5] = c0;
  p.ctl[b + 6] = d0;
  p.ctl[b + 7] = rows;
  p.ctl[b + 8] = n;
  p.ctl[b + 9] = flag;
  p.ctl[b + 10] = p.use;
  p.ctl[b + 11] = faultFor(i);
  p.par[i] = v;
  Atomics.store(p.ctl, b, S_POSTED);
  Atomics.notify(p.ctl, b);
}

/** Runs task `t` on the calling thread (its own share, thread 0, or a task no worker claimed). */
function runHere(p: Pool, t: number, exact: boolean, args: Args): void {
  const [a0, , c0, d0, rows, n, flag, v] = args;
  // Both instances share one memory: p.inst's views (refreshed by ensureMemory) serve the relaxed one too.
  const k = p.use === 1 && p.relaxed !== null ? p.relaxed.k : p.inst.k;
  if (rows > 0 || t === T_SCALE) runTask(k, p.inst.f64, t, exact, a0, c0, d0, rows, n, flag, v, lseErrorBound);
}

const now = (): number => performance.now();

/**
 * Waits until worker i, which claimed its task, has finished it (true), or has failed: threw, or is still at it after
 * `slackMs` (false). The deadline is checked on each wake-up of Atomics.wait (given the time left as its timeout), or
 * every 1024 spins on a browser's main thread (a clock read per 1024 loads: the loop stays as tight as before).
 */
function wait(p: Pool, i: number, slackMs: number): boolean {
  const ctl = p.ctl;
  const b = i * SLOT;
  if (Atomics.load(ctl, b) !== S_RUNNING) return Atomics.load(ctl, b) === S_IDLE;
  const deadline = now() + slackMs;
  if (p.canBlock) {
    for (let left = slackMs; left > 0 && Atomics.load(ctl, b) === S_RUNNING; left = deadline - now()) Atomics.wait(ctl, b, S_RUNNING, left);
  } else {
    // A browser's main thread may not block: spin.
    for (let spins = 1; Atomics.load(ctl, b) === S_RUNNING; spins++) if ((spins & 1023) === 0 && now() > deadline) break;
  }
  return Atomics.load(ctl, b) === S_IDLE;
}

/**
 * Runs task `t` on every thread: `args(i)` gives thread i's [a, b, c, d, rows, n, flag, v]; thread 0 is the caller.
 * `before(i)` runs on the calling thread just before thread i's task starts (copying that thread's input in: the
 * workers start while the caller still copies), `after(i)` just after it ends (the caller copies its own output out
 * while the workers finish). After its own share the caller runs every task no worker has claimed yet. Returns false,
 * having torn the pool down, where a worker failed (threw, or missed its deadline): the shared memory then holds
 * nothing usable, and the caller redoes the whole call on its own instance.
 */
function parallel(p: Pool, t: number, exact: boolean, args: (i: number) => Args, before?: (i: number) => void, after?: (i: number) => void): boolean {
  const posted = now();
  for (let i = p.active - 1; i >= 1; i--) {
    before?.(i);
    post(p, i, t, exact, args(i));
  }
  if (faulty > 0) {
    // Test seam: let the faulty worker claim its task (the caller would otherwise take it back), maybe kill it in it.
    const b = faulty * SLOT;
    for (const until = now() + 10_000; Atomics.load(p.ctl, b) === S_POSTED && now() < until; );
    if (kill) p.workers[faulty - 1]?.terminate();
    faulty = 0;
  }
  before?.(0);
  const t0 = now();
  runHere(p, t, exact, args(0));
  const slack = WAIT_MIN_MS + WAIT_SHARES * (now() - t0);
  after?.(0);
  for (let i = 1; i < p.active; i++) {
    const b = i * SLOT;
    if (Atomics.compareExchange(p.ctl, b, S_POSTED, S_STOLEN) === S_POSTED) {
      // Not claimed yet (a worker slow to wake, or dead): the caller runs it, and the worker will skip it.
      runHere(p, t, exact, args(i));
      Atomics.store(p.ctl, b, S_IDLE);
      Atomics.notify(p.ctl, b);
      log(`worker ${i}: task taken back`);
      const wakes = Atomics.load(p.ctl, b + 12);
      if (Number.isNaN(p.lateSince[i] as number) || wakes !== p.wakes[i]) {
        p.lateSince[i] = posted;
        p.wakes[i] = wakes;
      } else if (now() - (p.lateSince[i] as number) > WAIT_MIN_MS) {
        // Not woken once in that time while tasks waited for it (a worker killed between calls, where no event says so):
        // this call is complete; the next one tears the pool down.
        note(p.health, `worker ${i} did not wake in ${WAIT_MIN_MS} ms`);
      }
    } else if (!wait(p, i, slack)) {
      const state = Atomics.load(p.ctl, b);
      abandon(state === S_FAILED ? `worker ${i} threw` : `worker ${i} missed its deadline (${slack.toFixed(0)} ms)`);
      return false;
    } else {
      p.lateSince[i] = Number.NaN;
    }
    after?.(i);
  }
  return true;
}

/**
 * Merges the T chunk stats (m_c, r_c, flag) of one long row: M = max m_c and r = S - 1 with S = Σ_c (1 + r_c)·e^{m_c - M}
 * (the first chunk at the maximum contributes r_c: its 1 is the 1 of S); scaleOf[c] = e^{m_c - M} in the unit of the
 * chunk's terms; spread = the largest |m_c - M| whose e^{m_c - M} is not 0 (for lseMergedBound). Null where a chunk is
 * special (the JS kernel redoes the row).
 */
function merge(f64: Float64Array, T: number, scaleOf: Float64Array): { M: number; r: number; spread: number } | null {
  let M = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < T; i++) {
    // The flag slot: 1 special; else 0, or -u where the chunk's terms carry the unit u (the kernels' direct loop).
    if ((f64[i * 4 + 3] as number) > 0) return null;
    M = Math.max(M, f64[i * 4] as number);
  }
  let r = 0;
  let spread = 0;
  let first = true;
  for (let i = 0; i < T; i++) {
    const m = f64[i * 4] as number;
    const rc = (f64[i * 4 + 1] as number) + (f64[i * 4 + 2] as number);
    const e = m === M ? 1 : Math.exp(m - M);
    scaleOf[i] = f64[i * 4 + 3] === 0 ? e : e / -(f64[i * 4 + 3] as number);
    // A chunk 745 or more below M adds nothing (S_c·e^{m_c - M} < n·2^-1075), not even stats_lse_exact's r = NaN of
    // a maximum out of the direct loop's range.
    if (e === 0) continue;
    spread = Math.max(spread, M - m);
    if (m === M && first) {
      r += rc;
      first = false;
    } else {
      r += (1 + rc) * e;
    }
  }
  return { M, r, spread };
}

/**
 * Runs `op` on every slice with the worker pool. Returns false (nothing done)
 * when there is no pool, the shape does not split (several slices but fewer
 * than the threads) or the shared memory cannot grow to the size the call needs.
 */
export function runThreaded(
  op: WasmOp,
  exact: boolean,
  x: Float32Array,
  y: Float32Array,
  layout: Layout,
  mask: Uint8Array | null,
  done: Uint8Array,
  variant: SimdVariant = "simd128",
): boolean {
  const p = pool;
  if (p === null || p.active < 2 || (variant === "relaxed" && p.relaxed === null)) return false;
  if (p.health.broken) {
    // A worker reported an error or exited since the last call.
    abandon("a worker failed between calls");
    return false;
  }
  p.use = variant === "relaxed" ? 1 : 0;
  const T = p.active;
  const n = layout.n;
  const slices = layout.outer * layout.inner;
  const w = p.inst;
  if (slices >= T) {
    const sb = (slices * 32 + 15) & ~15;
    const scratch = op === OP_SOFTMAX && exact ? (n * 8 + 15) & ~15 : 0;
    const xb = sb + T * scratch;
    if (!ensureMemory(w, xb + slices * n * 4)) return false;
    const task = op === OP_SOFTMAX ? T_SOFTMAX : op === OP_LOG_SOFTMAX ? T_LOG_SOFTMAX : T_LOG_SUM_EXP;
    const first = (i: number): number => Math.floor((i * slices) / T);
    // Each thread's rows are copied in just before it starts and out as soon as it ends, so copies overlap compute.
    const ok = parallel(
      p,
      task,
      exact,
      (i) => [
        xb + first(i) * n * 4,
        0,
        sb + i * scratch,
        first(i) * 32,
        first(i + 1) - first(i),
        n,
        task === T_LOG_SUM_EXP && exact && !lseCheap.on ? 1 : 0,
        0,
      ],
      (i) => copyIn(w, x, layout, first(i), first(i + 1) - first(i), (xb >> 2) + first(i) * n, mask),
      op === OP_LOG_SUM_EXP ? undefined : (i) => copyOut(w, y, layout, first(i), first(i + 1) - first(i), (xb >> 2) + first(i) * n),
    );
    if (!ok) return false;
    const f64 = w.f64;
    for (let r = 0; r < slices; r++) done[r] = f64[r * 4 + 3] === 0 ? 1 : 0;
    if (op === OP_LOG_SUM_EXP) {
      for (let r = 0; r < slices; r++) if (done[r] === 1) y[r] = f64[r * 4 + 1] as number;
    }
    return true;
  }
  if (slices !== 1 || n < T * 64) return false;
  // One long row: chunks of whole 16-float blocks.
  const bounds = Array.from({ length: T + 1 }, (_, i) => (i === T ? n : Math.floor((i * n) / T / 16) * 16));
  const sb = (T * 32 + 15) & ~15;
  const xb = sb + (op === OP_SOFTMAX && exact ? n * 8 : 0);
  if (!ensureMemory(w, xb + n * 4)) return false;
  const chunk = (i: number): [number, number, number] => {
    const a = bounds[i] as number;
    return [xb + a * 4, sb + a * 8, (bounds[i + 1] as number) - a];
  };
  // Each chunk is copied in just before its thread starts on it (masked rows: all at once, copyIn works on whole rows).
  if (mask !== null) copyIn(w, x, layout, 0, 1, xb >> 2, mask);
  const f32 = w.f32;
  const stats = (i: number): Args => {
    const [a, s, len] = chunk(i);
    return [a, 0, s, i * 32, 1, len, 1, 0];
  };
  // Exact log-sum-exp: the cheaper stats_lse_exact on every chunk (as slices.ts lseRows does for rows), then checked.
  const cheap = op === OP_LOG_SUM_EXP && exact && lseCheap.on;
  const copy = mask !== null ? undefined : (i: number) => f32.set(x.subarray(bounds[i] as number, bounds[i + 1] as number), (xb >> 2) + (bounds[i] as number));
  if (!parallel(p, op === OP_SOFTMAX ? T_SOFTMAX : cheap ? T_STATS_LSE : T_STATS, exact, stats, copy)) return false;
  const f64 = w.f64;
  const scaleOf = new Float64Array(T);
  let merged = merge(f64, T, scaleOf);
  if (merged === null) {
    // A chunk with NaN, +Infinity or nothing counted: the JS kernel redoes the row.
    done[0] = 0;
    return true;
  }
  if (cheap) {
    // y' = M + log1p(r) is kept where the merged bound (slices.ts lseMergedBound) cannot move it across a float32
    // rounding boundary (twice the bound, as lseRows: the JS kernel's value then rounds the same way); elsewhere (y near a
    // boundary, |y| tiny, a chunk's K out of the direct loop's range: r = NaN) stats_exact runs every chunk again (the
    // floats are still in the shared memory) and the row is merged as before.
    let chunkMax = 0;
    for (let i = 0; i < T; i++) chunkMax = Math.max(chunkMax, (bounds[i + 1] as number) - (bounds[i] as number));
    const l = Math.log1p(merged.r);
    const v = merged.M + l;
    const e = lseMergedBound(n, chunkMax, T, merged.spread, l, v);
    threadTesting.lse.value = v;
    threadTesting.lse.bound = e;
    if (Math.fround(v - 2 * e) === Math.fround(v + 2 * e)) {
      done[0] = 1;
      y[0] = v;
      return true;
    }
    lseCheap.fallbacks++;
    if (!parallel(p, T_STATS, exact, stats)) return false;
    merged = merge(f64, T, scaleOf);
    if (merged === null) {
      done[0] = 0;
      return true;
    }
  }
  const { M, r } = merged;
  if (op === OP_LOG_SUM_EXP) {
    done[0] = 1;
    y[0] = M + Math.log1p(r);
    return true;
  }
  // Each thread's chunk is copied out as soon as it is finished.
  const out = (i: number): void => {
    const a = bounds[i] as number;
    y.set(w.f32.subarray((xb >> 2) + a, (xb >> 2) + (bounds[i + 1] as number)), a);
  };
  if (op === OP_SOFTMAX) {
    const c = (exact ? 1 : 2 ** -64) / (1 + r);
    if (
      !parallel(
        p,
        T_SCALE,
        exact,
        (i) => {
          const [a, s, len] = chunk(i);
          return [a, 0, s, 0, 1, len, 0, (scaleOf[i] as number) * c];
        },
        undefined,
        out,
      )
    )
      return false;
  } else {
    const L = Math.log1p(r);
    for (let i = 0; i < T; i++) {
      f64[i * 4] = M;
      f64[i * 4 + 1] = L;
    }
    if (
      !parallel(
        p,
        T_FINISH,
        exact,
        (i) => {
          const [a, , len] = chunk(i);
          return [a, 0, 0, i * 32, 1, len, 0, 0];
        },
        undefined,
        out,
      )
    )
      return false;
  }
  done[0] = 1;
  return true;
}
