/**
 * Loads the WebAssembly SIMD kernels (src/kernels/wasm/module.ts, assembled
 * from scripts/wasm-kernels.mjs) and manages their memory: one instance, one
 * growable memory reused by every call (nothing allocated per call once it is
 * large enough; arena.ts gives fixed memories whose views the kernels use without copies).
 *
 * Loading is synchronous where the platform allows it (Node, workers);
 * a browser's main thread may refuse to compile or instantiate a large module
 * synchronously (Chrome: above 4 KiB before, above 8 MiB now, so Chromium 156
 * loads these ~18 KiB kernels on first use), so there {@link initWasm} must be
 * awaited once, and until then the JavaScript kernels run. A platform without
 * WebAssembly SIMD never loads it.
 */
import { RELAXED_PROBE, WASM_KERNELS, WASM_KERNELS_RELAXED, WASM_KERNELS_RELAXED_SHARED, WASM_KERNELS_SHARED } from "./module.js";

/**
 * The module variant: `"simd128"` (WebAssembly SIMD) or `"relaxed"` (the same kernels with relaxed-SIMD multiply-adds,
 * fused where the CPU has FMA: Node ≥ 22, Chrome ≥ 114, Node 20 with `--experimental-wasm-relaxed-simd`).
 */
export type SimdVariant = "simd128" | "relaxed";

/** The exported kernels (byte offsets into memory). */
export interface KernelExports {
  softmax_exact(x: number, y: number, s: number, st: number, rows: number, n: number, noscale: number): number;
  softmax_fast(x: number, y: number, s: number, st: number, rows: number, n: number, noscale: number): number;
  scale_exact(s: number, y: number, n: number, c: number): void;
  scale_fast(x: number, y: number, n: number, c: number): void;
  transpose(src: number, dst: number, rows: number, cols: number, srcPitch: number, dstPitch: number): void;
  stats_exact(x: number, st: number, rows: number, n: number): number;
  /** Exact log-sum-exp's cheaper statistics (slices.ts, lseRows): m, r = S - 1 (NaN: recompute), 0, flag. */
  stats_lse_exact(x: number, st: number, rows: number, n: number): number;
  stats_fast(x: number, st: number, rows: number, n: number): number;
  logsoftmax_exact(x: number, y: number, st: number, rows: number, n: number): void;
  logsoftmax_fast(x: number, y: number, st: number, rows: number, n: number): void;
  softmax_cols_fast(x: number, rows: number, cols: number, pitch: number, st: number, a: number): number;
  stats_cols_fast(x: number, rows: number, cols: number, pitch: number, st: number, a: number): number;
  logsoftmax_cols_fast(x: number, rows: number, cols: number, pitch: number, a: number): void;
  softmax_rows_fast(x: number, y: number, st: number, rows: number, n: number): number;
  logsoftmax_rows_fast(x: number, y: number, st: number, rows: number, n: number): number;
  logsumexp_rows_fast(x: number, y: number, st: number, rows: number, n: number): number;
  rows_exact(x: number, y: number, fl: number, rows: number, n: number, kind: number): number;
  softmax_cols_exact(x: number, rows: number, cols: number, pitch: number, st: number, a: number): number;
  stats_cols_exact(x: number, rows: number, cols: number, pitch: number, st: number, a: number): number;
  logsoftmax_cols_exact(x: number, rows: number, cols: number, pitch: number, a: number): void;
}

/** A loaded instance with views on its memory (refreshed after growth). */
export interface WasmInstance {
  memory: WebAssembly.Memory;
  k: KernelExports;
  f32: Float32Array;
  f64: Float64Array;
}

/** Decodes base64 without Node's Buffer (the core runs in browsers). */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Per variant: the compiled module (null: unavailable), its instance, a pending asynchronous load. */
const compiledOf: Record<SimdVariant, WebAssembly.Module | null | undefined> = { simd128: undefined, relaxed: undefined };
const instanceOf: Record<SimdVariant, WasmInstance | null> = { simd128: null, relaxed: null };
const pendingOf: Record<SimdVariant, Promise<boolean> | null> = { simd128: null, relaxed: null };
let relaxedOk: boolean | undefined;

function supported(): boolean {
  return typeof WebAssembly === "object" && typeof WebAssembly.validate === "function";
}

/** An instance of `mod` on `memory` (a new private memory by default). */
export function instantiate(mod: WebAssembly.Module, memory = new WebAssembly.Memory({ initial: 16 })): WasmInstance {
  const inst = new WebAssembly.Instance(mod, { env: { memory } });
  return { memory, k: inst.exports as unknown as KernelExports, f32: new Float32Array(memory.buffer), f64: new Float64Array(memory.buffer) };
}

/**
 * {@link instantiate}, asynchronously: a browser's main thread may refuse a synchronous `new WebAssembly.Instance` of a
 * large module as it refuses a synchronous compile (Chrome: over 4 KB before, over 8 MB now).
 */
export async function instantiateAsync(mod: WebAssembly.Module, memory = new WebAssembly.Memory({ initial: 16 })): Promise<WasmInstance> {
  const inst = await WebAssembly.instantiate(mod, { env: { memory } });
  return { memory, k: inst.exports as unknown as KernelExports, f32: new Float32Array(memory.buffer), f64: new Float64Array(memory.buffer) };
}

/** The module bytes (private memory, or shared for worker threads; SIMD128 or relaxed SIMD). */
export function kernelBytes(shared = false, variant: SimdVariant = "simd128"): Uint8Array<ArrayBuffer> {
  if (variant === "relaxed") return decodeBase64(shared ? WASM_KERNELS_RELAXED_SHARED : WASM_KERNELS_RELAXED);
  return decodeBase64(shared ? WASM_KERNELS_SHARED : WASM_KERNELS);
}

/** True when this platform validates relaxed SIMD (a tiny probe module with f32x4.relaxed_madd) and SIMD128. */
export function relaxedSupported(): boolean {
  if (relaxedOk === undefined) {
    try {
      relaxedOk = supported() && WebAssembly.validate(decodeBase64(RELAXED_PROBE)) && simdSupported();
    } catch {
      relaxedOk = false;
    }
  }
  return relaxedOk;
}

/** The variant used unless forced: relaxed SIMD where it validates (and did not fail to load), else SIMD128. */
export function preferredVariant(): SimdVariant {
  return relaxedSupported() && compiledOf.relaxed !== null ? "relaxed" : "simd128";
}

/** True when this platform validates the SIMD module (WebAssembly with SIMD). */
export function simdSupported(): boolean {
  if (!supported()) return false;
  try {
    return WebAssembly.validate(kernelBytes());
  } catch {
    return false;
  }
}

/**
 * The loaded instance, loading it synchronously on first use; null where
 * WebAssembly SIMD is missing or synchronous compilation is refused (then an
 * asynchronous load starts and a later call gets it).
 */
export function wasmInstance(variant: SimdVariant = preferredVariant()): WasmInstance | null {
  const instance = instanceOf[variant];
  if (instance !== null || compiledOf[variant] === null || pendingOf[variant] !== null) return instance;
  let compiled = compiledOf[variant];
  if (compiled === undefined) {
    if (variant === "relaxed" ? !relaxedSupported() : !simdSupported()) {
      compiledOf[variant] = null;
      return null;
    }
    try {
      compiled = new WebAssembly.Module(kernelBytes(false, variant));
      compiledOf[variant] = compiled;
    } catch {
      void initWasm(variant);
      return null;
    }
  }
  instanceOf[variant] = instantiate(compiled);
  return instanceOf[variant];
}

/** The compiled module of `variant` (loading it synchronously on first use, as {@link wasmInstance}), or null. */
export function compiledModule(variant: SimdVariant): WebAssembly.Module | null {
  if (wasmInstance(variant) === null) return null;
  return compiledOf[variant] ?? null;
}

/**
 * Loads the kernels asynchronously (needed once in browsers; by default the preferred variant, relaxed SIMD where it
 * validates); resolves to whether that variant is available, never rejects (a browser that refuses to compile or
 * instantiate it: false). Tested in headless Chromium by test/browser-wasm/.
 */
export function initWasm(variant: SimdVariant = preferredVariant()): Promise<boolean> {
  if (instanceOf[variant] !== null) return Promise.resolve(true);
  if (compiledOf[variant] === null || !supported()) return Promise.resolve(false);
  let pending = pendingOf[variant];
  if (pending === null) {
    pending = WebAssembly.compile(kernelBytes(false, variant)).then(
      async (mod) => {
        // Never rejects: a refused instantiation resolves to false, as a refused compile does.
        const inst = await instantiateAsync(mod).catch(() => null);
        compiledOf[variant] = inst === null ? null : mod;
        instanceOf[variant] = inst;
        return inst !== null;
      },
      () => {
        compiledOf[variant] = null;
        return false;
      },
    );
    pendingOf[variant] = pending;
  }
  return pending;
}

/**
 * Test seam: WASM memory beyond this many bytes counts as refused by `memory.grow` (Infinity: only the platform's limit,
 * 4 GiB for a private memory, 2 GiB for the threads' shared one). Tests lower it to reach the fallback without
 * allocating gigabytes.
 */
export const memoryLimit = { bytes: Number.POSITIVE_INFINITY };

/**
 * Makes the memory at least `bytes` long and refreshes the views. Returns false, leaving the memory as it was, where it
 * cannot grow that far (`memory.grow` throws a RangeError past the platform's limit, or {@link memoryLimit}): the
 * caller then leaves the call to the JavaScript kernels, which give the same results (exact mode) without WASM memory.
 */
export function ensureMemory(w: WasmInstance, bytes: number): boolean {
  const have = w.memory.buffer.byteLength;
  if (have < bytes) {
    if (bytes > memoryLimit.bytes) return false;
    try {
      w.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch (e) {
      if (e instanceof RangeError) return false;
      throw e;
    }
  }
  if (w.f32.byteLength !== w.memory.buffer.byteLength) {
    w.f32 = new Float32Array(w.memory.buffer);
    w.f64 = new Float64Array(w.memory.buffer);
  }
  return true;
}
