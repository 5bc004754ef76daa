/** A call too large for the WASM memory (memory.grow refused): the JavaScript kernels take it, with the same results. */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { lastBackend, logSoftmax, logSumExp, setBackend, setThreads, softmax } from "../../src/index.js";
import { memoryLimit, wasmInstance } from "../../src/kernels/wasm/runtime.js";
import { logits, ran, referenceRow, ulpError, VARIANT, WASM } from "./reference.js";

type Fn = (x: unknown, o?: unknown) => { data: Float32Array };
const FNS = [softmax, logSoftmax, logSumExp] as unknown as Fn[];

function bits(a: unknown): Uint32Array {
  expect(a).toBeInstanceOf(Float32Array);
  const f = a as Float32Array;
  return new Uint32Array(f.buffer, f.byteOffset, f.length).slice();
}

beforeAll(() => setBackend(WASM));
afterEach(async () => {
  memoryLimit.bytes = Number.POSITIVE_INFINITY;
  vi.restoreAllMocks();
  await setThreads(1);
});

describe("WASM memory that cannot grow", () => {
  it("memory.grow throwing RangeError: the JS kernels run the call (exact: the same bits), no RangeError escapes", () => {
    const have = (wasmInstance(VARIANT) as { memory: WebAssembly.Memory }).memory.buffer.byteLength;
    // One block along axis 0 needs more than the memory has: runBlocks must grow it.
    const inner = Math.ceil(have / 4 / 8) + 64;
    const shape = [8, inner];
    const x = logits(8 * inner, 5);
    const js: Float32Array[] = [];
    setBackend("js");
    for (const f of FNS) js.push(f({ data: x, shape }, { axis: 0 }).data);
    setBackend(WASM);
    const grow = vi.spyOn(WebAssembly.Memory.prototype, "grow").mockImplementation(() => {
      throw new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded");
    });
    FNS.forEach((f, i) => {
      const r = f({ data: x, shape }, { axis: 0 }).data;
      expect(lastBackend()).toBe("js");
      expect(bits(r)).toEqual(bits(js[i] as Float32Array));
    });
    expect(grow).toHaveBeenCalled();
    // The JS kernel is correctly rounded: one slice against 40-digit decimal.js.
    const slice = Float32Array.from({ length: 8 }, (_, k) => x[k * inner + 3] as number);
    const ref = referenceRow(slice).softmax;
    const y = (js[0] as Float32Array).filter((_, i) => i % inner === 3);
    expect(y.length).toBe(8);
    for (let k = 0; k < 8; k++) expect(ulpError(y[k] as number, ref[k] as number)).toBeLessThanOrEqual(0.5);
    vi.restoreAllMocks();
    // With growth allowed again, the same call runs in WASM with the same bits.
    expect(bits(softmax({ data: x, shape }, { axis: 0 }).data)).toEqual(bits(js[0] as Float32Array));
    expect(lastBackend()).toBe(ran("exact"));
  });

  it("the internal limit (test seam): rows along the last axis, one row and worker threads fall back to JS", async () => {
    const w = wasmInstance(VARIANT) as { memory: WebAssembly.Memory };
    // At least the threads' shared memory (4 MiB at the start) and this thread's: neither may grow.
    memoryLimit.bytes = Math.max(w.memory.buffer.byteLength, 4 << 20);
    const n = memoryLimit.bytes / 4 + 1000; // one row needs more than either memory holds
    const x = logits(n, 9);
    setBackend("js");
    const js = FNS.map((f) => f({ data: x, shape: [n] }).data);
    setBackend(WASM);
    for (const threads of [1, 2]) {
      expect(await setThreads(threads)).toBe(threads);
      FNS.forEach((f, i) => {
        expect(bits(f({ data: x, shape: [n] }).data)).toEqual(bits(js[i] as Float32Array));
        expect(lastBackend()).toBe("js");
      });
    }
  });
});
