/** The checked-in module bytes are those the build script assembles from scripts/wasm-kernels.mjs. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { moduleSource } from "../../scripts/build-wasm.mjs";
import { kernelBytes } from "../../src/kernels/wasm/runtime.js";

describe("WASM module", () => {
  it("src/kernels/wasm/module.ts is up to date with the generator", async () => {
    const current = readFileSync(new URL("../../src/kernels/wasm/module.ts", import.meta.url), "utf8");
    expect(current).toBe(await moduleSource());
  });

  it("validates on this platform, private and shared", () => {
    expect(WebAssembly.validate(kernelBytes(false))).toBe(true);
    expect(WebAssembly.validate(kernelBytes(true))).toBe(true);
  });
});
