/**
 * Accuracy of the WebGPU kernels on the adapter at hand, per kernel class,
 * against the float64 JS library (errors in float32 ulps; softmax in ulps of
 * |y|, logSoftmax and logSumExp in ulps of max(|y|, 1)); then float16 storage
 * (half in, half out: errors in half ulps, and the share of results that are
 * the nearest half), temperatures and masks. Run it on every adapter the README reports:
 *
 *   npx tsx bench/webgpu/accuracy.ts                # the default adapter (a GPU)
 *   npx tsx bench/webgpu/accuracy.ts --swiftshader  # Chromium's SwiftShader (CPU)
 */
import { layoutOf } from "../../src/tensor/layout.js";
import { capsOf } from "../../src/webgpu/context.js";
import { type GPUArrayOptions, logSoftmaxArray, logSumExpArray, requestSoftmaxDevice, softmaxArray } from "../../src/webgpu/index.js";
import { planFor } from "../../src/webgpu/plan.js";
import { findSwiftShaderIcd } from "../../test/webgpu/gpu.js";
import { compare, compareHalf, halfValue, logits, randomHalves, reference } from "../../test/webgpu/ref.js";

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

const fns = { softmax: softmaxArray, logSoftmax: logSoftmaxArray, logSumExp: logSumExpArray } as const;
type OpName = keyof typeof fns;
const OPS: OpName[] = ["softmax", "logSoftmax", "logSumExp"];
const wide = (r: number) => Math.max(Math.abs(r), 1);

console.log(
  "\nfloat16 storage (half in, half out, f32 compute): half ulps (softmax of |y|, the others of max(|y|, 1)); nearest = share of softmax results that are the half nearest to the exact value",
);
console.log("| path | shape | axis | softmax | nearest | logSoftmax | logSumExp |");
console.log("| --- | --- | --- | ---: | ---: | ---: | ---: |");
const worst16 = { softmax: 0, logSoftmax: 0, logSumExp: 0, notNearest: 0, total: 0 };
for (const [path, dev] of devices) {
  for (const [shape, axis] of [...CASES, [[5, 7], -1] as [number[], number], [[3, 1001], -1] as [number[], number]]) {
    const count = shape.reduce((a, b) => a * b, 1);
    const bits = randomHalves(count, 20, count); // |x| < 64, subnormal halves included
    const values = Array.from(bits, halfValue);
    const cells: string[] = [];
    for (const op of OPS) {
      const r = await fns[op](dev, { data: bits, shape }, { axis, inputDtype: "float16" });
      const c = compareHalf(r.half as Uint16Array, reference(op, values, shape, axis), op === "softmax" ? undefined : wide);
      if (c.specialMismatches.length > 0) throw new Error(`float16 special values differ for ${shape}`);
      worst16[op] = Math.max(worst16[op], c.maxUlp);
      cells.push(c.maxUlp.toFixed(4));
      if (op === "softmax") {
        worst16.notNearest += c.notNearest;
        worst16.total += c.total;
        cells.push(`${((100 * (c.total - c.notNearest)) / c.total).toFixed(3)}%`);
      }
    }
    console.log(`| ${path} | ${shape.join("×")} | ${axis} | ${cells.join(" | ")} |`);
  }
}
console.log(
  `worst float16: softmax ${worst16.softmax.toFixed(4)}, logSoftmax ${worst16.logSoftmax.toFixed(4)}, logSumExp ${worst16.logSumExp.toFixed(4)} half ulp; softmax nearest half ${worst16.total - worst16.notNearest} of ${worst16.total}`,
);

console.log("\ntemperature and where (float32): ulps as above; logSumExp with T ≠ 1 in ulps of max(|y|, |m|, T·log Σ, T, 1)");
console.log("| options | softmax | logSoftmax | logSumExp |");
console.log("| --- | ---: | ---: | ---: |");
const dev0 = (devices[0] as [string, GPUDevice])[1];
for (const extra of [
  { temperature: 0.1 },
  { temperature: 0.5 },
  { temperature: 2 },
  { temperature: 7.3 },
  { temperature: 0 },
  { where: "mask" },
  { where: "mask", temperature: 2.5 },
]) {
  const max = { softmax: 0, logSoftmax: 0, logSumExp: 0 };
  for (const [shape, axis] of CASES) {
    const count = shape.reduce((a, b) => a * b, 1);
    const x = logits(count, 30, 7 * count);
    const where = "where" in extra ? Uint8Array.from(logits(count, 1, 3 * count), (v) => (v > -0.4 ? 1 : 0)) : undefined;
    const t = "temperature" in extra ? extra.temperature : undefined;
    const o = { ...(t === undefined ? {} : { temperature: t }), ...(where ? { where } : {}) };
    const m = reference("logSumExp", x, shape, axis, { ...o, temperature: 0 });
    for (const op of OPS) {
      const r = await fns[op](dev0, { data: x, shape }, { axis, ...o } as GPUArrayOptions);
      const scale =
        op === "softmax"
          ? undefined
          : op === "logSumExp" && t !== undefined && t !== 1
            ? (y: number, i: number) => {
                const mi = m[i] as number;
                return Number.isFinite(mi) ? Math.max(Math.abs(y), Math.abs(mi), Math.abs(y - mi), t, 1) : Math.max(Math.abs(y), t, 1);
              }
            : wide;
      const c = compare(r.data, reference(op, x, shape, axis, o), scale);
      if (c.specialMismatches.length > 0) throw new Error(`special values differ for ${shape} ${JSON.stringify(extra)}`);
      max[op] = Math.max(max[op], c.maxUlp);
    }
  }
  console.log(`| ${JSON.stringify(extra)} | ${max.softmax.toFixed(2)} | ${max.logSoftmax.toFixed(2)} | ${max.logSumExp.toFixed(2)} |`);
}
for (const [, d] of devices) d.destroy();
