/**
 * The convenience path: arrays in, arrays out, through the GPU. Uploads the
 * input (rounded to float32, or as float16), runs the GPU function, reads the result back.
 */
import { checkOptions } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { toFlat, toMask } from "../tensor/convert.js";
import type { Mask } from "../tensor/types.js";
import { BUFFER, MAP_READ } from "./flags.js";
import { dtypeOf, runOp, withErrorScopes } from "./run.js";
import type { GPUDtype, GPUTensor } from "./types.js";
import type { Op } from "./wgsl/kernels.js";

/** Options of the array functions. */
export interface GPUArrayOptions {
  /** The axis. Default -1. */
  axis?: number;
  /** logSumExp only: keep the reduced axis as size 1. */
  keepDims?: boolean;
  /** As in the JS functions (0, or float32's normal range on the GPU). Default 1. */
  temperature?: number;
  /** A mask as the JS functions take it (Uint8Array, nested booleans, `{ data, shape }`), of x's shape. */
  where?: Mask;
  /** "zeros" (default), "nan" or "error" (rejects with FULLY_MASKED), as in the JS functions. */
  onFullyMasked?: "zeros" | "nan" | "error";
  /**
   * How the input goes to the GPU. Default "float32", or "float16" for a Float16Array. With "float16",
   * a Uint16Array (or `{ data: Uint16Array, shape }`) holds IEEE half bits, used as they are; other
   * inputs are rounded to the nearest half (ties to even) on the CPU. (Without it a Uint16Array is a
   * list of integers, as in the JS functions.)
   */
  inputDtype?: GPUDtype;
  /** How the result is stored on the GPU. Default: the input's. */
  outDtype?: GPUDtype;
}

/** A result read back from the GPU: the values (float16 results widened exactly to float32), row-major, and the shape. */
export interface GPUArrayResult {
  data: Float32Array;
  shape: number[];
  /** For a float16 result: its IEEE half bits as stored on the GPU. */
  half?: Uint16Array;
}

/** The runtime's Float16Array constructor, where it has one (browsers since 2025, Node ≥ 24). */
function float16Ctor(): (new (b: ArrayBufferLike, o?: number, n?: number) => ArrayLike<number>) | undefined {
  return (globalThis as { Float16Array?: new (b: ArrayBufferLike, o?: number, n?: number) => ArrayLike<number> }).Float16Array;
}

function isFloat16Array(v: unknown): v is ArrayLike<number> & ArrayBufferView {
  const C = float16Ctor();
  return C !== undefined && v instanceof C;
}

/** The value of IEEE half bits (exact). */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m === 0 ? s * Number.POSITIVE_INFINITY : Number.NaN;
  if (e === 0) return s * m * 2 ** -24;
  return s * (1024 + m) * 2 ** (e - 25);
}

/** Rounds to nearest, ties to even (|v| < 2^52). */
function roundEven(v: number): number {
  const f = Math.floor(v);
  const r = v - f;
  if (r > 0.5 || (r === 0.5 && f % 2 !== 0)) return f + 1;
  return f;
}

/** The IEEE half nearest to a number (ties to even; one rounding from float64), as bits. NaN gives 0x7e00. */
export function numberToHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundEven(a * 2 ** 24); // subnormal (1024 rounds up to the smallest normal's bits)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const m = roundEven((a / 2 ** e - 1) * 1024); // exact scaling by a power of two
  return sign | (((e + 15) << 10) + m); // m = 1024 carries into the exponent
}

/** Reads a GPU tensor's bytes back (count elements of its dtype). */
async function readRaw(t: GPUTensor, fn: string): Promise<ArrayBuffer> {
  const count = t.shape.reduce((a, b) => a * b, 1);
  const bytes = t.dtype === "float16" ? Math.ceil(count / 2) * 4 : count * 4;
  if (count === 0) return new ArrayBuffer(0);
  const staging = await withErrorScopes(t.device, fn, "x", () => {
    const s = t.device.createBuffer({ label: `${fn} readback`, size: bytes, usage: BUFFER.MAP_READ | BUFFER.COPY_DST });
    const enc = t.device.createCommandEncoder();
    enc.copyBufferToBuffer(t.buffer, 0, s, 0, bytes);
    t.device.queue.submit([enc.finish()]);
    return s;
  });
  try {
    await staging.mapAsync(MAP_READ);
  } catch (e) {
    staging.destroy();
    throw new SoftmaxError({ code: "DEVICE", fn, arg: "x", received: e instanceof Error ? e.message : String(e) });
  }
  const data = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return data;
}

/**
 * Copies a GPU tensor's values back to the CPU: exact (float32 bits as stored; float16 values
 * widened exactly to float32). An empty shape gives an empty array without touching the GPU.
 *
 * @throws {SoftmaxError} DEVICE when the GPU reports an error in the copy or the mapping (e.g. a lost device).
 */
export async function readTensor(t: GPUTensor, fn = "readTensor"): Promise<Float32Array> {
  const raw = await readRaw(t, fn);
  if (t.dtype !== "float16") return new Float32Array(raw);
  const count = t.shape.reduce((a, b) => a * b, 1);
  return Float32Array.from(new Uint16Array(raw, 0, count), halfToNumber);
}

/**
 * Copies a float16 GPU tensor's half bits back to the CPU, as stored.
 *
 * @throws {SoftmaxError} INVALID_INPUT for a float32 tensor; DEVICE as {@link readTensor}.
 */
export async function readHalfBits(t: GPUTensor, fn = "readHalfBits"): Promise<Uint16Array> {
  if (t.dtype !== "float16") throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "x.dtype", expected: '"float16"', received: t.dtype });
  const count = t.shape.reduce((a, b) => a * b, 1);
  return new Uint16Array(await readRaw(t, fn), 0, count);
}

/**
 * Uploads `data` (row-major) to a new STORAGE buffer as `dtype`: float32 (rounded once), or float16:
 * a Uint16Array or Float16Array is taken as half bits as they are, other numbers are rounded to the
 * nearest half once (ties to even). A float16 buffer is padded to a multiple of 4 bytes.
 *
 * @throws {SoftmaxError} INVALID_INPUT for a shape entry that is not a non-negative integer; SHAPE_MISMATCH when
 * `data.length` is not the product of `shape` (extra values are not silently dropped); INVALID_OPTION for another dtype;
 * DEVICE when the GPU refuses the buffer.
 */
export async function uploadTensor(
  device: GPUDevice,
  data: ArrayLike<number>,
  shape: readonly number[],
  dtype: GPUDtype = "float32",
  fn = "uploadTensor",
): Promise<GPUTensor> {
  if (!Array.isArray(shape)) throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "shape", expected: "an array of dimensions", received: shape });
  shape.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "shape", path: `[${i}]`, expected: "a non-negative integer", received: d });
    }
  });
  const dt = dtypeOf(dtype, fn, "dtype", "INVALID_OPTION");
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
  let bytes: Uint8Array<ArrayBuffer>;
  if (dt === "float32") {
    bytes = new Uint8Array(Float32Array.from(data).buffer);
  } else {
    const h = new Uint16Array(Math.ceil(count / 2) * 2);
    if (data instanceof Uint16Array) h.set(data);
    else if (isFloat16Array(data)) h.set(new Uint16Array(data.buffer, data.byteOffset, count));
    else for (let i = 0; i < count; i++) h[i] = numberToHalf(data[i] as number);
    bytes = new Uint8Array(h.buffer);
  }
  const buffer = await withErrorScopes(device, fn, "x", () => {
    const b = device.createBuffer({ label: `${fn} input`, size: Math.max(4, bytes.length), usage: BUFFER.STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST });
    if (bytes.length > 0) device.queue.writeBuffer(b, 0, bytes);
    return b;
  });
  return dt === "float16" ? { device, buffer, shape: [...shape], dtype: dt } : { device, buffer, shape: [...shape] };
}

/** The input of the array path as (data, shape, dtype): Float16Array and, with inputDtype "float16", Uint16Array keep their half bits. */
function arrayInput(x: unknown, inputDtype: unknown, fn: string): { data: ArrayLike<number>; shape: number[]; dtype: GPUDtype } {
  const raw = isObject(x) && !ArrayBuffer.isView(x) && "data" in x ? (x as { data: unknown }).data : x;
  const half = isFloat16Array(raw) || (inputDtype === "float16" && raw instanceof Uint16Array);
  const dtype = inputDtype === undefined ? (isFloat16Array(raw) ? "float16" : "float32") : dtypeOf(inputDtype, fn, "options.inputDtype", "INVALID_OPTION");
  if (half && dtype === "float16") {
    const d = raw as ArrayLike<number>;
    const t = x as { shape?: unknown; dims?: unknown };
    const shape = raw === x ? [d.length] : ((t.shape ?? t.dims ?? [d.length]) as number[]);
    if (!Array.isArray(shape)) throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "x.shape", expected: "an array of dimensions", received: shape });
    return { data: d, shape: [...shape], dtype };
  }
  if (isFloat16Array(raw)) {
    // A Float16Array to be sent as float32: its values.
    const d = Array.from(raw as ArrayLike<number>);
    return arrayInput(raw === x ? d : { ...(x as object), data: d }, undefined, fn);
  }
  const flat = toFlat(x, fn);
  return { data: flat.data, shape: flat.shape, dtype };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

async function viaGpu(op: Op, fn: string, device: GPUDevice, x: unknown, options: unknown): Promise<GPUArrayResult> {
  const known = ["axis", "temperature", "where", "onFullyMasked", "inputDtype", "outDtype"];
  const o = checkOptions(options, op === "logSumExp" ? [...known, "keepDims"] : known, fn);
  if (typeof device !== "object" || device === null || typeof (device as GPUDevice).createBuffer !== "function") {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "device", expected: "a GPUDevice", received: device });
  }
  const input = arrayInput(x, o.inputDtype, fn);
  const mask = toMask(o.where as Mask | undefined, input.shape, fn);
  const { where: _w, inputDtype: _i, ...rest } = o;
  const tensor = await uploadTensor(device, input.data, input.shape, input.dtype, fn);
  let maskBuffer: GPUBuffer | null = null;
  try {
    if (mask) {
      const padded = new Uint8Array(Math.max(4, Math.ceil(mask.length / 4) * 4));
      padded.set(mask);
      maskBuffer = await withErrorScopes(device, fn, "options.where", () => {
        const b = device.createBuffer({ label: `${fn} mask`, size: padded.length, usage: BUFFER.STORAGE | BUFFER.COPY_DST });
        device.queue.writeBuffer(b, 0, padded);
        return b;
      });
    }
    const y = await runOp(op, fn, tensor, maskBuffer ? { ...rest, where: maskBuffer } : rest);
    try {
      if (y.dtype === "float16") {
        const half = await readHalfBits(y, fn);
        return { data: Float32Array.from(half, halfToNumber), shape: [...y.shape], half };
      }
      return { data: await readTensor(y, fn), shape: [...y.shape] };
    } finally {
      y.buffer.destroy();
    }
  } finally {
    tensor.buffer.destroy();
    maskBuffer?.destroy();
  }
}

/**
 * Softmax of an array (anything the JS `softmax` accepts, and half arrays: see {@link GPUArrayOptions.inputDtype})
 * computed on `device`. Options: axis, temperature, where, onFullyMasked, inputDtype, outDtype.
 * Method, Accuracy and Special cases: those of the GPU `softmax` (`src/webgpu/softmax.ts`) on the input rounded to
 * float32 (or float16) once; `test/webgpu/browser.test.ts` checks it in Chromium against the float64 reference.
 */
export function softmaxArray(device: GPUDevice, x: unknown, options?: Omit<GPUArrayOptions, "keepDims">): Promise<GPUArrayResult> {
  return viaGpu("softmax", "softmaxArray", device, x, options);
}

/** Log-softmax of an array computed on `device`. Options, Method, Accuracy and Special cases: those of the GPU `logSoftmax`, as {@link softmaxArray}. */
export function logSoftmaxArray(device: GPUDevice, x: unknown, options?: Omit<GPUArrayOptions, "keepDims">): Promise<GPUArrayResult> {
  return viaGpu("logSoftmax", "logSoftmaxArray", device, x, options);
}

/** logSumExp of an array computed on `device` (one axis; keepDims). Method, Accuracy and Special cases: those of the GPU `logSumExp`, as {@link softmaxArray}. */
export function logSumExpArray(device: GPUDevice, x: unknown, options?: GPUArrayOptions): Promise<GPUArrayResult> {
  return viaGpu("logSumExp", "logSumExpArray", device, x, options);
}
