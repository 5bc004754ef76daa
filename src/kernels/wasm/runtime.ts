/**
 * Loads the WebAssembly SIMD kernels (src/kernels/wasm/module.ts, assembled
 * from scripts/wasm-kernels.mjs) and manages their memory: one instance, one
 * growable memory reused by every call (nothing allocated per call once it is
 * large enough).
 *
 * Loading is synchronous where the platform allows it (Node, workers);
 * browsers refuse to compile more than 4 KiB synchronously on the main
 * thread, so there {@link initWasm} must be awaited once, and until then the
 * JavaScript kernels run. A platform without WebAssembly SIMD never loads it.
 */
import { WASM_KERNELS, WASM_KERNELS_SHARED } from "./module.js";

/** The exported kernels (byte offsets into memory). */
export interface KernelExports {
  softmax_exact(x: number, y: number, s: number, st: number, rows: number, n: number, noscale: number): number;
  softmax_fast(x: number, y: number, s: number, st: number, rows: number, n: number, noscale: number): number;
  scale_exact(s: number, y: number, n: number, c: number): void;
  scale_fast(x: number, y: number, n: number, c: number): void;
  transpose(src: number, dst: number, rows: number, cols: number, srcPitch: number, dstPitch: number): void;
  stats_exact(x: number, st: number, rows: number, n: number): number;
  stats_fast(x: number, st: number, rows: number, n: number): number;
  logsoftmax_exact(x: number, y: number, st: number, rows: number, n: number): void;
  logsoftmax_fast(x: number, y: number, st: number, rows: number, n: number): void;
  softmax_cols_fast(x: number, rows: number, cols: number, pitch: number, st: number, a: number): number;
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

let compiled: WebAssembly.Module | null | undefined;
let instance: WasmInstance | null = null;
let pending: Promise<boolean> | null = null;

function supported(): boolean {
  return typeof WebAssembly === "object" && typeof WebAssembly.validate === "function";
}

/** An instance of `mod` on `memory` (a new private memory by default). */
export function instantiate(mod: WebAssembly.Module, memory = new WebAssembly.Memory({ initial: 16 })): WasmInstance {
  const inst = new WebAssembly.Instance(mod, { env: { memory } });
  return { memory, k: inst.exports as unknown as KernelExports, f32: new Float32Array(memory.buffer), f64: new Float64Array(memory.buffer) };
}

/** The module bytes (private memory, or shared for worker threads). */
export function kernelBytes(shared = false): Uint8Array<ArrayBuffer> {
  return decodeBase64(shared ? WASM_KERNELS_SHARED : WASM_KERNELS);
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
export function wasmInstance(): WasmInstance | null {
  if (instance !== null || compiled === null || pending !== null) return instance;
  if (compiled === undefined) {
    if (!simdSupported()) {
      compiled = null;
      return null;
    }
    try {
      compiled = new WebAssembly.Module(kernelBytes());
    } catch {
      void initWasm();
      return null;
    }
  }
  instance = instantiate(compiled);
  return instance;
}

/** Loads the kernels asynchronously (needed once in browsers); resolves to whether WASM SIMD is available. */
export function initWasm(): Promise<boolean> {
  if (instance !== null) return Promise.resolve(true);
  if (compiled === null) return Promise.resolve(false);
  if (pending === null) {
    pending = WebAssembly.compile(kernelBytes()).then(
      (mod) => {
        compiled = mod;
        instance = instantiate(mod);
        return true;
      },
      () => {
        compiled = null;
        return false;
      },
    );
  }
  return pending;
}

/** Makes the memory at least `bytes` long and returns the (possibly new) views. */
export function ensureMemory(w: WasmInstance, bytes: number): void {
  const have = w.memory.buffer.byteLength;
  if (have < bytes) {
    w.memory.grow(Math.ceil((bytes - have) / 65536));
  }
  if (w.f32.byteLength !== w.memory.buffer.byteLength) {
    w.f32 = new Float32Array(w.memory.buffer);
    w.f64 = new Float64Array(w.memory.buffer);
  }
}
