/**
 * Test setup for the WebGPU tests: points the Vulkan loader at SwiftShader
 * (the ICD that Debian's chromium package ships), loads Dawn from the `webgpu`
 * package and asks for devices. Where no adapter exists the tests are skipped
 * with the reason printed, except under CI (CI=true), where .ci/run installs
 * chromium and libvulkan1 and a missing adapter is a failure.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { layoutOf } from "../../src/tensor/layout.js";
import { capsOf } from "../../src/webgpu/context.js";
import { readHalfBits, readTensor, requestSoftmaxDevice, uploadTensor } from "../../src/webgpu/index.js";
import { DEFAULT_TUNING, planFor, type Tuning } from "../../src/webgpu/plan.js";
import { runOp } from "../../src/webgpu/run.js";
import type { GPUDtype } from "../../src/webgpu/types.js";
import type { Op } from "../../src/webgpu/wgsl/kernels.js";

/** Candidate locations of vk_swiftshader_icd.json: Debian's chromium, `dpkg -L chromium`, Playwright's browsers. */
export function findSwiftShaderIcd(): string | null {
  const candidates = ["/usr/lib/chromium/vk_swiftshader_icd.json", "/usr/lib/chromium-browser/vk_swiftshader_icd.json"];
  try {
    const listed = execFileSync("dpkg", ["-L", "chromium"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    for (const line of listed.split("\n")) if (line.endsWith("vk_swiftshader_icd.json")) candidates.push(line.trim());
  } catch {
    // no dpkg or no chromium package: try the other places
  }
  const pw = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), ".cache", "ms-playwright");
  try {
    for (const d of readdirSync(pw)) {
      candidates.push(join(pw, d, "chrome-linux", "vk_swiftshader_icd.json"), join(pw, d, "chrome-linux64", "vk_swiftshader_icd.json"));
    }
  } catch {
    // no Playwright browsers
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

export interface GpuEnv {
  /** A device with the subgroups feature when the adapter has it (the fast path). */
  device: GPUDevice | null;
  /** A device without subgroups (the workgroup-memory fallback). */
  plain: GPUDevice | null;
  /** Why there is no device, when there is none. */
  reason: string;
  adapterName: string;
  /** Dawn's instance: it must outlive the devices. */
  gpu: GPU | null;
}

let cached: Promise<GpuEnv> | null = null;

async function open(): Promise<GpuEnv> {
  const icd = findSwiftShaderIcd();
  if (icd && !process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = icd;
  let create: (flags: string[]) => GPU;
  try {
    ({ create } = (await import("webgpu")) as unknown as { create: (flags: string[]) => GPU });
  } catch (e) {
    return { device: null, plain: null, reason: `the webgpu package did not load: ${(e as Error).message}`, adapterName: "", gpu: null };
  }
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    const why = icd
      ? `Dawn found no adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES})`
      : "no vk_swiftshader_icd.json found (install chromium and libvulkan1)";
    return { device: null, plain: null, reason: why, adapterName: "", gpu };
  }
  const info = adapter.info;
  const device = await requestSoftmaxDevice(gpu);
  const plain = await requestSoftmaxDevice(gpu, { subgroups: false });
  return { device, plain, reason: "", adapterName: `${info.vendor} ${info.architecture} ${info.description}`.trim(), gpu };
}

/** The devices for the WebGPU tests (opened once per test file). Throws under CI when there is no adapter. */
export async function gpuEnv(): Promise<GpuEnv> {
  cached ??= open();
  const env = await cached;
  if (!env.device) {
    if (process.env.CI === "true" || process.env.CI === "1") {
      throw new Error(`WebGPU tests need an adapter in CI (.ci/run installs chromium and libvulkan1): ${env.reason}`);
    }
    console.warn(`[webgpu tests] SKIPPED: ${env.reason}`);
  }
  return env;
}

/**
 * The devices for one test file, with the suite's title (`what on <adapter>`, or `what SKIPPED (<reason>)`), and an
 * afterAll that destroys both devices.
 */
export async function gpuSuite(what: string): Promise<GpuEnv & { title: string }> {
  const env = await gpuEnv();
  afterAll(() => {
    env.device?.destroy();
    env.plain?.destroy();
  });
  return { ...env, title: env.device ? `${what} on ${env.adapterName}` : `${what} SKIPPED (${env.reason})` };
}

/** Small thresholds so that every class is reached with small tensors (SwiftShader is slow). */
export const SMALL: Tuning = { maxV: 4, targetV: 2, splitRows: 8, splitMinN: 512, splitTargetGroups: 64, splitWG: 64 };

/** A tensor shape and axis, the kernel class it should plan to, and the tuning that gets it there. */
export interface KernelCase {
  name: string;
  shape: number[];
  axis: number;
  cls: "rows" | "online" | "split" | "strided";
  tuning?: Tuning;
}

/** The cases the float32 and float16 suites share (each adds its own): odd and vec4 rows, a split, a strided axis. */
export const SHARED_CASES: readonly KernelCase[] = [
  { name: "tiny odd rows, scalar loads (several rows per workgroup)", shape: [37, 3], axis: -1, cls: "rows" },
  { name: "odd medium rows, scalar loads", shape: [5, 999], axis: -1, cls: "rows" },
  { name: "medium rows, vec4 loads", shape: [8, 1000], axis: -1, cls: "rows" },
  { name: "few long rows, vec4 (split)", shape: [4, 3000], axis: -1, cls: "split", tuning: SMALL },
  { name: "few long odd rows, scalar (split)", shape: [5, 2001], axis: -1, cls: "split", tuning: SMALL },
  { name: "first axis (strided)", shape: [6, 5, 7], axis: 0, cls: "strided" },
];

/** The kernel class planFor picks for softmax on the case (io: planFor's input/output description, e.g. half storage). */
export function plannedClass(device: GPUDevice, c: KernelCase, io?: Parameters<typeof planFor>[6]): string {
  const l = layoutOf(c.shape, c.axis < 0 ? c.axis + c.shape.length : c.axis);
  return planFor("softmax", l.outer, l.n, l.inner, capsOf(device), c.tuning, io).cls;
}

/** A byte mask in a storage buffer, padded with zeros to a multiple of 4 bytes. */
export async function maskBuffer(device: GPUDevice, mask: Uint8Array): Promise<GPUBuffer> {
  const b = device.createBuffer({ size: Math.max(4, Math.ceil(mask.length / 4) * 4), usage: 0x80 | 0x8 });
  const padded = new Uint8Array(b.size);
  padded.set(mask);
  device.queue.writeBuffer(b, 0, padded);
  return b;
}

/** How runGpu runs an operation: the JS options (the mask uploaded as a byte buffer), the dtypes and the tuning. */
export interface GpuRun {
  temperature?: number;
  where?: Uint8Array;
  onFullyMasked?: "zeros" | "nan" | "error";
  /** The input's dtype (data given as half bits for float16). Default float32. */
  xd?: GPUDtype;
  /** The output's dtype. Default the input's. */
  yd?: GPUDtype;
  tuning?: Tuning;
}

/**
 * Runs op through runOp with the given tuning (so that any kernel class is reached with a small tensor); returns the
 * result as half bits (float16 output) or float32, and frees every buffer it made.
 */
export async function runGpu(
  device: GPUDevice,
  op: Op,
  data: Float32Array | Uint16Array,
  shape: number[],
  axis: number,
  r: GpuRun = {},
): Promise<Float32Array | Uint16Array> {
  const { xd = "float32", yd = xd, tuning = DEFAULT_TUNING, where, ...o } = r;
  const x = await uploadTensor(device, data, shape, xd);
  const m = where ? await maskBuffer(device, where) : undefined;
  try {
    const y = await runOp(op, op, x, { axis, outDtype: yd, ...o, where: m }, tuning);
    try {
      return yd === "float16" ? await readHalfBits(y) : await readTensor(y);
    } finally {
      y.buffer.destroy();
    }
  } finally {
    x.buffer.destroy();
    m?.destroy();
  }
}

/**
 * Runs `O[i] = expr` on the device, one invocation per element (2-D dispatch past 65 535 workgroups): the inputs are
 * bound as A, B, … (array<type>) and read as a, b, …, after `prelude` (WGSL functions such as MATH_WGSL). Returns
 * O's bytes (as long as the first input).
 */
export async function evalElementwise(
  device: GPUDevice,
  prelude: string,
  type: "f32" | "u32",
  inputs: readonly (Float32Array | Uint32Array)[],
  expr: string,
): Promise<ArrayBuffer> {
  const names = inputs.map((_, k) => String.fromCharCode(65 + k));
  const code = `${prelude}
${names.map((v, k) => `@group(0) @binding(${k}) var<storage, read> ${v}: array<${type}>;`).join("\n")}
@group(0) @binding(${inputs.length}) var<storage, read_write> O: array<${type}>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x + g.y * 65535u * 64u;
  if (i >= arrayLength(&O)) { return; }
${names.map((v) => `  let ${v.toLowerCase()} = ${v}[i];`).join("\n")}
  O[i] = ${expr};
}`;
  const n = inputs[0]?.length ?? 0;
  const ins = inputs.map((data) => {
    const b = device.createBuffer({ size: n * 4, usage: 0x80 | 0x8 });
    device.queue.writeBuffer(b, 0, data as Uint32Array<ArrayBuffer>);
    return b;
  });
  const out = device.createBuffer({ size: n * 4, usage: 0x80 | 0x4 });
  const read = device.createBuffer({ size: n * 4, usage: 0x1 | 0x8 });
  const pipeline = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code }), entryPoint: "main" } });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...ins, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  const groups = Math.ceil(n / 64);
  pass.dispatchWorkgroups(Math.min(groups, 65535), Math.ceil(groups / 65535));
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, n * 4);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(1);
  const bytes = read.getMappedRange().slice(0);
  read.unmap();
  for (const b of [...ins, out, read]) b.destroy();
  return bytes;
}
