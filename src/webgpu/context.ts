/**
 * Per-device state: capabilities, bind group layouts and the pipeline cache.
 * Held in a WeakMap keyed by the device, so it goes when the device goes.
 * A pipeline is compiled once per (device, kernel spec); calls never compile.
 */
import { BUFFER, MAP_READ, SHADER_COMPUTE } from "./flags.js";
import { type Caps, gridOf, type Plan } from "./plan.js";
import { type KernelSpec, kernelSource } from "./wgsl/kernels.js";

/** What the library keeps per device. */
export interface Context {
  device: GPUDevice;
  caps: Caps;
  /** Bind group layouts by binding set (see {@link bindingSet}). */
  layouts: Map<string, GPUBindGroupLayout>;
  pipelines: Map<string, GPUComputePipeline>;
  /** Set once `device.lost` resolves: later calls fail with a DEVICE error instead of leaving buffers unwritten. */
  lost: string | null;
  /** The subgroup probe (see {@link verifySubgroups}), started on first use. */
  probe: Promise<void> | null;
}

const contexts = new WeakMap<GPUDevice, Context>();

function pow2Floor(v: number): number {
  let p = 1;
  while (p * 2 <= v) p *= 2;
  return p;
}

/** The capabilities the planner uses, read from the device (and its adapter info, for the subgroup size). */
export function capsOf(device: GPUDevice): Caps {
  const l = device.limits;
  const wg = pow2Floor(Math.min(1024, l.maxComputeInvocationsPerWorkgroup, l.maxComputeWorkgroupSizeX));
  let sg = 0;
  const info = device.adapterInfo as GPUAdapterInfo | undefined;
  if (device.features.has("subgroups") && info?.subgroupMinSize && info.subgroupMinSize === info.subgroupMaxSize && info.subgroupMinSize <= wg) {
    sg = info.subgroupMinSize;
  }
  return { wg, sg, maxGroups: l.maxComputeWorkgroupsPerDimension };
}

/** The context of a device, made on first use. */
export function contextOf(device: GPUDevice): Context {
  const ctx = contexts.get(device);
  if (ctx) return ctx;
  const made: Context = { device, caps: capsOf(device), layouts: new Map(), pipelines: new Map(), lost: null, probe: null };
  device.lost?.then((info) => {
    made.lost = info.message || info.reason || "device lost";
  });
  contexts.set(device, made);
  return made;
}

/**
 * The subgroup reductions assume what every driver we know does but WGSL does not promise: in a
 * one-dimensional workgroup, subgroup lane i is invocation `lid % S` and every subgroup has S
 * lanes. Before the first call on a device, one small dispatch checks it; where it does not hold
 * the device falls back to the workgroup-memory reductions (`caps.sg = 0`) instead of computing
 * wrong sums. Runs once per device; later calls await the same promise.
 */
export function verifySubgroups(ctx: Context): Promise<void> {
  ctx.probe ??= (async () => {
    const S = ctx.caps.sg;
    if (S === 0) return;
    const { device } = ctx;
    const WG = ctx.caps.wg;
    const code = `enable subgroups;
@group(0) @binding(0) var<storage, read_write> o: array<u32>;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) w: vec3<u32>, @builtin(subgroup_invocation_id) sid: u32, @builtin(subgroup_size) ss: u32) {
  o[w.x * ${WG}u + lid] = select(0u, 1u, sid == lid % ${S}u && ss == ${S}u);
}`;
    const n = 4 * WG;
    device.pushErrorScope("validation");
    const out = device.createBuffer({ size: n * 4, usage: BUFFER.STORAGE | BUFFER.COPY_SRC });
    const read = device.createBuffer({ size: n * 4, usage: BUFFER.MAP_READ | BUFFER.COPY_DST });
    const pipeline = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code }), entryPoint: "main" } });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] }));
    pass.dispatchWorkgroups(4);
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, n * 4);
    device.queue.submit([enc.finish()]);
    const failed = await device.popErrorScope();
    let ok = failed === null;
    if (ok) {
      try {
        await read.mapAsync(MAP_READ);
        ok = new Uint32Array(read.getMappedRange()).every((v) => v === 1);
        read.unmap();
      } catch {
        ok = false;
      }
    }
    out.destroy();
    read.destroy();
    if (!ok) ctx.caps = { ...ctx.caps, sg: 0 };
  })();
  return ctx.probe;
}

/** Which optional bindings a kernel has: partials (3, split kernels), mask (4), status word (5). */
export interface BindingSet {
  split: boolean;
  mask: boolean;
  report: boolean;
}

/** The binding set of a spec. */
export function bindingSet(spec: KernelSpec): BindingSet {
  const split = spec.kind === "split1" || spec.kind === "split2";
  if (spec.kind === "copy") return { split, mask: false, report: false };
  return { split, mask: spec.io.mask, report: spec.io.report && spec.kind !== "split1" };
}

/** The bind group layout of a binding set, made once per device. */
export function layoutFor(ctx: Context, b: BindingSet): GPUBindGroupLayout {
  const key = `${+b.split}${+b.mask}${+b.report}`;
  let l = ctx.layouts.get(key);
  if (l) return l;
  const C = SHADER_COMPUTE;
  const ro = { type: "read-only-storage" } as const;
  const rw = { type: "storage" } as const;
  const entries: GPUBindGroupLayoutEntry[] = [
    { binding: 0, visibility: C, buffer: ro },
    { binding: 1, visibility: C, buffer: rw },
    { binding: 2, visibility: C, buffer: { type: "uniform" } },
  ];
  if (b.split) entries.push({ binding: 3, visibility: C, buffer: rw });
  if (b.mask) entries.push({ binding: 4, visibility: C, buffer: ro });
  if (b.report) entries.push({ binding: 5, visibility: C, buffer: rw });
  l = ctx.device.createBindGroupLayout({ label: `softmax bindings ${key}`, entries });
  ctx.layouts.set(key, l);
  return l;
}

/** The pipeline of a spec, compiled on first use. */
export function pipelineOf(ctx: Context, spec: KernelSpec): GPUComputePipeline {
  const key = JSON.stringify(spec);
  let p = ctx.pipelines.get(key);
  if (p) return p;
  const module = ctx.device.createShaderModule({ label: `softmax ${key}`, code: kernelSource(spec) });
  p = ctx.device.createComputePipeline({
    label: `softmax ${key}`,
    layout: ctx.device.createPipelineLayout({ bindGroupLayouts: [layoutFor(ctx, bindingSet(spec))] }),
    compute: { module, entryPoint: "main" },
  });
  ctx.pipelines.set(key, p);
  return p;
}

/** Number of compiled pipelines held for a device (diagnostics and tests). */
export function pipelineCount(device: GPUDevice): number {
  return contexts.get(device)?.pipelines.size ?? 0;
}

/** Everything one planned call needs on the device, ready to record into a pass. */
export interface Prepared {
  record(pass: GPUComputePassEncoder): void;
  /** Buffers made for this call (uniforms, partials): destroy after submitting. */
  temporaries: GPUBuffer[];
}

const UNIFORM_BYTES = 48;

/** The buffers of one call: input and output (from offset 0, with their binding sizes), and the optional mask and status word. */
export interface CallBuffers {
  input: GPUBuffer;
  inBytes: number;
  output: GPUBuffer;
  outBytes: number;
  mask?: { buffer: GPUBuffer; bytes: number };
  status?: GPUBuffer;
}

/** Scalars of one call written to the uniforms: the temperature as a float32 pair, and the nothing-counted fill value. */
export interface CallScalars {
  th: number;
  tl: number;
  none: number;
}

/** Builds bind groups and uniforms for a plan over the call's buffers. */
export function prepare(ctx: Context, plan: Plan, b: CallBuffers, sc: CallScalars = { th: 1, tl: 0, none: 0 }): Prepared {
  const { device } = ctx;
  const temporaries: GPUBuffer[] = [];
  const partials = plan.partials > 0 ? device.createBuffer({ label: "softmax partials", size: plan.partials * 16, usage: BUFFER.STORAGE }) : null;
  if (partials) temporaries.push(partials);
  const steps = plan.dispatches.map((d) => {
    const pipeline = pipelineOf(ctx, d.spec);
    const [nx, ny] = gridOf(d.groups, ctx.caps.maxGroups);
    const u = device.createBuffer({ label: "softmax params", size: UNIFORM_BYTES, usage: BUFFER.UNIFORM | BUFFER.COPY_DST });
    temporaries.push(u);
    const data = new ArrayBuffer(UNIFORM_BYTES);
    new Uint32Array(data, 0, 6).set([d.params.rows, d.params.c, d.params.inner, nx, d.params.parts, d.params.partC]);
    new Float32Array(data, 24, 5).set([Number.NEGATIVE_INFINITY, Number.NaN, sc.th, sc.tl, sc.none]);
    device.queue.writeBuffer(u, 0, data);
    const set = bindingSet(d.spec);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: b.input, offset: 0, size: b.inBytes } },
      { binding: 1, resource: { buffer: b.output, offset: 0, size: b.outBytes } },
      { binding: 2, resource: { buffer: u } },
    ];
    if (set.split && partials) entries.push({ binding: 3, resource: { buffer: partials } });
    if (set.mask && b.mask) entries.push({ binding: 4, resource: { buffer: b.mask.buffer, offset: 0, size: b.mask.bytes } });
    if (set.report && b.status) entries.push({ binding: 5, resource: { buffer: b.status, offset: 0, size: 4 } });
    const group = device.createBindGroup({ layout: layoutFor(ctx, set), entries });
    return { pipeline, group, nx, ny };
  });
  return {
    temporaries,
    record(pass) {
      for (const s of steps) {
        pass.setPipeline(s.pipeline);
        pass.setBindGroup(0, s.group);
        pass.dispatchWorkgroups(s.nx, s.ny);
      }
    },
  };
}
