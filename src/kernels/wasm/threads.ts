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
 *   (logSoftmax).
 *
 * The calling thread blocks with Atomics.wait while the workers finish
 * (Node and workers), or spins on Atomics.load (a browser's main thread,
 * where waiting is not allowed). Node-only modules are loaded with a guarded
 * dynamic import, so this file is safe to bundle for browsers.
 */
import type { Layout } from "../../tensor/layout.js";
import { dispatchState } from "./backend.js";
import { ensureMemory, initWasm, instantiateAsync, type KernelExports, kernelBytes, relaxedSupported, type SimdVariant, type WasmInstance } from "./runtime.js";
import { copyIn, copyOut, OP_LOG_SOFTMAX, OP_LOG_SUM_EXP, OP_SOFTMAX, type WasmOp } from "./slices.js";

/** Task codes shared with the worker source. */
const T_SOFTMAX = 0;
const T_LOG_SOFTMAX = 1;
const T_LOG_SUM_EXP = 2;
const T_STATS = 3;
const T_FINISH = 4;
const T_SCALE = 5;
const T_EXIT = 9;
/** int32 fields per thread slot: state, task, exact, a, b, c, d, rows, n, flag, variant (0 SIMD128, 1 relaxed). */
const SLOT = 16;

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
): void {
  if (t === 0) {
    // T_SOFTMAX (flag: skip the scaling pass)
    if (exact) k.softmax_exact(a, a, c, d, rows, n, flag);
    else k.softmax_fast(a, a, c, d, rows, n, flag);
  } else if (t === 1 || t === 2 || t === 3) {
    // T_LOG_SOFTMAX, T_LOG_SUM_EXP, T_STATS
    if (exact) k.stats_exact(a, d, rows, n);
    else k.stats_fast(a, d, rows, n);
    if (t !== 3) {
      for (let r = 0, i = d >> 3; r < rows; r++, i += 4) {
        if (f64[i + 3] !== 0) continue;
        const l = Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
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
  }
}

const WORKER_SOURCE = `"use strict";
const runTask = ${runTask.toString()};
function start(d, post) {
  const ks = d.bytes.map((b) => b && new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory: d.memory } }).exports);
  const ctl = new Int32Array(d.control);
  const par = new Float64Array(d.params);
  const b = d.id * ${SLOT};
  post("ready");
  for (;;) {
    Atomics.wait(ctl, b, 0);
    const t = ctl[b + 1];
    if (t === ${T_EXIT}) return;
    runTask(ks[ctl[b + 10]], new Float64Array(d.memory.buffer), t, ctl[b + 2] === 1, ctl[b + 3], ctl[b + 5], ctl[b + 6], ctl[b + 7], ctl[b + 8], ctl[b + 9], par[d.id]);
    Atomics.store(ctl, b, 0);
    Atomics.notify(ctl, b);
  }
}
if (typeof require === "function") {
  const wt = require("node:worker_threads");
  start(wt.workerData, (m) => wt.parentPort.postMessage(m));
} else {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
}
`;

interface WorkerLike {
  terminate(): unknown;
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
}

let pool: Pool | null = null;

function isNode(): boolean {
  return typeof process === "object" && typeof process.versions === "object" && typeof process.versions.node === "string";
}

/** Starts one worker and resolves when its instance is ready. */
async function spawn(id: number, data: Record<string, unknown>): Promise<WorkerLike> {
  if (isNode()) {
    const spec = "node:worker_threads";
    const { Worker } = (await import(/* @vite-ignore */ spec)) as typeof import("node:worker_threads");
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...data, id } });
    await new Promise<void>((resolve, reject) => {
      w.once("message", () => resolve());
      w.once("error", reject);
    });
    w.unref();
    return w;
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  try {
    const w = new Worker(url);
    await new Promise<void>((resolve, reject) => {
      w.onmessage = () => resolve();
      w.onerror = () => {
        w.terminate();
        reject(new Error("softmax: a Web Worker failed to start"));
      };
      w.postMessage({ ...data, id });
    });
    return w;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Stops every worker. */
function stop(): void {
  if (pool === null) return;
  for (let i = 0; i < pool.workers.length; i++) {
    const b = (i + 1) * SLOT;
    pool.ctl[b + 1] = T_EXIT;
    Atomics.store(pool.ctl, b, 1);
    Atomics.notify(pool.ctl, b);
    pool.workers[i]?.terminate();
  }
  pool = null;
}

/**
 * Uses `n` threads (the caller and n - 1 workers) for inputs of at least
 * THREAD_MIN_ELEMENTS elements; 1 stops the workers. Resolves to the number
 * actually available: 1 where workers or SharedArrayBuffer are missing
 * (browsers that are not cross-origin isolated, or whose Content-Security-Policy
 * refuses blob: workers), never rejecting. With n > 1 it also loads the
 * kernels ({@link initWasm}), so calls made after it resolves run on WASM.
 */
export async function setThreads(n: number): Promise<number> {
  const want = Math.max(1, Math.min(64, Math.floor(Number.isFinite(n) ? n : 1)));
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
    const started = await Promise.allSettled(Array.from({ length: want - 1 }, (_, i) => spawn(i + 1, data)));
    const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    if (workers.length < want - 1) {
      // One failed (a browser's CSP forbidding blob: workers, a worker limit): the others would stay blocked forever.
      for (const w of workers) w.terminate();
      return 1;
    }
    const canBlock = isNode() || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
    // Asynchronously: a browser's main thread may refuse a synchronous instantiation (runtime.ts, instantiateAsync).
    const inst = await instantiateAsync(mod, memory);
    const relaxed = relaxedMod === null ? null : await instantiateAsync(relaxedMod, memory);
    pool = { active: want, size: want, workers, inst, relaxed, use: 0, ctl: new Int32Array(control), par: new Float64Array(params), canBlock };
    dispatchState.threads = want;
    return want;
  } catch {
    stop();
    return 1;
  }
}

/** The number of threads in use (1: the calling thread alone). */
export function threads(): number {
  return pool?.active ?? 1;
}

/** Stops every worker (setThreads(1) only parks them). */
export function stopThreads(): void {
  stop();
  dispatchState.threads = 1;
}

type Args = [number, number, number, number, number, number, number, number];

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
  p.par[i] = v;
  Atomics.store(p.ctl, b, 1);
  Atomics.notify(p.ctl, b);
}

/** Runs task `t` on the calling thread (thread 0). */
function runHere(p: Pool, t: number, exact: boolean, args: Args): void {
  const [a0, , c0, d0, rows, n, flag, v] = args;
  // Both instances share one memory: p.inst's views (refreshed by ensureMemory) serve the relaxed one too.
  const k = p.use === 1 && p.relaxed !== null ? p.relaxed.k : p.inst.k;
  if (rows > 0 || t === T_SCALE) runTask(k, p.inst.f64, t, exact, a0, c0, d0, rows, n, flag, v);
}

/** Waits until worker i has finished its task. */
function wait(p: Pool, i: number): void {
  const b = i * SLOT;
  if (p.canBlock) {
    while (Atomics.load(p.ctl, b) !== 0) Atomics.wait(p.ctl, b, 1);
  } else {
    while (Atomics.load(p.ctl, b) !== 0) {
      // A browser's main thread may not block: spin.
    }
  }
}

/**
 * Runs task `t` on every thread: `args(i)` gives thread i's [a, b, c, d, rows, n, flag, v]; thread 0 is the caller.
 * `before(i)` runs on the calling thread just before thread i's task starts (copying that thread's input in: the
 * workers start while the caller still copies), `after(i)` just after it ends (the caller copies its own output out
 * while the workers finish).
 */
function parallel(p: Pool, t: number, exact: boolean, args: (i: number) => Args, before?: (i: number) => void, after?: (i: number) => void): void {
  for (let i = p.active - 1; i >= 1; i--) {
    before?.(i);
    post(p, i, t, exact, args(i));
  }
  before?.(0);
  runHere(p, t, exact, args(0));
  after?.(0);
  for (let i = 1; i < p.active; i++) {
    wait(p, i);
    after?.(i);
  }
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
    parallel(
      p,
      task,
      exact,
      (i) => [xb + first(i) * n * 4, 0, sb + i * scratch, first(i) * 32, first(i + 1) - first(i), n, 0, 0],
      (i) => copyIn(w, x, layout, first(i), first(i + 1) - first(i), (xb >> 2) + first(i) * n, mask),
      op === OP_LOG_SUM_EXP ? undefined : (i) => copyOut(w, y, layout, first(i), first(i + 1) - first(i), (xb >> 2) + first(i) * n),
    );
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
  parallel(
    p,
    op === OP_SOFTMAX ? T_SOFTMAX : T_STATS,
    exact,
    (i) => {
      const [a, s, len] = chunk(i);
      return [a, 0, s, i * 32, 1, len, 1, 0];
    },
    mask !== null ? undefined : (i) => f32.set(x.subarray(bounds[i] as number, bounds[i + 1] as number), (xb >> 2) + (bounds[i] as number)),
  );
  const f64 = w.f64;
  let M = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < T; i++) {
    // The flag slot: 1 special; else 0, or -u where the chunk's terms carry the unit u (the kernels' direct loop).
    if ((f64[i * 4 + 3] as number) > 0) {
      // A chunk with NaN, +Infinity or nothing counted: the JS kernel redoes the row.
      done[0] = 0;
      return true;
    }
    M = Math.max(M, f64[i * 4] as number);
  }
  // r = S - 1 with S = Σ_c (1 + r_c) e^{m_c - M}; the first chunk at the maximum contributes r_c (its 1 is the 1 of S).
  let r = 0;
  let first = true;
  const scaleOf = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    const m = f64[i * 4] as number;
    const rc = (f64[i * 4 + 1] as number) + (f64[i * 4 + 2] as number);
    const e = m === M ? 1 : Math.exp(m - M);
    scaleOf[i] = f64[i * 4 + 3] === 0 ? e : e / -(f64[i * 4 + 3] as number);
    if (m === M && first) {
      r += rc;
      first = false;
    } else {
      r += (1 + rc) * e;
    }
  }
  done[0] = 1;
  if (op === OP_LOG_SUM_EXP) {
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
    parallel(
      p,
      T_SCALE,
      exact,
      (i) => {
        const [a, s, len] = chunk(i);
        return [a, 0, s, 0, 1, len, 0, (scaleOf[i] as number) * c];
      },
      undefined,
      out,
    );
  } else {
    const L = Math.log1p(r);
    for (let i = 0; i < T; i++) {
      f64[i * 4] = M;
      f64[i * 4 + 1] = L;
    }
    parallel(
      p,
      T_FINISH,
      exact,
      (i) => {
        const [a, , len] = chunk(i);
        return [a, 0, 0, i * 32, 1, len, 0, 0];
      },
      undefined,
      out,
    );
  }
  return true;
}
