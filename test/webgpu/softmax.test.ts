/**
 * The WebGPU functions on a real adapter (SwiftShader on a CPU-only machine):
 * every kernel class, both reduction paths (subgroups and workgroup memory),
 * non-last axes, the special-values policy, pipeline caching and typed errors.
 * Skipped, with the reason in the suite's name and on stderr, where there is no
 * adapter; failing instead under CI (see gpu.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SoftmaxError } from "../../src/errors.js";
import { forEachSlice, layoutOf } from "../../src/tensor/layout.js";
import { capsOf, contextOf, verifySubgroups } from "../../src/webgpu/context.js";
import { logSoftmax, logSumExp, pipelineCount, readTensor, requestSoftmaxDevice, softmax, softmaxArray, uploadTensor } from "../../src/webgpu/index.js";
import type { Tuning } from "../../src/webgpu/plan.js";
import type { Op } from "../../src/webgpu/wgsl/kernels.js";
import { gpuSuite, type KernelCase, plannedClass, runGpu, SHARED_CASES, SMALL } from "./gpu.js";
import { compare, expectClose, F32_BOUND, logits, reference, scaleOf } from "./ref.js";

const env = await gpuSuite("WebGPU");
const title = env.title;

/**
 * Error bounds, in float32 ulps, with the largest error measured on SwiftShader (subgroups and
 * workgroup-memory paths gave the same figures) over these cases and the seeds below:
 * softmax: ulps of |y|, measured 2.93 (bound 4);
 * logSoftmax: ulps of max(|y|, 1) (log Σ is rounded to float32, an absolute error), measured 1.12 (bound 2);
 * logSumExp: ulps of max(|y|, 1), measured 1.46 (bound 2).
 */
const BOUND = F32_BOUND;

const CASES: KernelCase[] = [
  ...SHARED_CASES,
  { name: "tiny rows, vec4 loads", shape: [64, 8], axis: -1, cls: "rows" },
  { name: "long rows held in registers", shape: [4, 6000], axis: -1, cls: "rows" },
  { name: "rows too long to hold, scalar (online)", shape: [4, 5001], axis: -1, cls: "online" },
  { name: "rows too long to hold, vec4 (online)", shape: [9, 4400], axis: -1, cls: "online", tuning: SMALL },
  { name: "middle axis (strided)", shape: [2, 300, 3], axis: 1, cls: "strided" },
];

/** Puts the special values in slices 0–3: a NaN; two +Infinity; all −Infinity; every other entry −Infinity. */
function withSpecials(data: Float32Array, shape: number[], axis: number): Float32Array {
  const a = axis < 0 ? axis + shape.length : axis;
  const l = layoutOf(shape, a);
  const out = Float32Array.from(data);
  forEachSlice(l, (offset, stride, s) => {
    const at = (k: number) => offset + k * stride;
    if (s === 0) out[at(Math.floor(l.n / 2))] = Number.NaN;
    if (s === 1) {
      out[at(0)] = Number.POSITIVE_INFINITY;
      out[at(l.n - 1)] = Number.POSITIVE_INFINITY;
    }
    if (s === 2) for (let k = 0; k < l.n; k++) out[at(k)] = Number.NEGATIVE_INFINITY;
    if (s === 3) for (let k = 0; k < l.n; k += 2) out[at(k)] = Number.NEGATIVE_INFINITY;
  });
  return out;
}

const run = async (device: GPUDevice, op: Op, data: Float32Array, shape: number[], axis: number, tuning?: Tuning) =>
  (await runGpu(device, op, data, shape, axis, { tuning })) as Float32Array;

function check(op: Op, y: Float32Array, data: Float32Array, shape: number[], axis: number, label: string): number {
  return expectClose(y, reference(op, data, shape, axis), scaleOf(op), BOUND[op], label);
}

describe.skipIf(!env.device)(title, () => {
  const device = env.device as GPUDevice;
  const plain = env.plain as GPUDevice;
  const ops: Op[] = ["softmax", "logSoftmax", "logSumExp"];

  it("uses subgroups on the first device (the lane-mapping probe passes) and workgroup memory on the second", async () => {
    expect(capsOf(device).sg).toBeGreaterThan(0);
    await verifySubgroups(contextOf(device));
    expect(contextOf(device).caps.sg).toBe(capsOf(device).sg);
    expect(capsOf(plain).sg).toBe(0);
  });

  describe.each(CASES)("$name $shape axis $axis", (c) => {
    it(`plans the ${c.cls} class`, () => {
      expect(plannedClass(device, c)).toBe(c.cls);
    });

    it("softmax, logSoftmax and logSumExp match the float64 reference (subgroups)", async () => {
      const count = c.shape.reduce((p, q) => p * q, 1);
      const data = logits(count, 30, count);
      for (const op of ops) check(op, await run(device, op, data, c.shape, c.axis, c.tuning), data, c.shape, c.axis, `${op} ${c.name}`);
    });

    it("special values follow the library's policy (NaN, +Infinity, all −Infinity, some −Infinity)", async () => {
      const count = c.shape.reduce((p, q) => p * q, 1);
      const data = withSpecials(logits(count, 10, 7 + count), c.shape, c.axis);
      for (const op of ops) check(op, await run(device, op, data, c.shape, c.axis, c.tuning), data, c.shape, c.axis, `${op} ${c.name} specials`);
    });

    it("softmax matches on the workgroup-memory path (no subgroups)", async () => {
      const count = c.shape.reduce((p, q) => p * q, 1);
      const data = withSpecials(logits(count, 30, 3 * count), c.shape, c.axis);
      check("softmax", await run(plain, "softmax", data, c.shape, c.axis, c.tuning), data, c.shape, c.axis, `softmax ${c.name} (plain)`);
    });
  });

  it("keeps float32 accuracy for probabilities down to the subnormal range (spread ±50)", async () => {
    const shape = [16, 256];
    const data = logits(4096, 50, 11);
    const y = await run(device, "softmax", data, shape, -1);
    const c = compare(y, reference("softmax", data, shape, -1));
    expect(c.specialMismatches).toEqual([]);
    expect(c.maxUlp, c.worst).toBeLessThanOrEqual(BOUND.softmax);
  });

  it("handles spreads beyond the float32 range (x − max overflows to −Infinity)", async () => {
    const data = Float32Array.from([3e38, -3e38, 0, 1, -3e38, 3e38, 3e38, 0]);
    for (const op of ["softmax", "logSoftmax", "logSumExp"] as const) {
      for (const shape of [
        [2, 4],
        [1, 8],
      ])
        check(op, await run(device, op, data, shape, -1), data, shape, -1, `${op} extremes ${shape}`);
      check(op, await run(device, op, data, [4, 2], 0), data, [4, 2], 0, `${op} extremes strided`);
    }
  });

  it("softmax of one element is 1, logSoftmax 0, logSumExp the element", async () => {
    const data = Float32Array.from([3.5, -2, 0, 1e30]);
    expect(Array.from(await run(device, "softmax", data, [4, 1], -1))).toEqual([1, 1, 1, 1]);
    expect(Array.from(await run(device, "logSoftmax", data, [4, 1], -1))).toEqual([0, 0, 0, 0]);
    expect(Array.from(await run(device, "logSumExp", data, [4, 1], -1))).toEqual(Array.from(data));
  });

  it("agrees with the JS library on random shapes, axes and values (property)", async () => {
    const value = fc.oneof(
      { weight: 20, arbitrary: fc.float({ min: -40, max: 40, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
    );
    const tensor = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
        data: fc.array(value, { minLength: shape.reduce((p, q) => p * q, 1), maxLength: shape.reduce((p, q) => p * q, 1) }),
        op: fc.constantFrom<Op>("softmax", "logSoftmax", "logSumExp"),
      }),
    );
    await fc.assert(
      fc.asyncProperty(tensor, async ({ shape, axis, data, op }) => {
        const x = Float32Array.from(data);
        check(op, await run(device, op, x, shape, axis), x, shape, axis, `${op} ${JSON.stringify(shape)} axis ${axis}`);
      }),
      { numRuns: 40, seed: 20261125 },
    );
  });

  it("compiles each pipeline once: repeated calls and other shapes of the same kernel add none", async () => {
    const data = logits(8 * 1000, 5);
    await run(device, "softmax", data, [8, 1000], -1);
    const before = pipelineCount(device);
    await run(device, "softmax", data, [8, 1000], -1);
    await run(device, "softmax", data.subarray(0, 8 * 996), [8, 996], -1); // same spec: vec4, T = 64, V = 4
    await run(device, "softmax", data.subarray(0, 7000), [7, 1000], -1);
    expect(pipelineCount(device)).toBe(before);
    await run(device, "softmax", data.subarray(0, 3 * 77), [3, 77], -1); // a new spec: scalar, T = 32, V = 3
    expect(pipelineCount(device)).toBe(before + 1);
    await run(device, "softmax", data.subarray(0, 3 * 77), [3, 77], -1);
    expect(pipelineCount(device)).toBe(before + 1);
  });

  it("the public functions take { device, buffer, shape } and an out buffer", async () => {
    const data = logits(2 * 3 * 4, 3);
    const x = await uploadTensor(device, data, [2, 3, 4]);
    const out = device.createBuffer({ size: 2 * 3 * 4 * 4, usage: 0x80 | 0x4 });
    const y = await softmax(x, { axis: 1, out });
    expect(y.buffer).toBe(out);
    expect(y.shape).toEqual([2, 3, 4]);
    check("softmax", await readTensor(y), data, [2, 3, 4], 1, "softmax out");
    const l = await logSoftmax(x, { axis: 0 });
    check("logSoftmax", await readTensor(l), data, [2, 3, 4], 0, "logSoftmax axis 0");
    const s = await logSumExp(x, { axis: 2, keepDims: true });
    expect(s.shape).toEqual([2, 3, 1]);
    check("logSumExp", await readTensor(s), data, [2, 3, 4], 2, "logSumExp keepDims");
    for (const b of [x.buffer, out, l.buffer, s.buffer]) b.destroy();
  });

  it("the array path accepts nested arrays and returns float32 data with the shape", async () => {
    const r = await softmaxArray(device, [
      [1, 2, 3],
      [0, 0, Number.NEGATIVE_INFINITY],
    ]);
    expect(r.shape).toEqual([2, 3]);
    const ref = reference("softmax", Float32Array.from([1, 2, 3, 0, 0, Number.NEGATIVE_INFINITY]), [2, 3], -1);
    expect(compare(r.data, ref).maxUlp).toBeLessThanOrEqual(BOUND.softmax);
    expect(Object.is(r.data[5], 0)).toBe(true);
  });

  it("empty tensors give empty results; logSumExp over an empty axis gives −Infinity", async () => {
    const x = await uploadTensor(device, [], [0, 5]);
    const y = await softmax(x);
    expect(y.shape).toEqual([0, 5]);
    expect((await readTensor(y)).length).toBe(0);
    const z = await uploadTensor(device, [], [3, 0]);
    const s = await logSumExp(z);
    expect(Array.from(await readTensor(s))).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });

  it("bad input and options are typed SoftmaxErrors naming the argument", async () => {
    const x = await uploadTensor(device, logits(12, 1), [3, 4]);
    const rejects = async (p: Promise<unknown>, code: string, arg: string) => {
      const e = await p.then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(SoftmaxError);
      expect((e as SoftmaxError).code).toBe(code);
      expect((e as SoftmaxError).arg).toBe(arg);
    };
    await rejects(softmax(x, { axis: 2 }), "INVALID_AXIS", "options.axis");
    await rejects(softmax({ ...x, shape: [4, 4] }), "SHAPE_MISMATCH", "x.buffer");
    await rejects(softmax({ ...x, shape: [3, -4] }), "INVALID_INPUT", "x.shape");
    await rejects(softmax(x, { out: x.buffer }), "INVALID_OPTION", "options.out");
    await rejects(softmax(x, { temperature: -2 }), "INVALID_OPTION", "options.temperature");
    await rejects(softmax({ device, buffer: device.createBuffer({ size: 48, usage: 0x8 }), shape: [3, 4] }), "INVALID_INPUT", "x.buffer");
    await rejects(logSumExp(x, { keepDims: 1 } as never), "INVALID_OPTION", "options.keepDims");
    await rejects(softmax(null as never), "INVALID_INPUT", "x");
    // uploadTensor used to keep the first 4 of 5 values for shape [2, 2], and to build a tensor too small for its shape.
    await rejects(uploadTensor(device, [1, 2, 3, 4, 5], [2, 2]), "SHAPE_MISMATCH", "data");
    await rejects(uploadTensor(device, [1, 2, 3], [2, 2]), "SHAPE_MISMATCH", "data");
    await rejects(uploadTensor(device, [1, 2], [2, 0.5]), "INVALID_INPUT", "shape");
  });

  it("a device error (a destroyed input buffer) rejects with a DEVICE SoftmaxError", async () => {
    const x = await uploadTensor(device, logits(12, 1), [3, 4]);
    x.buffer.destroy();
    const e = await softmax(x).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(SoftmaxError);
    expect((e as SoftmaxError).code).toBe("DEVICE");
    expect(String((e as SoftmaxError).received)).toMatch(/destroyed/i);
  });

  it("a lost device rejects with a DEVICE SoftmaxError", async () => {
    const lost = await requestSoftmaxDevice(env.gpu as GPU);
    const x = await uploadTensor(lost, logits(12, 1), [3, 4]);
    await softmax(x);
    lost.destroy();
    await lost.lost;
    const e = await softmax(x).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(SoftmaxError);
    expect((e as SoftmaxError).code).toBe("DEVICE");
  });
});
