/**
 * The shared body of the GPU functions: validate the tensor and options,
 * plan, record, submit inside error scopes, and turn any device error into a
 * typed SoftmaxError (never a silently unwritten buffer).
 */
import { checkOptions } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { layoutOf, normalizeAxis, reducedShape } from "../tensor/layout.js";
import { contextOf, prepare, verifySubgroups } from "./context.js";
import { BUFFER } from "./flags.js";
import { DEFAULT_TUNING, planFor, type Tuning } from "./plan.js";
import type { GPUTensor } from "./types.js";
import type { Op } from "./wgsl/kernels.js";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Checks `x` is `{ device, buffer, shape }` with a large enough STORAGE buffer; returns the shape and element count. */
export function checkTensor(x: unknown, fn: string, arg = "x"): { shape: number[]; count: number; device: GPUDevice; buffer: GPUBuffer } {
  if (!isObject(x) || !isObject(x.device) || !isObject(x.buffer) || !Array.isArray(x.shape)) {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg, expected: "a GPU tensor { device, buffer, shape }", received: x });
  }
  const shape = x.shape as unknown[];
  shape.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: `${arg}.shape`, path: `[${i}]`, expected: "a non-negative integer", received: d });
    }
  });
  const dims = shape as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const device = x.device as unknown as GPUDevice;
  const buffer = x.buffer as unknown as GPUBuffer;
  if (typeof buffer.size !== "number" || typeof buffer.usage !== "number" || (buffer.usage & BUFFER.STORAGE) === 0) {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: `${arg}.buffer`, expected: "a GPUBuffer with STORAGE usage", received: buffer });
  }
  if (buffer.size < count * 4) {
    throw new SoftmaxError({
      code: "SHAPE_MISMATCH",
      fn,
      arg: `${arg}.buffer`,
      expected: `at least ${count * 4} bytes for shape [${dims.join(", ")}] of float32`,
      received: buffer.size,
    });
  }
  const limit = device.limits?.maxStorageBufferBindingSize;
  if (typeof limit === "number" && count * 4 > limit) {
    throw new SoftmaxError({
      code: "INVALID_INPUT",
      fn,
      arg,
      expected: `at most ${limit} bytes (the device's maxStorageBufferBindingSize; request a larger limit or split the rows)`,
      received: count * 4,
    });
  }
  return { shape: dims, count, device, buffer };
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

/** softmax / logSoftmax / logSumExp over a GPU tensor. `tuning` (internal: tests and benchmarks) overrides the planner's thresholds. */
export async function runOp(op: Op, fn: string, x: unknown, options: unknown, tuning: Tuning = DEFAULT_TUNING): Promise<GPUTensor> {
  const known = op === "logSumExp" ? ["axis", "keepDims", "out"] : ["axis", "out"];
  const o = checkOptions(options, known, fn);
  const t = checkTensor(x, fn);
  const axis = normalizeAxis(o.axis, t.shape.length, fn);
  if (o.keepDims !== undefined && typeof o.keepDims !== "boolean") {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.keepDims", expected: "true or false", received: o.keepDims });
  }
  const outShape = op === "logSumExp" ? reducedShape(t.shape, [axis], o.keepDims === true) : [...t.shape];
  const outCount = outShape.reduce((a, b) => a * b, 1);
  const layout = layoutOf(t.shape, axis);
  const given = checkOut(o.out, outCount * 4, t.buffer, fn);
  const { device } = t;
  await verifySubgroups(contextOf(device));
  return withErrorScopes(device, fn, "x", () => {
    const ctx = contextOf(device);
    const output =
      given ?? device.createBuffer({ label: `${fn} output`, size: Math.max(4, outCount * 4), usage: BUFFER.STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST });
    if (outCount > 0) {
      if (layout.n === 0) {
        // logSumExp over an empty axis: the log of an empty sum, -Infinity everywhere.
        device.queue.writeBuffer(output, 0, new Float32Array(outCount).fill(Number.NEGATIVE_INFINITY));
      } else {
        const plan = planFor(op, layout.outer, layout.n, layout.inner, ctx.caps, tuning);
        const prepared = prepare(ctx, plan, t.buffer, t.count * 4, output, outCount * 4);
        const encoder = device.createCommandEncoder({ label: fn });
        const pass = encoder.beginComputePass({ label: fn });
        prepared.record(pass);
        pass.end();
        device.queue.submit([encoder.finish()]);
        for (const b of prepared.temporaries) b.destroy();
      }
    }
    return { device, buffer: output, shape: outShape };
  });
}
