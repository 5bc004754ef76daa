/**
 * The convenience path: arrays in, arrays out, through the GPU. Uploads the
 * input (rounded to float32), runs the GPU function, reads the result back.
 */
import { checkOptions } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { toFlat } from "../tensor/convert.js";
import { BUFFER, MAP_READ } from "./flags.js";
import { runOp, withErrorScopes } from "./run.js";
import type { GPUTensor } from "./types.js";
import type { Op } from "./wgsl/kernels.js";

/** Options of the array functions: the axis (default -1), and `keepDims` for logSumExp. */
export interface GPUArrayOptions {
  axis?: number;
  keepDims?: boolean;
}

/** A result read back from the GPU: float32 data, row-major, and its shape. */
export interface GPUArrayResult {
  data: Float32Array;
  shape: number[];
}

/**
 * Copies a GPU tensor's floats back to the CPU: exact (the float32 bits as stored). An empty
 * shape gives an empty array without touching the GPU.
 *
 * @throws {SoftmaxError} DEVICE when the GPU reports an error in the copy or the mapping (e.g. a lost device).
 */
export async function readTensor(t: GPUTensor, fn = "readTensor"): Promise<Float32Array> {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count === 0) return new Float32Array(0);
  const staging = await withErrorScopes(t.device, fn, "x", () => {
    const s = t.device.createBuffer({ label: `${fn} readback`, size: count * 4, usage: BUFFER.MAP_READ | BUFFER.COPY_DST });
    const enc = t.device.createCommandEncoder();
    enc.copyBufferToBuffer(t.buffer, 0, s, 0, count * 4);
    t.device.queue.submit([enc.finish()]);
    return s;
  });
  try {
    await staging.mapAsync(MAP_READ);
  } catch (e) {
    staging.destroy();
    throw new SoftmaxError({ code: "DEVICE", fn, arg: "x", received: e instanceof Error ? e.message : String(e) });
  }
  const data = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return data;
}

/**
 * Uploads a flat float32 copy of `data` (row-major, rounded to float32 once) to a new STORAGE buffer.
 *
 * @throws {SoftmaxError} INVALID_INPUT for a shape entry that is not a non-negative integer; SHAPE_MISMATCH when
 * `data.length` is not the product of `shape` (extra values are not silently dropped); DEVICE when the GPU refuses the buffer.
 */
export async function uploadTensor(device: GPUDevice, data: ArrayLike<number>, shape: readonly number[], fn = "uploadTensor"): Promise<GPUTensor> {
  if (!Array.isArray(shape)) throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "shape", expected: "an array of dimensions", received: shape });
  shape.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "shape", path: `[${i}]`, expected: "a non-negative integer", received: d });
    }
  });
  const count = shape.reduce((a, b) => a * b, 1);
  if (data === null || typeof data !== "object" || data.length !== count) {
    throw new SoftmaxError({
      code: "SHAPE_MISMATCH",
      fn,
      arg: "data",
      expected: `${count} values for shape [${shape.join(", ")}]`,
      received: data === null || typeof data !== "object" ? data : data.length,
    });
  }
  const buffer = await withErrorScopes(device, fn, "x", () => {
    const b = device.createBuffer({ label: `${fn} input`, size: Math.max(4, data.length * 4), usage: BUFFER.STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST });
    if (data.length > 0) device.queue.writeBuffer(b, 0, Float32Array.from(data) as Float32Array<ArrayBuffer>);
    return b;
  });
  return { device, buffer, shape: [...shape] };
}

async function viaGpu(op: Op, fn: string, device: GPUDevice, x: unknown, options: unknown): Promise<GPUArrayResult> {
  const o = checkOptions(options, op === "logSumExp" ? ["axis", "keepDims"] : ["axis"], fn);
  if (typeof device !== "object" || device === null || typeof (device as GPUDevice).createBuffer !== "function") {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "device", expected: "a GPUDevice", received: device });
  }
  const flat = toFlat(x, fn);
  const input = await uploadTensor(device, flat.data, flat.shape, fn);
  try {
    const y = await runOp(op, fn, input, o);
    try {
      return { data: await readTensor(y, fn), shape: [...y.shape] };
    } finally {
      y.buffer.destroy();
    }
  } finally {
    input.buffer.destroy();
  }
}

/**
 * Softmax of an array (anything the JS `softmax` accepts) computed on `device` in float32.
 * Method, Accuracy and Special cases: those of the GPU `softmax` (`src/webgpu/softmax.ts`) on the input rounded to
 * float32 once; `test/webgpu/browser.test.ts` checks it in Chromium against the float64 reference.
 */
export function softmaxArray(device: GPUDevice, x: unknown, options?: { axis?: number }): Promise<GPUArrayResult> {
  return viaGpu("softmax", "softmaxArray", device, x, options);
}

/** Log-softmax of an array computed on `device` in float32. Method, Accuracy and Special cases: those of the GPU `logSoftmax`, as {@link softmaxArray}. */
export function logSoftmaxArray(device: GPUDevice, x: unknown, options?: { axis?: number }): Promise<GPUArrayResult> {
  return viaGpu("logSoftmax", "logSoftmaxArray", device, x, options);
}

/** logSumExp of an array computed on `device` in float32. Method, Accuracy and Special cases: those of the GPU `logSumExp`, as {@link softmaxArray}. */
export function logSumExpArray(device: GPUDevice, x: unknown, options?: GPUArrayOptions): Promise<GPUArrayResult> {
  return viaGpu("logSumExp", "logSumExpArray", device, x, options);
}
