/**
 * Zero-copy arenas: Float32Arrays that live in a WebAssembly memory of their own, so that softmax, logSoftmax and
 * logSumExp on them skip the copies into and out of the kernels' memory (about a fifth of a large call's time).
 *
 * An arena owns one fixed-size memory (`initial` = `maximum`: it never grows, so its views are never detached) and
 * its own instances of the kernels on it. Layout: 64 KiB of row statistics, 128 KiB for results written to an out
 * buffer outside the arena, 8 bytes per value of the longest row it serves without copies (`maxRow`, the float64
 * scratch of exact softmax), then the views, handed out by a bump allocator 16-byte aligned.
 *
 * The zero-copy path runs along the last axis without a mask, on one thread, with the same kernels and the same
 * module variant as the copying path: the results are the same bits. Anything else with arena views (another axis,
 * a mask, rows longer than `maxRow`, a disposed arena, worker threads taking the call) runs the ordinary copying
 * path: arena views are ordinary Float32Arrays.
 */
import { SoftmaxError } from "../../errors.js";
import type { Layout } from "../../tensor/layout.js";
import { compiledModule, initWasm, instantiate, instantiateAsync, preferredVariant, type SimdVariant, type WasmInstance } from "./runtime.js";
import { kernelRows, kernelRowsAcross, OP_LOG_SUM_EXP, OP_SOFTMAX, rowsAcross, runsRowsExact, settle, settleAcross, type WasmOp } from "./slices.js";

const PAGE = 65536;
/** Rows per kernel call (their statistics: 32 bytes each, 64 KiB). */
const STATS_ROWS = 2048;
/** Floats of results staged for an out buffer outside the arena (128 KiB). */
const OUT_FLOATS = 32768;
const ST = 0;
const OUT = STATS_ROWS * 32;
const SCRATCH = OUT + OUT_FLOATS * 4;
/** The largest memory a 32-bit WebAssembly memory can have (65536 pages). */
const MAX_MEMORY = 65536 * PAGE;

/** Options of {@link createWasmArena}. */
export interface WasmArenaOptions {
  /** Bytes available to views (rounded up to a multiple of 16). */
  bytes: number;
  /** The longest row (values) served without copies by exact and fast softmax (8 bytes of scratch each); default min(bytes / 4, 2^20). */
  maxRow?: number;
}

/** Float32Arrays inside a fixed WebAssembly memory; kernels on them skip the copies. Made by {@link createWasmArena}. */
export interface WasmArena {
  /** Bytes available to views. */
  readonly capacity: number;
  /** Bytes handed out so far (16-byte aligned). */
  readonly used: number;
  /** The longest row served without copies by softmax. */
  readonly maxRow: number;
  /** True after {@link WasmArena.dispose}. */
  readonly disposed: boolean;
  /** A new zero-filled view of n floats. Throws INVALID_OPTION naming the size when the arena lacks room, or after dispose. */
  float32(n: number): Float32Array;
  /** True when `a` is a view of this arena's memory. */
  owns(a: unknown): boolean;
  /** Frees every view at once: later views reuse the memory, so earlier ones must no longer be used. */
  reset(): void;
  /** Releases the kernels; views stay readable arrays, and calls on them take the copying path. */
  dispose(): void;
}

class Arena implements WasmArena {
  readonly capacity: number;
  readonly maxRow: number;
  readonly buffer: ArrayBufferLike;
  readonly base: number;
  readonly f32: Float32Array;
  readonly memory: WebAssembly.Memory | null;
  used = 0;
  disposed = false;
  instances: Record<SimdVariant, WasmInstance | null | undefined> = { simd128: undefined, relaxed: undefined };

  constructor(capacity: number, maxRow: number) {
    this.capacity = capacity;
    this.maxRow = maxRow;
    this.base = SCRATCH + ((maxRow * 8 + 15) & ~15);
    const total = this.base + capacity;
    if (total > MAX_MEMORY) {
      throw new SoftmaxError({
        code: "INVALID_OPTION",
        fn: "createWasmArena",
        arg: "options.bytes",
        expected: `at most ${MAX_MEMORY - this.base} bytes (a WebAssembly memory holds 4 GiB, ${this.base} of them kernel scratch)`,
        received: capacity,
      });
    }
    const pages = Math.ceil(total / PAGE);
    try {
      this.memory = typeof WebAssembly === "object" ? new WebAssembly.Memory({ initial: pages, maximum: pages }) : null;
    } catch {
      throw new SoftmaxError({
        code: "INVALID_OPTION",
        fn: "createWasmArena",
        arg: "options.bytes",
        expected: `memory the platform grants (${pages * PAGE} bytes refused)`,
        received: capacity,
      });
    }
    this.buffer = this.memory?.buffer ?? new ArrayBuffer(pages * PAGE);
    this.f32 = new Float32Array(this.buffer);
  }

  float32(n: number): Float32Array {
    if (this.disposed) {
      throw new SoftmaxError({ code: "INVALID_OPTION", fn: "arena.float32", arg: "arena", expected: "an arena not disposed", received: "disposed" });
    }
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new SoftmaxError({ code: "INVALID_OPTION", fn: "arena.float32", arg: "n", expected: "an integer ≥ 0", received: n });
    }
    const bytes = (n * 4 + 15) & ~15;
    if (n * 4 > this.capacity - this.used) {
      throw new SoftmaxError({
        code: "INVALID_OPTION",
        fn: "arena.float32",
        arg: "n",
        expected: `at most ${Math.floor((this.capacity - this.used) / 4)} floats (${this.capacity - this.used} of ${this.capacity} bytes left; a larger arena: createWasmArena({ bytes })), found ${n} floats = ${n * 4} bytes`,
      });
    }
    const v = new Float32Array(this.buffer, this.base + this.used, n);
    this.used = Math.min(this.capacity, this.used + bytes);
    return v;
  }

  owns(a: unknown): boolean {
    return ArrayBuffer.isView(a) && a.buffer === this.buffer;
  }

  reset(): void {
    this.used = 0;
  }

  dispose(): void {
    this.disposed = true;
    this.instances = { simd128: null, relaxed: null };
    arenas.delete(this.buffer);
  }

  /** The kernels of `variant` on this memory (instantiated synchronously on first use), or null. */
  instance(variant: SimdVariant): WasmInstance | null {
    let w = this.instances[variant];
    if (w === undefined) {
      const mod = this.memory === null ? null : compiledModule(variant);
      try {
        w = mod === null || this.memory === null ? null : instantiate(mod, this.memory);
      } catch {
        w = null;
      }
      this.instances[variant] = w;
    }
    return w;
  }
}

const arenas = new WeakMap<ArrayBufferLike, Arena>();

/**
 * Creates an arena of `bytes` for zero-copy kernels: `arena.float32(n)` gives views, and softmax, logSoftmax and
 * logSumExp along the last axis without a mask read their input from such a view and write their result into an `out`
 * view (or the input itself: in place) without copying, with the same bits as the copying path (exact mode: correctly
 * rounded, the JavaScript kernel's bits, measured ≤ 0.5 ulp against decimal.js; fast ≤ 2.5 ulp, measured 2.25). Special
 * rows behave as everywhere (a NaN or +Infinity inside, nothing counted: the JavaScript kernel redoes the row; -Infinity
 * entries give 0 / -Infinity). Fast softmax into another view copies the input there first (inside the arena: its
 * kernel keeps its terms in the input's place); in place it copies nothing. An input or an out buffer alone in an arena
 * saves one of the two copies.
 * Views of one arena used as input and `out` must be the same range or not overlap (else INVALID_OPTION).
 *
 * The memory is allocated at once and never grows (views are never detached): asking for more than is left throws
 * INVALID_OPTION naming the size; `bytes` beyond 4 GiB less the scratch, or refused by the platform, too. Loads the
 * kernels like {@link initWasm}; where WebAssembly SIMD is missing the arena still works and the JavaScript kernels
 * run. Worker threads (`setThreads`) do not use arenas: a call they take runs the copying path on the pool's memory.
 */
export async function createWasmArena(options: WasmArenaOptions): Promise<WasmArena> {
  const bytes = options?.bytes;
  if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn: "createWasmArena", arg: "options.bytes", expected: "an integer ≥ 0", received: bytes });
  }
  const maxRow = options.maxRow ?? Math.min(Math.floor(bytes / 4), 1 << 20);
  if (!Number.isSafeInteger(maxRow) || maxRow < 0 || maxRow > 1 << 28) {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn: "createWasmArena",
      arg: "options.maxRow",
      expected: "an integer in [0, 2^28]",
      received: options.maxRow,
    });
  }
  const arena = new Arena(Math.ceil(bytes / 16) * 16, maxRow);
  arenas.set(arena.buffer, arena);
  const variant = preferredVariant();
  if ((await initWasm(variant)) && arena.memory !== null) {
    const mod = compiledModule(variant);
    // Asynchronously: a browser's main thread may refuse a synchronous instantiation (runtime.ts, instantiateAsync).
    arena.instances[variant] = mod === null ? null : await instantiateAsync(mod, arena.memory).catch(() => null);
  }
  return arena;
}

/** Internal (tests): whether the last softmax / logSoftmax / logSumExp call ran on an arena without copying its input or its output. */
export const arenaState = { zeroCopy: false };

/** True when `a` is a view of a live arena. */
export function inArena(a: unknown): boolean {
  return ArrayBuffer.isView(a) && arenas.get(a.buffer)?.disposed === false;
}

function arenaOf(a: Float32Array | Float64Array): Arena | null {
  const r = arenas.get(a.buffer);
  return r === undefined || r.disposed ? null : r;
}

/** Throws when x and y are views of one buffer that overlap without being the same range. */
export function checkOverlap(fn: string, x: Float32Array, y: Float32Array | Float64Array): void {
  if (x.buffer !== y.buffer || (y.length === x.length && y.byteOffset === x.byteOffset)) return;
  const x0 = x.byteOffset;
  const y0 = y.byteOffset;
  if (x0 < y0 + y.byteLength && y0 < x0 + x.byteLength) {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn,
      arg: "options.out",
      expected: `the input itself (in place) or a buffer that does not overlap it (out at byte ${y0}, input at byte ${x0} of one arena)`,
    });
  }
}

/**
 * Runs `op` along the last axis with an arena input and/or output, without copies where both are in one arena.
 * Returns false (nothing done) when the call is not for an arena or the arena cannot take it: the caller copies.
 */
export function runArena(
  op: WasmOp,
  exact: boolean,
  x: Float32Array,
  y: Float32Array,
  layout: Layout,
  mask: Uint8Array | null,
  done: Uint8Array,
  variant: SimdVariant,
): boolean {
  arenaState.zeroCopy = false;
  if (layout.inner !== 1 || mask !== null) return false;
  const ax = arenaOf(x);
  const ay = op === OP_LOG_SUM_EXP ? null : arenaOf(y);
  const a = ax ?? ay;
  if (a === null) return false;
  const n = layout.n;
  const rows = layout.outer;
  if (op === OP_SOFTMAX && n > a.maxRow) return false;
  // Exact rows under 16: the copying path runs them across (slices.ts, acrossRows: transposed inside WASM, four per
  // vector), which beats the row kernels here even with its copies (2^18 floats, exact, arena → copying path: softmax
  // 8.59 → 2.68 ms at n = 2, 2.84 → 0.99 at 8, 1.42 → 0.93 at 15; logSoftmax 6.78 → 3.35, 2.25 → 1.82, 1.60 → 1.53; from
  // n = 16 on even or better in the arena). The same bits either way.
  if (exact && n < 16 && rowsAcross(true, n, op)) return false;
  // Fast log-sum-exp of rows of 2 and 3: the copying path runs it through rows_exact (acrossRows), the same bits.
  if (!exact && runsRowsExact(false, op, n)) return false;
  const w = a.instance(variant);
  if (w === null) return false;
  let xb: number;
  let yb: number;
  let staged = false;
  if (ax !== null && ax === ay && op === OP_SOFTMAX && !exact && x.byteOffset !== y.byteOffset) {
    // Fast softmax keeps its terms in the input's place: into another view it runs in place on a copy made inside
    // the arena (one memmove; in place, out === x, it copies nothing).
    y.set(x);
    xb = y.byteOffset;
    yb = xb;
  } else if (ax !== null && ax === ay) {
    xb = x.byteOffset;
    yb = y.byteOffset;
    arenaState.zeroCopy = true;
  } else if (ax !== null) {
    xb = x.byteOffset;
    yb = OUT;
    staged = op !== OP_LOG_SUM_EXP;
    // Fast softmax would overwrite the input (see above): the copying path.
    if (op === OP_SOFTMAX && !exact) return false;
    if (staged && n > OUT_FLOATS) return false;
    arenaState.zeroCopy = !staged;
  } else {
    // Only the output in the arena: the input is copied into it once, and the kernels run there in place.
    y.set(x);
    xb = y.byteOffset;
    yb = xb;
  }
  // Chunks of about 128 KiB of rows, as the copying path: log-softmax's two passes (statistics, then the results) find
  // the chunk in cache (all rows at once measured 1.26× slower than copying, 1000×1000 exact SIMD128).
  const chunk = Math.max(1, Math.min(STATS_ROWS, Math.floor(OUT_FLOATS / n)));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const R = Math.min(chunk, rows - r0);
    const xo = xb + r0 * n * 4;
    const yo = staged ? yb : yb + r0 * n * 4;
    // Short rows in fast mode four per vector, as on the copying path (slices.ts, rowsAcross: the same bits), log-sum-exp's
    // results staged at OUT; the last R mod 4 rows one at a time.
    const R4 = !exact && rowsAcross(false, n, op) ? R & ~3 : 0;
    if (R4 > 0) settleAcross(w, op, kernelRowsAcross(w, op, xo, op === OP_LOG_SUM_EXP ? OUT : yo, ST, R4, n), y, done, r0, R4, ST, OUT, xo, n);
    const st = ST + R4 * 32;
    if (R4 < R) settle(w, op, kernelRows(w, op, exact, xo + R4 * n * 4, yo + R4 * n * 4, SCRATCH, st, R - R4, n), y, done, r0 + R4, R - R4, st, exact);
    if (staged) y.set(a.f32.subarray(OUT >> 2, (OUT >> 2) + R * n), r0 * n);
  }
  return true;
}
