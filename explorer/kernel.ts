/**
 * Which kernel the library runs, asked of `src/kernels/dispatch.ts` by feature detection (that module belongs to the
 * dispatch area and may grow): `lastBackend()` names the kernel that ran the last softmax / logSoftmax / logSumExp call,
 * `backend()` the setting, `setBackend()` forces one, `initWasm()` loads the WebAssembly SIMD kernels (browsers must
 * await it once). Where dispatch exports none of these, the JavaScript kernels are the only ones: "JS".
 * WebGPU availability is the browser's: `navigator.gpu` and an adapter.
 */
import * as dispatch from "../src/kernels/dispatch.js";

const d = dispatch as unknown as Record<string, unknown>;

function call(name: string, ...args: unknown[]): unknown {
  const f = d[name];
  if (typeof f !== "function") return undefined;
  try {
    return (f as (...a: unknown[]) => unknown)(...args);
  } catch {
    return undefined;
  }
}

function nameOf(r: unknown): string | null {
  if (typeof r === "string" && r !== "") return r;
  if (r !== null && typeof r === "object") {
    const o = r as Record<string, unknown>;
    for (const k of ["name", "kind", "backend", "id"]) if (typeof o[k] === "string" && o[k] !== "") return o[k] as string;
  }
  return null;
}

/** The kernel that ran the last call (`lastBackend()`), else the setting when it names one kernel, else "JS". */
export function kernelName(): string {
  const last = nameOf(call("lastBackend"));
  if (last !== null) return last;
  const setting = nameOf(call("backend"));
  return setting !== null && setting !== "auto" ? setting : "JS";
}

/** The dispatch setting (`backend()`: "auto", "js", "wasm", …), or null when dispatch has none. */
export function backendSetting(): string | null {
  return nameOf(call("backend"));
}

/** Whether a backend can be forced from the page. */
export const canForce = typeof d["setBackend"] === "function";

/** Forces a backend; false when dispatch refused it or cannot force. */
export function forceBackend(b: string): boolean {
  if (!canForce) return false;
  try {
    (d["setBackend"] as (b: string) => void)(b);
    return true;
  } catch {
    return false;
  }
}

/** Loads the WASM SIMD kernels where dispatch offers them: "loaded (SIMD)", "not supported here", or "not in this build". */
export async function loadWasm(): Promise<string> {
  const init = d["initWasm"];
  if (typeof init !== "function") return "not in this build (JavaScript kernels only)";
  try {
    return (await (init as () => Promise<boolean>)()) ? "loaded (SIMD)" : "not supported here (no WebAssembly SIMD)";
  } catch (e) {
    return `failed to load: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** "available (adapter …)", "no adapter" or "not in this browser", waiting at most `ms` for the adapter. */
export async function webgpuStatus(ms = 2000): Promise<string> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return "not in this browser (no navigator.gpu)";
  try {
    const adapter = await Promise.race([gpu.requestAdapter(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms))]);
    if (adapter === "timeout") return `navigator.gpu present, no adapter within ${ms / 1000} s`;
    if (adapter === null || adapter === undefined) return "navigator.gpu present, no adapter (GPU disabled or blocklisted)";
    const info = (adapter as { info?: { vendor?: string; architecture?: string } }).info;
    const what = [info?.vendor, info?.architecture].filter((v) => typeof v === "string" && v !== "").join(" ");
    return `available${what ? ` (${what})` : ""}; the library's softmax has no WebGPU kernel`;
  } catch (e) {
    return `navigator.gpu present, requestAdapter failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}
