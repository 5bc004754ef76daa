/**
 * Accuracy of the WGSL exp and log of src/webgpu/wgsl/math.ts, measured on the
 * adapter against float64 (Math.exp / Math.log are within 1 float64 ulp, 2^-29
 * of a float32 ulp, and decimal.js confirms a few points). Errors in float32
 * ulps of the reference. Skipped with the reason where there is no adapter.
 */

import { afterAll, describe, expect, it } from "vitest";
import { exact } from "../../reference/decimal.mjs";
import { MATH_WGSL } from "../../src/webgpu/wgsl/math.js";
import { gpuEnv } from "./gpu.js";
import { logits, ulp32 } from "./ref.js";

const env = await gpuEnv();
const title = env.device ? `WGSL exp and log on ${env.adapterName}` : `WGSL exp and log SKIPPED (${env.reason})`;
afterAll(() => env.device?.destroy());

/** Runs `out[i] = EXPR` (EXPR over a[i], b[i]) on the device. */
async function evaluate(device: GPUDevice, expr: string, a: Float32Array, b: Float32Array): Promise<Float32Array> {
  const code = `${MATH_WGSL}
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x + g.y * 65535u * 64u;
  if (i >= arrayLength(&O)) { return; }
  let a = A[i];
  let b = B[i];
  O[i] = ${expr};
}`;
  const n = a.length;
  const mk = (data: Float32Array | null) => {
    const buf = device.createBuffer({ size: n * 4, usage: 0x80 | 0x8 | 0x4 });
    if (data) device.queue.writeBuffer(buf, 0, data as Float32Array<ArrayBuffer>);
    return buf;
  };
  const [ba, bb, bo] = [mk(a), mk(b), mk(null)];
  const read = device.createBuffer({ size: n * 4, usage: 0x1 | 0x8 });
  const pipeline = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code }), entryPoint: "main" } });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [ba, bb, bo].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  const groups = Math.ceil(n / 64);
  pass.dispatchWorkgroups(Math.min(groups, 65535), Math.ceil(groups / 65535));
  pass.end();
  enc.copyBufferToBuffer(bo, 0, read, 0, n * 4);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(1);
  const out = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const x of [ba, bb, bo, read]) x.destroy();
  return out;
}

function maxUlp(got: Float32Array, want: (i: number) => number): { max: number; at: string } {
  let max = 0;
  let at = "";
  for (let i = 0; i < got.length; i++) {
    const w = want(i);
    const e = Math.abs((got[i] as number) - w) / ulp32(w);
    if (e > max) {
      max = e;
      at = `#${i}: got ${got[i]}, want ${w}`;
    }
  }
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
