/** Dispatch rules: which kernel runs, forcing it both ways, and the precision option. */
import { afterEach, describe, expect, it } from "vitest";
import { backend, lastBackend, logSoftmax, logSumExp, setBackend, softmax, WASM_MIN_ELEMENTS } from "../../src/index.js";
import { RELAXED_PROBE } from "../../src/kernels/wasm/module.js";
import { relaxedSupported } from "../../src/kernels/wasm/runtime.js";
import { logits, ran, referenceRow, ulpError } from "./reference.js";

/** The variant "auto" picks here: relaxed SIMD where it validates. */
const AUTO = relaxedSupported() ? "relaxed" : "simd128";

const big = Float32Array.from({ length: 4 * 256 }, (_, i) => Math.sin(i) * 5);
const shape = [4, 256];

afterEach(() => setBackend("auto"));

describe("dispatch", () => {
  it("auto: float32 inputs of at least WASM_MIN_ELEMENTS run in WASM, exact by default", () => {
    expect(backend()).toBe("auto");
    for (const f of [softmax, logSoftmax, logSumExp] as ((x: unknown, o?: unknown) => unknown)[]) {
      f({ data: big, shape });
      expect(lastBackend()).toBe(ran("exact", AUTO));
      f({ data: big, shape }, { precision: "fast" });
      expect(lastBackend()).toBe(ran("fast", AUTO));
    }
  });

  it("auto: tiny inputs, float64 inputs, nested arrays, temperature ≠ 1 and weights run in JS", () => {
    softmax(new Float32Array(WASM_MIN_ELEMENTS - 1));
    expect(lastBackend()).toBe("js");
    softmax(Float64Array.from(big));
    expect(lastBackend()).toBe("js");
    softmax([[1, 2, 3]]);
    expect(lastBackend()).toBe("js");
    softmax({ data: big, shape }, { temperature: 2 });
    expect(lastBackend()).toBe("js");
    logSumExp({ data: big, shape }, { weights: { data: new Float32Array(big.length).fill(1), shape } });
    expect(lastBackend()).toBe("js");
  });

  it("forced both ways: the same results, the chosen kernel visible", () => {
    setBackend("js");
    const js = softmax({ data: big, shape }).data as Float32Array;
    expect(lastBackend()).toBe("js");
    setBackend("wasm");
    expect(backend()).toBe("wasm");
    const small = softmax(new Float32Array([1, 2, 3]));
    expect(lastBackend()).toBe(ran("exact", AUTO));
    expect(Array.from(small as Float32Array)).toEqual(Array.from(Float32Array.from([0.09003057, 0.24472848, 0.66524094])));
    const wasm = softmax({ data: big, shape }).data as Float32Array;
    expect(lastBackend()).toBe(ran("exact", AUTO));
    expect(Array.from(wasm)).toEqual(Array.from(js));
  });

  it("rejects unknown backends and precisions with INVALID_OPTION naming the argument", () => {
    expect(() => setBackend("gpu" as never)).toThrow(expect.objectContaining({ code: "INVALID_OPTION", fn: "setBackend", arg: "backend" }));
    for (const [f, fn] of [
      [softmax, "softmax"],
      [logSoftmax, "logSoftmax"],
      [logSumExp, "logSumExp"],
    ] as const) {
      expect(() => (f as (x: unknown, o: unknown) => unknown)([1, 2], { precision: "medium" })).toThrow(
        expect.objectContaining({ code: "INVALID_OPTION", fn, arg: "options.precision", received: "medium" }),
      );
    }
    // Validated even where the JS kernel runs.
    expect(() => softmax([1, 2], { precision: 1 as never })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
  });

  it("relaxed SIMD: detected with a probe module, used by auto exactly where it validates", () => {
    const probe = Uint8Array.from(atob(RELAXED_PROBE), (c) => c.charCodeAt(0));
    expect(relaxedSupported()).toBe(WebAssembly.validate(probe));
    const flag = process.execArgv.includes("--experimental-wasm-relaxed-simd");
    // Node 20 (V8 11.3) validates relaxed SIMD only behind the flag; Node 22 and later by default.
    if (Number(process.versions.node.split(".")[0]) === 20) expect(relaxedSupported()).toBe(flag);
    softmax({ data: big, shape }, { precision: "fast" });
    expect(lastBackend()).toBe(relaxedSupported() ? "wasm-relaxed-fast" : "wasm-fast");
  });

  it("each variant forceable: wasm-simd128 always, wasm-relaxed where it validates (else JS runs)", () => {
    const x = logits(5 * 300, 7);
    const exact: Float32Array[] = [];
    for (const b of ["js", "wasm-simd128", "wasm-relaxed"] as const) {
      setBackend(b);
      expect(backend()).toBe(b);
      exact.push(softmax({ data: x, shape: [5, 300] }).data as Float32Array);
      const want = b === "js" || (b === "wasm-relaxed" && !relaxedSupported()) ? "js" : ran("exact", b === "wasm-relaxed" ? "relaxed" : "simd128");
      expect(lastBackend()).toBe(want);
      const fast = logSoftmax({ data: x, shape: [5, 300] }, { precision: "fast" }).data as Float32Array;
      expect(lastBackend()).toBe(want === "js" ? "js" : want.replace("exact", "fast"));
      for (let r = 0; r < 5; r++) {
        const ref = referenceRow(x.subarray(r * 300, (r + 1) * 300)).logSoftmax;
        for (let i = 0; i < 300; i++) expect(ulpError(fast[r * 300 + i] as number, ref[i] as number)).toBeLessThanOrEqual(2.5);
      }
    }
    // Exact mode: the JS kernel's bits on both variants.
    expect(Array.from(exact[1] as Float32Array)).toEqual(Array.from(exact[0] as Float32Array));
    expect(Array.from(exact[2] as Float32Array)).toEqual(Array.from(exact[0] as Float32Array));
  });
});
