/**
 * WebGPU softmax benchmark: our kernels, a WGSL copy of the same bytes, and
 * torch.softmax (through python3, same GPU, same run), timed with GPU
 * timestamp queries, medians over --iters. Writes a Markdown table and JSON.
 *
 *   npx tsx bench/webgpu/bench.ts                       # the six goal shapes, the default adapter
 *   npx tsx bench/webgpu/bench.ts --swiftshader --shapes 256x1024,4x8192 --iters 5   # CPU check only
 *
 * Options: --shapes RxN,... (softmax along the last axis) · --dtypes float32,float16 (both by default:
 * float16 is half in, half out, packed two per u32, computed in f32) · --iters 20 · --warmup 3 ·
 * --op softmax|logSoftmax|logSumExp · --out bench/results/webgpu (writes .md and .json) ·
 * --no-torch · --python python3 · --swiftshader (point Vulkan at Chromium's SwiftShader) ·
 * --tuning '{"maxV":32}' (planner thresholds, see src/webgpu/plan.ts).
 *
 * Bandwidth counts what a kernel must move: read + write of the tensor (logSumExp: the read), in
 * the tensor's dtype; the copy yardstick moves the same bytes (float16: half of float32's).
 * Tensors over the device's storage-binding or buffer limit are cut into row batches with their
 * own buffers; a timed iteration then runs every batch in one compute pass.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { softmax as softmaxJs } from "../../src/index.js";
import { halfToNumber } from "../../src/webgpu/arrays.js";
import { contextOf, type Prepared, prepare, verifySubgroups } from "../../src/webgpu/context.js";
import { requestSoftmaxDevice } from "../../src/webgpu/device.js";
import { BUFFER, MAP_READ } from "../../src/webgpu/flags.js";
import { DEFAULT_TUNING, gridOf, type Plan, planFor, type Tuning } from "../../src/webgpu/plan.js";
import type { GPUDtype } from "../../src/webgpu/types.js";
import { type IO, type Op, PLAIN_IO } from "../../src/webgpu/wgsl/kernels.js";
import { findSwiftShaderIcd } from "../../test/webgpu/gpu.js";

const GOAL_SHAPES = "4096x32768,65536x1024,262144x256,16384x131072,64x128256,1x128256";
const here = dirname(fileURLToPath(import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const shapes = arg("shapes", GOAL_SHAPES)
  .split(",")
  .map((s) => s.split("x").map(Number) as [number, number]);
const iters = Number(arg("iters", "20"));
const warmup = Number(arg("warmup", "3"));
const op = arg("op", "softmax") as Op;
const dtypes = arg("dtypes", "float32,float16").split(",") as GPUDtype[];
for (const d of dtypes) if (d !== "float32" && d !== "float16") throw new Error(`--dtypes: float32 or float16, not ${d}`);
const outBase = arg("out", join(here, "..", "results", "webgpu"));
const tuning: Tuning = { ...DEFAULT_TUNING, ...(JSON.parse(arg("tuning", "{}")) as Partial<Tuning>) };

if (flag("swiftshader") && !process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = findSwiftShaderIcd() ?? "";
const { create } = (await import("webgpu")) as unknown as { create: (flags: string[]) => GPU };
// Dawn rounds timestamps to 100 µs unless this toggle is off.
const gpu = create(["disable-dawn-features=timestamp_quantization"]);
const device = await requestSoftmaxDevice(gpu);
if (!device.features.has("timestamp-query")) throw new Error("the adapter has no timestamp-query feature");
const info = device.adapterInfo;
const adapterName = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.replace(/\s+/g, " ").trim();
const ctx = contextOf(device);
await verifySubgroups(ctx);
console.log(`adapter: ${adapterName}; workgroup ${ctx.caps.wg}, subgroup ${ctx.caps.sg || "none"}; op ${op}; iters ${iters}`);

/** Random logits in [-8, 8): one f32 per element, or (float16) two halves per u32 word, `count` counting words then. */
const FILL = (half: boolean) => /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> x: array<${half ? "u32" : "f32"}>;
@group(0) @binding(1) var<uniform> q: vec4<u32>;
fn hash(v: u32) -> u32 { var h = v * 747796405u + 2891336453u; h = ((h >> ((h >> 28u) + 4u)) ^ h) * 277803737u; return (h >> 22u) ^ h; }
fn val(i: u32) -> f32 { return (f32(hash(i + q.z) >> 8u) / 16777216.0 - 0.5) * 16.0; }
@compute @workgroup_size(256) fn main(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let i = (w.x + w.y * q.y) * 256u + l;
  if (i < q.x) { x[i] = ${half ? "pack2x16float(vec2<f32>(val(2u * i), val(2u * i + 1u)))" : "val(i)"}; }
}`;
const fillPipelines = new Map(
  [false, true].map((h) => [
    h,
    device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code: FILL(h) }), entryPoint: "main" } }),
  ]),
);

/** Fills `count` elements of `buffer` (float16: `count` even). */
function fill(buffer: GPUBuffer, count: number, seed: number, dtype: GPUDtype): void {
  const half = dtype === "float16";
  const fillPipeline = fillPipelines.get(half) as GPUComputePipeline;
  if (half) count /= 2;
  const groups = Math.ceil(count / 256);
  const [nx, ny] = gridOf(groups, ctx.caps.maxGroups);
  const u = device.createBuffer({ size: 16, usage: BUFFER.UNIFORM | BUFFER.COPY_DST });
  device.queue.writeBuffer(u, 0, Uint32Array.of(count, nx, seed, 0));
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(fillPipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: fillPipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer } },
        { binding: 1, resource: { buffer: u } },
      ],
    }),
  );
  pass.dispatchWorkgroups(nx, ny);
  pass.end();
  device.queue.submit([enc.finish()]);
  u.destroy();
}

async function readBack(buffer: GPUBuffer, count: number, dtype: GPUDtype): Promise<Float64Array> {
  const bytes = dtype === "float16" ? Math.ceil(count / 2) * 4 : count * 4;
  const s = device.createBuffer({ size: bytes, usage: BUFFER.MAP_READ | BUFFER.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(buffer, 0, s, 0, bytes);
  device.queue.submit([enc.finish()]);
  await s.mapAsync(MAP_READ);
  const raw = s.getMappedRange().slice(0);
  s.unmap();
  s.destroy();
  return dtype === "float16" ? Float64Array.from(new Uint16Array(raw, 0, count), halfToNumber) : Float64Array.from(new Float32Array(raw));
}

/** Times `record` (all batches in one pass per iteration) with timestamp queries; returns per-iteration ms. */
async function time(record: (pass: GPUComputePassEncoder) => void): Promise<number[]> {
  const total = warmup + iters;
  const qs = device.createQuerySet({ type: "timestamp", count: 2 * total });
  const resolve = device.createBuffer({ size: 16 * total, usage: BUFFER.QUERY_RESOLVE | BUFFER.COPY_SRC });
  const enc = device.createCommandEncoder();
  for (let i = 0; i < total; i++) {
    const pass = enc.beginComputePass({ timestampWrites: { querySet: qs, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
    record(pass);
    pass.end();
  }
  enc.resolveQuerySet(qs, 0, 2 * total, resolve, 0);
  device.queue.submit([enc.finish()]);
  const s = device.createBuffer({ size: 16 * total, usage: BUFFER.MAP_READ | BUFFER.COPY_DST });
  const e2 = device.createCommandEncoder();
  e2.copyBufferToBuffer(resolve, 0, s, 0, 16 * total);
  device.queue.submit([e2.finish()]);
  await s.mapAsync(MAP_READ);
  const t = new BigInt64Array(s.getMappedRange().slice(0));
  s.unmap();
  for (const b of [s, resolve]) b.destroy();
  qs.destroy();
  const ms: number[] = [];
  for (let i = warmup; i < total; i++) ms.push(Number((t[2 * i + 1] as bigint) - (t[2 * i] as bigint)) / 1e6);
  return ms;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

interface Row {
  shape: [number, number];
  dtype: GPUDtype;
  cls: string;
  oursMs: number;
  copyMs: number;
  torchMs: number | null;
  torchNote: string;
  maxUlpFirstRow: number;
  batches: number;
}

const rows: Row[] = [];
for (const [R, N] of shapes) for (const dtype of dtypes) await one(R, N, dtype);

async function one(R: number, N: number, dtype: GPUDtype): Promise<void> {
  const half = dtype === "float16";
  if (half && N % 2 !== 0) {
    console.log(`${R}x${N} float16: skipped (the benchmark's fill writes whole u32 words; odd rows work in the library)`);
    return;
  }
  const io: IO = { ...PLAIN_IO, xh: half, yh: half };
  const esize = half ? 2 : 4;
  const bytesPerRow = N * esize;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const batchRows = Math.max(1, Math.min(R, Math.floor(limit / bytesPerRow)));
  const batches: { rows: number; x: GPUBuffer; y: GPUBuffer }[] = [];
  try {
    device.pushErrorScope("out-of-memory");
    for (let r0 = 0; r0 < R; r0 += batchRows) {
      const r = Math.min(batchRows, R - r0);
      const usage = BUFFER.STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST;
      const x = device.createBuffer({ size: r * bytesPerRow, usage });
      const y = device.createBuffer({ size: op === "logSumExp" ? Math.max(16, Math.ceil((r * esize) / 4) * 4) : r * bytesPerRow, usage });
      fill(x, r * N, r0 * N, dtype);
      batches.push({ rows: r, x, y });
    }
    const oom = await device.popErrorScope();
    if (oom) throw new Error(`out of GPU memory for ${R}x${N}: ${oom.message}`);
    let plan: Plan | null = null;
    const ours: Prepared[] = batches.map((b) => {
      plan = planFor(op, b.rows, N, 1, ctx.caps, tuning, io);
      const outBytes = op === "logSumExp" ? Math.ceil((b.rows * esize) / 4) * 4 : b.rows * bytesPerRow;
      return prepare(ctx, plan, { input: b.x, inBytes: b.rows * bytesPerRow, output: b.y, outBytes });
    });
    const copies: Prepared[] = batches.map((b) => {
      const c4 = Math.floor((b.rows * bytesPerRow) / 16);
      const copyPlan = {
        cls: "rows",
        dispatches: [{ spec: { kind: "copy", WG: 256 }, groups: Math.ceil(c4 / 256), params: { rows: 0, c: c4, inner: 1, parts: 0, partC: 0 } }],
        partials: 0,
      } as Plan;
      return prepare(ctx, copyPlan, { input: b.x, inBytes: b.rows * bytesPerRow, output: b.y, outBytes: b.rows * bytesPerRow });
    });
    const oursMs = median(
      await time((pass) => {
        for (const p of ours) p.record(pass);
      }),
    );
    // Check the first row against the float64 JS library (a guard against timing a kernel that does nothing).
    device.pushErrorScope("validation");
    const first = batches[0] as { x: GPUBuffer; y: GPUBuffer };
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    ours[0]?.record(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
    const xs = await readBack(first.x, N, dtype);
    const ys = await readBack(first.y, op === "logSumExp" ? 1 : N, dtype);
    let maxUlp = 0;
    if (op === "softmax") {
      const ref = softmaxJs(xs) as Float64Array;
      for (let i = 0; i < N; i++) {
        const r = ref[i] as number;
        // ulps of the result's format: float32 (2^-126 normal, 23 bits) or float16 (2^-14, 10 bits)
        const ulp = half
          ? 2 ** (Math.max(Math.floor(Math.log2(Math.abs(r) || 2 ** -24)), -14) - 10)
          : 2 ** (Math.max(Math.floor(Math.log2(Math.abs(r) || 2 ** -149)), -126) - 23);
        const e = Math.abs((ys[i] as number) - r) / ulp;
        maxUlp = Math.max(maxUlp, Number.isNaN(e) ? Number.POSITIVE_INFINITY : e);
      }
    }
    const verr = await device.popErrorScope();
    if (verr) throw new Error(verr.message);
    for (const p of ours) for (const b of p.temporaries) b.destroy();
    const copyMs = median(
      await time((pass) => {
        for (const p of copies) p.record(pass);
      }),
    );
    for (const p of copies) for (const b of p.temporaries) b.destroy();
    rows.push({
      shape: [R, N],
      dtype,
      cls: (plan as Plan | null)?.cls ?? "?",
      oursMs,
      copyMs,
      torchMs: null,
      torchNote: "",
      maxUlpFirstRow: maxUlp,
      batches: batches.length,
    });
    console.log(
      `${R}x${N} ${dtype}: ${(plan as Plan | null)?.cls} ours ${oursMs.toFixed(4)} ms, copy ${copyMs.toFixed(4)} ms, first-row error ${maxUlp.toFixed(2)} ulp`,
    );
    if (maxUlp > 8) throw new Error(`${R}x${N}: first row off by ${maxUlp} ulp: the timing is not of a correct kernel`);
  } finally {
    for (const b of batches) {
      b.x.destroy();
      b.y.destroy();
    }
  }
}

let torchHeader = "not run (--no-torch)";
if (!flag("no-torch") && op === "softmax") {
  const py = arg("python", "python3");
  const r = spawnSync(
    py,
    [join(here, "torch_softmax.py"), "--shapes", shapes.map((s) => s.join("x")).join(","), "--iters", String(iters), "--warmup", String(warmup)],
    {
      encoding: "utf8",
    },
  );
  if (r.error || r.status !== 0) torchHeader = `python3 failed: ${r.error?.message ?? r.stderr.trim().split("\n").pop()}`;
  else {
    for (const line of r.stdout.trim().split("\n")) {
      const j = JSON.parse(line) as { shape?: [number, number]; ms?: number; error?: string; torch?: string; cuda?: boolean; device?: string };
      if (j.torch) torchHeader = `torch ${j.torch}, CUDA ${j.cuda ? "available" : "unavailable"}`;
      else if (!j.shape) torchHeader = j.error ?? "torch: no output";
      else {
        const row = rows.find((x) => x.shape[0] === j.shape?.[0] && x.shape[1] === j.shape?.[1]);
        if (row) {
          row.torchMs = j.ms ?? null;
          row.torchNote = j.error ?? "";
          if (j.device) torchHeader = torchHeader.replace(/$/, `, ${j.device}`).replace(/(, [^,]+)\1$/, "$1");
        }
      }
    }
  }
}

const gbs = (bytes: number, ms: number) => bytes / ms / 1e6;
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
const lines = [
  `WebGPU ${op} benchmark — adapter: ${adapterName} (workgroup ${ctx.caps.wg}, subgroup ${ctx.caps.sg || "none"}); torch: ${torchHeader}`,
  `GPU timestamps, median of ${iters} after ${warmup} warm-up; GB/s = bytes moved (read + write, in the dtype) / time; the copy moves the same bytes.`,
  "",
  "| shape | dtype | class | ours ms | ours GB/s | WGSL copy ms | copy GB/s | ours / copy | torch ms | torch GB/s | torch / ours | first-row error (ulp) |",
  "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const r of rows) {
  const bytes = r.shape[0] * r.shape[1] * (r.dtype === "float16" ? 2 : 4);
  const moved = op === "logSumExp" ? bytes : 2 * bytes;
  const torch = r.torchMs === null ? `n/a${r.torchNote ? ` (${r.torchNote})` : ""}` : r.torchMs.toFixed(4);
  lines.push(
    `| ${r.shape.join("×")}${r.batches > 1 ? ` (${r.batches} batches)` : ""} | ${r.dtype} | ${r.cls} | ${r.oursMs.toFixed(4)} | ${fmt(gbs(moved, r.oursMs))} | ${r.copyMs.toFixed(4)} | ${fmt(gbs(2 * bytes, r.copyMs))} | ${((100 * gbs(moved, r.oursMs)) / gbs(2 * bytes, r.copyMs)).toFixed(0)}% | ${torch} | ${r.torchMs === null ? "n/a" : fmt(gbs(2 * bytes, r.torchMs))} | ${r.torchMs === null ? "n/a" : `${(r.torchMs / r.oursMs).toFixed(2)}×`} | ${op === "softmax" ? r.maxUlpFirstRow.toFixed(2) : "n/a"} |`,
  );
}
const table = lines.join("\n");
console.log(`\n${table}`);
mkdirSync(dirname(outBase), { recursive: true });
writeFileSync(`${outBase}.md`, `${table}\n`);
writeFileSync(`${outBase}.json`, `${JSON.stringify({ adapter: adapterName, caps: ctx.caps, op, iters, warmup, tuning, torch: torchHeader, rows }, null, 2)}\n`);
console.log(`wrote ${outBase}.md and ${outBase}.json`);
device.destroy();
