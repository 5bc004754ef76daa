/**
 * The shared body of the GPU functions: validate the tensor and options,
 * plan, record, submit inside error scopes, and turn any device error into a
 * typed SoftmaxError (never a silently unwritten buffer).
 */
import { booleanOf, checkOptions, policyOf, slicePath, temperatureOf } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { layoutOf, normalizeAxis, reducedShape } from "../tensor/layout.js";
import { type CallBuffers, contextOf, prepare, verifySubgroups } from "./context.js";
import { BUFFER, MAP_READ } from "./flags.js";
import { DEFAULT_TUNING, planFor, type Tuning } from "./plan.js";
import type { GPUDtype, GPUTensor } from "./types.js";
import type { IO, Op } from "./wgsl/kernels.js";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Bytes that `count` elements of `dtype` occupy in a buffer (float16: 2 each, rounded up to a multiple of 4, the binding granularity). */
export function bytesOf(count: number, dtype: GPUDtype): number {
  return dtype === "float16" ? Math.ceil(count / 2) * 4 : count * 4;
}

/** A dtype, or a typed error naming `arg`. */
export function dtypeOf(v: unknown, fn: string, arg: string, code: "INVALID_INPUT" | "INVALID_OPTION"): GPUDtype {
  if (v === undefined || v === "float32") return "float32";
  if (v === "float16") return "float16";
  throw new SoftmaxError({ code, fn, arg, expected: '"float32" or "float16"', received: v });
}

function checkBinding(bytes: number, device: GPUDevice, fn: string, arg: string): void {
  const limit = device.limits?.maxStorageBufferBindingSize;
  if (typeof limit === "number" && bytes > limit) {
    throw new SoftmaxError({
      code: "INVALID_INPUT",
      fn,
      arg,
      expected: `at most ${limit} bytes (the device's maxStorageBufferBindingSize; request a larger limit or split the rows)`,
      received: bytes,
    });
  }
}

/** A checked GPU tensor. */
export interface CheckedTensor {
  shape: number[];
  count: number;
  device: GPUDevice;
  buffer: GPUBuffer;
  dtype: GPUDtype;
  /** Bytes its elements occupy (the binding size). */
  bytes: number;
}

/** Checks `x` is `{ device, buffer, shape, dtype? }` with a large enough STORAGE buffer. */
export function checkTensor(x: unknown, fn: string, arg = "x"): CheckedTensor {
  if (!isObject(x) || !isObject(x.device) || !isObject(x.buffer) || !Array.isArray(x.shape)) {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg, expected: "a GPU tensor { device, buffer, shape }", received: x });
  }
  const shape = x.shape as unknown[];
  shape.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: `${arg}.shape`, path: `[${i}]`, expected: "a non-negative integer", received: d });
    }
  });
  const dtype = dtypeOf(x.dtype, fn, `${arg}.dtype`, "INVALID_INPUT");
  const dims = shape as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = bytesOf(count, dtype);
  const device = x.device as unknown as GPUDevice;
  const buffer = x.buffer as unknown as GPUBuffer;
  if (typeof buffer.size !== "number" || typeof buffer.usage !== "number" || (buffer.usage & BUFFER.STORAGE) === 0) {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: `${arg}.buffer`, expected: "a GPUBuffer with STORAGE usage", received: buffer });
  }
  if (buffer.size < bytes) {
    throw new SoftmaxError({
      code: "SHAPE_MISMATCH",
      fn,
      arg: `${arg}.buffer`,
      expected: `at least ${bytes} bytes for shape [${dims.join(", ")}] of ${dtype}`,
      received: buffer.size,
    });
  }
  checkBinding(bytes, device, fn, arg);
  return { shape: dims, count, device, buffer, dtype, bytes };
}

/** The largest float32 and the smallest normal one: the GPU takes temperatures between them (or 0). */
const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 2 ** -126;

/** `temperature` for the GPU: the JS rule (finite, ≥ 0), and 0 or within float32's normal range. */
export function gpuTemperature(t: unknown, fn: string): number {
  const v = temperatureOf(t, fn);
  if (v !== 0 && (v < FLT_MIN || v > FLT_MAX)) {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn,
      arg: "options.temperature",
      expected: "0 or a value in float32's normal range [2^-126, 3.4028234663852886e38] (the GPU computes in float32)",
      received: t,
    });
  }
  return v;
}

function checkMask(where: unknown, count: number, device: GPUDevice, fn: string): { buffer: GPUBuffer; bytes: number } | undefined {
  if (where === undefined) return undefined;
  const b = where as GPUBuffer;
  if (!isObject(where) || typeof b.size !== "number" || typeof b.usage !== "number" || (b.usage & BUFFER.STORAGE) === 0) {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn,
      arg: "options.where",
      expected: "a GPUBuffer with STORAGE usage holding one byte per element (nonzero = counts)",
      received: where,
    });
  }
  const bytes = Math.ceil(count / 4) * 4;
  if (b.size < bytes) {
    throw new SoftmaxError({
      code: "SHAPE_MISMATCH",
      fn,
      arg: "options.where",
      expected: `at least ${bytes} bytes (one per element, padded to 4)`,
      received: b.size,
    });
  }
  checkBinding(bytes, device, fn, "options.where");
  return { buffer: b, bytes };
}

function checkOut(out: unknown, bytes: number, input: GPUBuffer, fn: string): GPUBuffer | undefined {
  if (out === undefined) return undefined;
  const b = out as GPUBuffer;
  if (!isObject(out) || typeof b.size !== "number" || typeof b.usage !== "number" || (b.usage & BUFFER.STORAGE) === 0) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.out", expected: "a GPUBuffer with STORAGE usage", received: out });
  }
  if (b === input) {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn,
      arg: "options.out",
      expected: "a buffer other than the input's (WebGPU cannot bind one buffer for reading and writing)",
    });
  }
  if (b.size < bytes) {
    throw new SoftmaxError({ code: "SHAPE_MISMATCH", fn, arg: "options.out", expected: `at least ${bytes} bytes`, received: b.size });
  }
  return b;
}

/** Runs `fn` inside validation, out-of-memory and internal error scopes; the first error becomes a DEVICE SoftmaxError. */
export async function withErrorScopes<T>(device: GPUDevice, fn: string, arg: string, body: () => T): Promise<T> {
  const ctx = contextOf(device);
  if (ctx.lost !== null) throw new SoftmaxError({ code: "DEVICE", fn, arg, expected: "a device that is not lost", received: ctx.lost });
  device.pushErrorScope("internal");
  device.pushErrorScope("out-of-memory");
  device.pushErrorScope("validation");
  let result: T | undefined;
  let thrown: unknown = null;
  try {
    result = body();
  } catch (e) {
    thrown = e;
  }
  const errors: (GPUError | null)[] = [];
  for (let i = 0; i < 3; i++) {
    try {
      errors.push(await device.popErrorScope());
    } catch (e) {
      // popErrorScope rejects when the scope stack is broken (e.g. the device went away mid-call)
      errors.push({ message: e instanceof Error ? e.message : String(e) } as GPUError);
    }
  }
  if (thrown instanceof SoftmaxError) throw thrown;
  const first = errors.find((e) => e !== null);
  if (thrown !== null || first) {
    const message = first ? first.message : thrown instanceof Error ? thrown.message : String(thrown);
    throw new SoftmaxError({ code: "DEVICE", fn, arg, received: message });
  }
  if (ctx.lost !== null) throw new SoftmaxError({ code: "DEVICE", fn, arg, expected: "a device that is not lost", received: ctx.lost });
  return result as T;
}

/** Half bits of −Infinity and of the quiet NaN, for float16 fills. */
const HALF_NINF = 0xfc00;
const HALF_NAN = 0x7e00;

/** Fills `count` elements of `buffer` from byte 0 with `v` (−Infinity or NaN) in `dtype`. */
function fill(device: GPUDevice, buffer: GPUBuffer, count: number, dtype: GPUDtype, v: number): void {
  if (dtype === "float32") device.queue.writeBuffer(buffer, 0, new Float32Array(count).fill(v));
  else device.queue.writeBuffer(buffer, 0, new Uint16Array(Math.ceil(count / 2) * 2).fill(Number.isNaN(v) ? HALF_NAN : HALF_NINF));
}

const COMMON = ["axis", "out", "outDtype", "temperature", "where", "onFullyMasked"];

/**
 * softmax / logSoftmax / logSumExp over a GPU tensor. `tuning` (internal: tests and benchmarks) overrides the planner's thresholds.
 * With `onFullyMasked: "error"` the call waits for the GPU to finish and reads back one status word.
 */
export async function runOp(op: Op, fn: string, x: unknown, options: unknown, tuning: Tuning = DEFAULT_TUNING): Promise<GPUTensor> {
  const o = checkOptions(options, op === "logSumExp" ? [...COMMON, "keepDims"] : COMMON, fn);
  const t = checkTensor(x, fn);
  const axis = normalizeAxis(o.axis, t.shape.length, fn);
  const keepDims = booleanOf(o.keepDims, fn, "keepDims");
  const outDtype = o.outDtype === undefined ? t.dtype : dtypeOf(o.outDtype, fn, "options.outDtype", "INVALID_OPTION");
  const temperature = gpuTemperature(o.temperature, fn);
  const policy = policyOf(o.onFullyMasked, fn);
  const mask = checkMask(o.where, t.count, t.device, fn);
  const outShape = op === "logSumExp" ? reducedShape(t.shape, [axis], keepDims) : [...t.shape];
  const outCount = outShape.reduce((a, b) => a * b, 1);
  const outBytes = bytesOf(outCount, outDtype);
  const layout = layoutOf(t.shape, axis);
  const given = checkOut(o.out, outBytes, t.buffer, fn);
  if (given && mask && given === mask.buffer) {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn,
      arg: "options.out",
      expected: "a buffer other than the mask's (WebGPU cannot bind one buffer for reading and writing)",
    });
  }
  const io: IO = {
    xh: t.dtype === "float16",
    yh: outDtype === "float16",
    mask: mask !== undefined,
    temp: temperature === 1 ? "one" : temperature === 0 ? "zero" : "scaled",
    report: policy === "error",
  };
  const th = Math.fround(temperature);
  const scalars = { th, tl: Math.fround(temperature - th), none: policy === "nan" ? Number.NaN : op === "softmax" ? 0 : Number.NEGATIVE_INFINITY };
  const { device } = t;
  await verifySubgroups(contextOf(device));
  const result = await withErrorScopes(device, fn, "x", () => {
    const ctx = contextOf(device);
    const output =
      given ?? device.createBuffer({ label: `${fn} output`, size: Math.max(4, outBytes), usage: BUFFER.STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST });
    let readback: GPUBuffer | null = null;
    if (outCount > 0) {
      if (layout.n === 0) {
        // logSumExp over an empty axis: the log of an empty sum, -Infinity everywhere (NaN with onFullyMasked "nan", as in the JS function).
        fill(device, output, outCount, outDtype, policy === "nan" ? Number.NaN : Number.NEGATIVE_INFINITY);
      } else {
        const plan = planFor(op, layout.outer, layout.n, layout.inner, ctx.caps, tuning, io);
        let status: GPUBuffer | undefined;
        if (io.report) {
          status = device.createBuffer({ label: `${fn} status`, size: 4, usage: BUFFER.STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST });
          device.queue.writeBuffer(status, 0, new Uint32Array([0xffffffff]));
          readback = device.createBuffer({ label: `${fn} status readback`, size: 4, usage: BUFFER.MAP_READ | BUFFER.COPY_DST });
        }
        const buffers: CallBuffers = { input: t.buffer, inBytes: t.bytes, output, outBytes, ...(mask ? { mask } : {}), ...(status ? { status } : {}) };
        const prepared = prepare(ctx, plan, buffers, scalars);
        const encoder = device.createCommandEncoder({ label: fn });
        const pass = encoder.beginComputePass({ label: fn });
        prepared.record(pass);
        pass.end();
        if (status && readback) encoder.copyBufferToBuffer(status, 0, readback, 0, 4);
        device.queue.submit([encoder.finish()]);
        for (const b of prepared.temporaries) b.destroy();
        status?.destroy();
      }
    }
    return { tensor: { device, buffer: output, shape: outShape, ...(outDtype === "float16" ? { dtype: outDtype } : {}) } as GPUTensor, readback };
  });
  if (result.readback) {
    let first = 0xffffffff;
    try {
      await result.readback.mapAsync(MAP_READ);
      first = new Uint32Array(result.readback.getMappedRange())[0] as number;
      result.readback.unmap();
    } catch (e) {
      if (!given) result.tensor.buffer.destroy();
      throw new SoftmaxError({ code: "DEVICE", fn, arg: "x", received: e instanceof Error ? e.message : String(e) });
    } finally {
      result.readback.destroy();
    }
    if (first !== 0xffffffff) {
      if (!given) result.tensor.buffer.destroy();
      throw new SoftmaxError({ code: "FULLY_MASKED", fn, arg: "x", path: slicePath(first, t.shape, axis) });
    }
  }
  return result.tensor;
}
