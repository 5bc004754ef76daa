/** Dispatch rules: which kernel runs, forcing it both ways, and the precision option. */
import { afterEach, describe, expect, it } from "vitest";
import { backend, lastBackend, logSoftmax, logSumExp, setBackend, softmax, WASM_MIN_ELEMENTS } from "../../src/index.js";

const big = Float32Array.from({ length: 4 * 256 }, (_, i) => Math.sin(i) * 5);
const shape = [4, 256];

afterEach(() => setBackend("auto"));

describe("dispatch", () => {
  it("auto: float32 inputs of at least WASM_MIN_ELEMENTS run in WASM, exact by default", () => {
    expect(backend()).toBe("auto");
    for (const f of [softmax, logSoftmax, logSumExp] as ((x: unknown, o?: unknown) => unknown)[]) {
      f({ data: big, shape });
      expect(lastBackend()).toBe("wasm-exact");
      f({ data: big, shape }, { precision: "fast" });
      expect(lastBackend()).toBe("wasm-fast");
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
    expect(lastBackend()).toBe("wasm-exact");
    expect(Array.from(small as Float32Array)).toEqual(Array.from(Float32Array.from([0.09003057, 0.24472848, 0.66524094])));
    const wasm = softmax({ data: big, shape }).data as Float32Array;
    expect(lastBackend()).toBe("wasm-exact");
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
});
