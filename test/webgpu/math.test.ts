/**
 * Accuracy of the WGSL exp and log of src/webgpu/wgsl/math.ts, measured on the
 * adapter against float64 (Math.exp / Math.log are within 1 float64 ulp, 2^-29
 * of a float32 ulp, and decimal.js confirms a few points). Errors in float32
 * ulps of the reference. Skipped with the reason where there is no adapter.
 */

import { describe, expect, it } from "vitest";
import { exact } from "../../reference/decimal.mjs";
import { MATH_WGSL } from "../../src/webgpu/wgsl/math.js";
import { evalElementwise, gpuSuite } from "./gpu.js";
import { largestError, logits, ulp32 } from "./ref.js";

const env = await gpuSuite("WGSL exp and log");
const title = env.title;

/** Runs `out[i] = EXPR` (EXPR over a[i], b[i]) on the device. */
const evaluate = async (device: GPUDevice, expr: string, a: Float32Array, b: Float32Array) =>
  new Float32Array(await evalElementwise(device, MATH_WGSL, "f32", [a, b], expr));

/** The largest error of got[i] in float32 ulps of want(i), and where. */
function maxUlp(got: Float32Array, want: (i: number) => number): { max: number; at: string } {
  const { maxUlp: max, worst: at } = largestError(
    Float64Array.from(got, (_, i) => want(i)),
    (w, i) => ({
      got: got[i] as number,
      error: Math.abs((got[i] as number) - w) / ulp32(w),
    }),
  );
  return { max, at };
}

/**
 * Measured on SwiftShader (2^18 points each; the test prints the figures): expR 0.99 ulp, expDiff 0.98 ulp,
 * logPos 1.51 ulp (worst near s = 1.34, where log s comes from the atanh series alone).
 */
describe.skipIf(!env.device)(title, () => {
  const device = env.device as GPUDevice;
  const N = 1 << 18;

  it("expR(d, 0) = e^d within 1 ulp for d in [-87, 0] (normal results)", async () => {
    const d = Float32Array.from(logits(N, 43.5, 5), (v) => v - 43.5);
    const got = await evaluate(device, "expR(a, 0.0)", d, d);
    const { max, at } = maxUlp(got, (i) => Math.exp(d[i] as number));
    console.info(`measured max error ${max.toFixed(3)} ulp (${at})`);
    expect(max, at).toBeLessThanOrEqual(1);
    expect(Object.is((await evaluate(device, "expR(a, 0.0)", Float32Array.of(0, -200), Float32Array.of(0, 0)))[1], 0)).toBe(true);
  });

  it("expDiff(a, b) = e^(a−b) within 1 ulp, the rounding of a − b compensated (|a|, |b| up to 10^4)", async () => {
    const b = logits(N, 1e4, 6);
    const a = Float32Array.from(b, (v, i) => Math.fround(v - Math.abs((logits(1, 43, i + 1)[0] as number) + 43)));
    const got = await evaluate(device, "expDiff(a, b)", a, b);
    const { max, at } = maxUlp(got, (i) => Math.exp((a[i] as number) - (b[i] as number)));
    console.info(`measured max error ${max.toFixed(3)} ulp (${at})`);
    expect(max, at).toBeLessThanOrEqual(1);
  });

  it("logPos(s) = log s within 2 ulp for s in [1, 2^20]", async () => {
    const s = Float32Array.from(logits(N, 10, 8), (v) => 2 ** (v + 10));
    s.set([1, Math.fround(1 + 2 ** -23), Math.fround(Math.SQRT2), 2, 3, 1e6], 0);
    const got = await evaluate(device, "logPos(a)", s, s);
    const { max, at } = maxUlp(got, (i) => Math.log(s[i] as number));
    console.info(`measured max error ${max.toFixed(3)} ulp (${at})`);
    expect(max, at).toBeLessThanOrEqual(2);
    expect(got[0]).toBe(0);
  });

  it("agrees with decimal.js at a few points (checks the float64 reference itself)", async () => {
    const d = Float32Array.of(-0.5, -10, -80, -1e-3);
    const got = await evaluate(device, "expR(a, 0.0)", d, d);
    d.forEach((v, i) => {
      const want = exact(v).exp().toNumber();
      expect(Math.abs((got[i] as number) - want) / ulp32(want)).toBeLessThanOrEqual(1);
    });
  });
});
