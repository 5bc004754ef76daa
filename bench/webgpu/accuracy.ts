/**
 * Accuracy of the WebGPU kernels on the adapter at hand, per kernel class,
 * against the float64 JS library (errors in float32 ulps; softmax in ulps of
 * |y|, logSoftmax and logSumExp in ulps of max(|y|, 1)). Run it on every
 * adapter the README reports:
 *
 *   npx tsx bench/webgpu/accuracy.ts                # the default adapter (a GPU)
 *   npx tsx bench/webgpu/accuracy.ts --swiftshader  # Chromium's SwiftShader (CPU)
 */
import { layoutOf } from "../../src/tensor/layout.js";
import { capsOf } from "../../src/webgpu/context.js";
import { logSoftmaxArray, logSumExpArray, requestSoftmaxDevice, softmaxArray } from "../../src/webgpu/index.js";
import { planFor } from "../../src/webgpu/plan.js";
import { findSwiftShaderIcd } from "../../test/webgpu/gpu.js";
import { compare, logits, reference } from "../../test/webgpu/ref.js";

if (process.argv.includes("--swiftshader") && !process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = findSwiftShaderIcd() ?? "";
const { create } = (await import("webgpu")) as unknown as { create: (flags: string[]) => GPU };
const gpu = create([]);
const devices: [string, GPUDevice][] = [
  ["subgroups", await requestSoftmaxDevice(gpu)],
  ["workgroup memory", await requestSoftmaxDevice(gpu, { subgroups: false })],
];
const info = (devices[0] as [string, GPUDevice])[1].adapterInfo;
console.log(`adapter: ${info.vendor} ${info.architecture} ${info.device} ${info.description}`.replace(/\s+/g, " "));
const CASES: [number[], number][] = [
  [[37, 3], -1],
  [[64, 8], -1],
  [[16, 256], -1],
  [[8, 1000], -1],
  [[4, 999], -1],
  [[4, 8000], -1],
  [[3, 5001], -1],
  [[256, 16388], -1],
  [[4, 50000], -1],
  [[3, 9001], -1],
  [[3, 5, 7], 0],
  [[2, 300, 3], 1],
];
console.log("| path | shape | axis | class | softmax (ulp of |y|) | logSoftmax (ulp of max(|y|,1)) | logSumExp (ulp of max(|y|,1)) |");
console.log("| --- | --- | --- | --- | ---: | ---: | ---: |");
const worst = { softmax: 0, logSoftmax: 0, logSumExp: 0 };
for (const [path, dev] of devices) {
  for (const [shape, axis] of CASES) {
    const count = shape.reduce((a, b) => a * b, 1);
    const x = logits(count, 30, count);
    const l = layoutOf(shape, axis < 0 ? shape.length + axis : axis);
    const cls = planFor("softmax", l.outer, l.n, l.inner, capsOf(dev)).cls;
    const s = await softmaxArray(dev, { data: x, shape }, { axis });
    const ls = await logSoftmaxArray(dev, { data: x, shape }, { axis });
    const lse = await logSumExpArray(dev, { data: x, shape }, { axis });
    const wide = (r: number) => Math.max(Math.abs(r), 1);
    const c1 = compare(s.data, reference("softmax", x, shape, axis));
    const c2 = compare(ls.data, reference("logSoftmax", x, shape, axis), wide);
    const c3 = compare(lse.data, reference("logSumExp", x, shape, axis), wide);
    if (c1.specialMismatches.length + c2.specialMismatches.length + c3.specialMismatches.length > 0) throw new Error(`special values differ for ${shape}`);
    worst.softmax = Math.max(worst.softmax, c1.maxUlp);
    worst.logSoftmax = Math.max(worst.logSoftmax, c2.maxUlp);
    worst.logSumExp = Math.max(worst.logSumExp, c3.maxUlp);
    console.log(`| ${path} | ${shape.join("×")} | ${axis} | ${cls} | ${c1.maxUlp.toFixed(2)} | ${c2.maxUlp.toFixed(2)} | ${c3.maxUlp.toFixed(2)} |`);
  }
}
console.log(`worst: softmax ${worst.softmax.toFixed(2)}, logSoftmax ${worst.logSoftmax.toFixed(2)}, logSumExp ${worst.logSumExp.toFixed(2)} ulp`);
for (const [, d] of devices) d.destroy();
