/**
 * float16 storage on the GPU (halves packed two per u32, computed in f32) on SwiftShader, which has
 * no `shader-f16`: the WGSL conversions h2f / f2h exhaustively against the test's own oracle
 * (ref.ts: a decoder and a binary search over every half value, nothing taken from src/), then the
 * three operations on every kernel class with half input and/or output, odd lengths and odd row
 * strides (neighbouring rows share a u32), special values, overflow and subnormal halves, and the
 * array path (Uint16Array bits, numbers rounded to half). Errors are in half ulps against the
 * float64 JS library on the exact input values. Skipped with the reason where there is no adapter.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { halfToNumber, logSumExp, numberToHalf, readHalfBits, readTensor, softmax, softmaxArray, uploadTensor } from "../../src/webgpu/index.js";
import type { Tuning } from "../../src/webgpu/plan.js";
import { runOp } from "../../src/webgpu/run.js";
import type { GPUDtype } from "../../src/webgpu/types.js";
import type { Op } from "../../src/webgpu/wgsl/kernels.js";
import { MATH_WGSL } from "../../src/webgpu/wgsl/math.js";
import { evalElementwise, gpuSuite, type KernelCase, plannedClass, runGpu, SHARED_CASES, SMALL } from "./gpu.js";
import { compare, compareHalf, F32_BOUND, halfValue, logits, nearestHalf, randomHalves, reference, scaleOf } from "./ref.js";

const env = await gpuSuite("WebGPU float16");
const title = env.title;

/**
 * Bounds in half ulps (softmax: of |y|; logSoftmax and logSumExp: of max(|y|, 1)). The f32 result is
 * within 4 (resp. 2) float32 ulps, i.e. 4/8192 half ulps, before its one correct rounding to half,
 * so 0.5 + 4/8192 < 0.501. Measured on SwiftShader (bench/webgpu/accuracy.ts, both reduction
 * paths, |x| < 64 with subnormal halves): softmax 0.5001, logSoftmax 0.5001, logSumExp 0.4978 half
 * ulp, and 8,981,978 of 8,981,984 softmax results the nearest half (the others: exact values within
 * the f32 error of a midpoint between two halves). Here at most one in 1000 may miss the nearest.
 */
const HALF_BOUND = 0.501;

/** `O[i] = expr` over the u32 words a = A[i], with the WGSL h2f / f2h in scope. */
const evalU32 = async (device: GPUDevice, expr: string, a: Uint32Array) => new Uint32Array(await evalElementwise(device, MATH_WGSL, "u32", [a], expr));

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (v: number) => {
  f32[0] = v;
  return u32[0] as number;
};
const floatOfBits = (b: number) => {
  u32[0] = b;
  return f32[0] as number;
};

/** Runs op with x of dtype `xd` (data given as half bits for float16) and output `yd`; returns the result as half bits or float32. */
const run = (device: GPUDevice, op: Op, data: Uint16Array | Float32Array, shape: number[], axis: number, xd: GPUDtype, yd: GPUDtype, tuning?: Tuning) =>
  runGpu(device, op, data, shape, axis, { xd, yd, tuning });

/** The shared cases (with half storage, odd rows share u32 words) and half-specific ones. */
const CASES: KernelCase[] = [
  ...SHARED_CASES,
  { name: "one-element rows", shape: [9, 1], axis: -1, cls: "rows" },
  { name: "rows of 2 mod 4 (vec2 halves)", shape: [6, 10], axis: -1, cls: "rows" },
  { name: "rows too long to hold, odd (online)", shape: [3, 5001], axis: -1, cls: "online" },
  { name: "rows too long to hold, vec2 (online)", shape: [9, 4402], axis: -1, cls: "online", tuning: SMALL },
  { name: "middle axis, odd inner (strided)", shape: [3, 31, 5], axis: 1, cls: "strided" },
];

describe.skipIf(!env.device)(title, () => {
  const device = env.device as GPUDevice;
  const plain = env.plain as GPUDevice;
  const ops: Op[] = ["softmax", "logSoftmax", "logSumExp"];

  it("h2f converts every one of the 65 536 halves exactly (bits compared; NaN stays NaN with its sign)", async () => {
    const all = Uint32Array.from({ length: 65536 }, (_, i) => i);
    const got = await evalU32(device, "bitcast<u32>(h2f(a))", all);
    const bad: string[] = [];
    for (let h = 0; h < 65536; h++) {
      const v = halfValue(h);
      const g = got[h] as number;
      const ok = Number.isNaN(v) ? Number.isNaN(floatOfBits(g)) && g >>> 31 === h >>> 15 : g === bitsOf(v);
      if (!ok && bad.length < 5) bad.push(`${h.toString(16)} → ${g.toString(16)} (want ${v})`);
    }
    expect(bad).toEqual([]);
  });

  it("f2h rounds float32 to the nearest half, ties to even (every half, every midpoint and its neighbours, random bits, overflow)", async () => {
    const inputs: number[] = [];
    for (let h = 0; h < 0x7c00; h++) {
      const v = halfValue(h);
      const next = h === 0x7bff ? 65536 : halfValue(h + 1);
      const mid = Math.fround((v + next) / 2); // exact: a half midpoint has ≤ 12 significant bits
      for (const x of [v, mid, floatOfBits(bitsOf(mid) - 1), floatOfBits(bitsOf(mid) + 1)]) inputs.push(bitsOf(x), bitsOf(-x));
    }
    let s = 12345;
    for (let i = 0; i < 100000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      inputs.push(s);
    }
    inputs.push(0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f7fffff, 0x00000001, 0x80800000, bitsOf(65519.996), bitsOf(65520));
    const a = Uint32Array.from(inputs);
    const got = await evalU32(device, "f2h(bitcast<f32>(a))", a);
    const bad: string[] = [];
    for (let i = 0; i < a.length; i++) {
      const v = floatOfBits(a[i] as number);
      const want = nearestHalf(v);
      const g = got[i] as number;
      const ok = Number.isNaN(v) ? (g & 0x7c00) === 0x7c00 && (g & 0x3ff) !== 0 : g === want;
      if (!ok && bad.length < 5) bad.push(`${v} → ${g.toString(16)} (want ${want.toString(16)})`);
    }
    expect(bad).toEqual([]);
  });

  describe.each(CASES)("$name $shape axis $axis", (c) => {
    const count = c.shape.reduce((p, q) => p * q, 1);

    it(`plans the ${c.cls} class with half storage`, () => {
      const io = { xh: true, yh: true, mask: false, temp: "one" as const, report: false };
      expect(plannedClass(device, c, io)).toBe(c.cls);
    });

    it("half in, half out: within 0.501 half ulp of the float64 reference, special values included", async () => {
      const x = randomHalves(count, 20, count); // |x| < 64, subnormal halves included
      x[0] = 0x7e00; // NaN: its slice is NaN
      x[count - 1] = 0x7c00; // +Infinity
      if (count > 4) x[count - 2] = 0xfc00; // -Infinity
      const values = Array.from(x, halfValue);
      for (const dev of [device, plain]) {
        // the workgroup-memory path (plain) shares everything but the reductions: softmax covers it
        for (const op of dev === plain ? (["softmax"] as Op[]) : ops) {
          const y = (await run(dev, op, x, c.shape, c.axis, "float16", "float16", c.tuning)) as Uint16Array;
          const r = compareHalf(y, reference(op, values, c.shape, c.axis), scaleOf(op));
          expect(r.specialMismatches, `${op} special values`).toEqual([]);
          expect(r.maxUlp, `${op}: ${r.worst}`).toBeLessThanOrEqual(HALF_BOUND);
          if (op === "softmax") expect(r.notNearest, "softmax results that are not the nearest half").toBeLessThanOrEqual(Math.ceil(count / 1000));
        }
      }
    });

    it("half in, float32 out and float32 in, half out", async () => {
      const x = randomHalves(count, 21, 3 * count);
      const values = Array.from(x, halfValue);
      const xf = logits(count, 20, 5 * count);
      for (const op of ops) {
        const y = (await run(device, op, x, c.shape, c.axis, "float16", "float32", c.tuning)) as Float32Array;
        const r = compare(y, reference(op, values, c.shape, c.axis), scaleOf(op));
        expect(r.specialMismatches).toEqual([]);
        expect(r.maxUlp, `${op} half → float32: ${r.worst}`).toBeLessThanOrEqual(F32_BOUND[op]);
        const z = (await run(device, op, xf, c.shape, c.axis, "float32", "float16", c.tuning)) as Uint16Array;
        const q = compareHalf(z, reference(op, xf, c.shape, c.axis), scaleOf(op));
        expect(q.specialMismatches).toEqual([]);
        expect(q.maxUlp, `${op} float32 → half: ${q.worst}`).toBeLessThanOrEqual(HALF_BOUND);
      }
    });
  });

  it("writes only its own halves: the unused upper half of an odd-length output's last word is left as it was", async () => {
    for (const [op, shape] of [
      ["softmax", [3, 5]],
      ["logSoftmax", [5, 3]],
      ["logSumExp", [7, 4]],
      ["softmax", [3, 1, 5]],
    ] as const) {
      const count = shape.reduce((p: number, q: number) => p * q, 1);
      const outCount = op === "logSumExp" ? count / (shape.at(-1) as number) : count;
      const x = await uploadTensor(device, randomHalves(count, 18, 9), [...shape], "float16");
      const out = device.createBuffer({ size: Math.ceil(outCount / 2) * 4, usage: 0x80 | 0x4 | 0x8 });
      device.queue.writeBuffer(out, 0, new Uint16Array(Math.ceil(outCount / 2) * 2).fill(0xabcd));
      const axis = shape.length === 3 ? 0 : -1;
      const y = await runOp(op, op, x, { out, axis });
      const words = await readHalfBits({ device, buffer: out, shape: [Math.ceil(outCount / 2) * 2], dtype: "float16" });
      expect(y.dtype).toBe("float16");
      if (outCount % 2 === 1) expect(words[outCount]?.toString(16), `${op} ${shape}`).toBe("abcd");
      const r = compareHalf(words.subarray(0, outCount), reference(op, Array.from(await readTensor(x)), [...shape], axis), scaleOf(op));
      expect(r.maxUlp).toBeLessThanOrEqual(HALF_BOUND);
      x.buffer.destroy();
      out.destroy();
    }
  });

  it("many odd rows written at once agree on every run (no lost half-word writes)", async () => {
    const shape = [513, 3];
    const x = randomHalves(513 * 3, 20, 77);
    const ref = reference("softmax", Array.from(x, halfValue), shape, -1);
    for (let k = 0; k < 3; k++) {
      const y = (await run(device, "softmax", x, shape, -1, "float16", "float16")) as Uint16Array;
      const r = compareHalf(y, ref);
      expect(r.specialMismatches).toEqual([]);
      expect(r.maxUlp).toBeLessThanOrEqual(HALF_BOUND);
    }
  });

  it("half overflow and underflow: results beyond 65504 become ±Infinity, tiny probabilities subnormal halves", async () => {
    const data = Float32Array.from([-60000, 60000, 0, 1, 0, -12, -14, -16.5]);
    const lsm = (await run(device, "logSoftmax", data, [2, 4], -1, "float32", "float16")) as Uint16Array;
    expect(halfValue(lsm[0] as number)).toBe(Number.NEGATIVE_INFINITY); // −120000 rounds to −Infinity
    const lse = (await run(device, "logSumExp", Float32Array.from([65504, 65504, 70000, 1]), [2, 2], -1, "float32", "float16")) as Uint16Array;
    expect(Array.from(lse, halfValue)).toEqual([65504, Number.POSITIVE_INFINITY]);
    const sm = (await run(device, "softmax", data, [2, 4], -1, "float32", "float16")) as Uint16Array;
    const r = compareHalf(sm, reference("softmax", data, [2, 4], -1));
    expect(r.specialMismatches).toEqual([]);
    expect(r.maxUlp, r.worst).toBeLessThanOrEqual(HALF_BOUND);
    expect((sm[7] as number) & 0x7c00, "e^-16.5/Σ is a subnormal half").toBe(0);
    expect(sm[7]).toBeGreaterThan(0);
  });

  it("agrees with the JS library on random shapes, axes, dtypes and half values (property)", async () => {
    const half = fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 0, max: 0xffff }).filter((h) => (h & 0x7c00) < 0x5800) }, // |x| < 128
      { weight: 1, arbitrary: fc.constantFrom(0x7e00, 0x7c00, 0xfc00, 0x8000, 0x0001, 0x7bff) },
    );
    const tensor = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
        bits: fc.array(half, { minLength: shape.reduce((p, q) => p * q, 1), maxLength: shape.reduce((p, q) => p * q, 1) }),
        op: fc.constantFrom<Op>("softmax", "logSoftmax", "logSumExp"),
        yd: fc.constantFrom<GPUDtype>("float16", "float32"),
      }),
    );
    await fc.assert(
      fc.asyncProperty(tensor, async ({ shape, axis, bits, op, yd }) => {
        const x = Uint16Array.from(bits);
        const ref = reference(op, Array.from(x, halfValue), shape, axis);
        const y = await run(device, op, x, shape, axis, "float16", yd);
        const r = yd === "float16" ? compareHalf(y as Uint16Array, ref, scaleOf(op)) : compare(y as Float32Array, ref, scaleOf(op));
        expect(r.specialMismatches, `${op} ${shape} axis ${axis} → ${yd}`).toEqual([]);
        expect(r.maxUlp, `${op} ${shape} axis ${axis} → ${yd}: ${r.worst}`).toBeLessThanOrEqual(yd === "float16" ? HALF_BOUND : F32_BOUND[op]);
      }),
      { numRuns: 40, seed: 20261125 },
    );
  });

  it("the array path: Uint16Array half bits with inputDtype float16, results as half bits and exact float32", async () => {
    const bits = randomHalves(2 * 7, 19, 5);
    const r = await softmaxArray(device, { data: bits, shape: [2, 7] }, { inputDtype: "float16" });
    expect(r.shape).toEqual([2, 7]);
    expect(r.half).toBeInstanceOf(Uint16Array);
    const c = compareHalf(r.half as Uint16Array, reference("softmax", Array.from(bits, halfValue), [2, 7], -1));
    expect(c.maxUlp, c.worst).toBeLessThanOrEqual(HALF_BOUND);
    expect(Array.from(r.data)).toEqual(Array.from(r.half as Uint16Array, halfValue));
    // float32 output of half input
    const f = await softmaxArray(device, bits.subarray(0, 7), { inputDtype: "float16", outDtype: "float32" });
    expect(f.half).toBeUndefined();
    expect(compare(f.data, reference("softmax", Array.from(bits.subarray(0, 7), halfValue), [7], -1)).maxUlp).toBeLessThanOrEqual(4);
    // Without inputDtype a Uint16Array is a list of integers, as in the JS softmax.
    const ints = Uint16Array.from([1, 2, 3]);
    const g = await softmaxArray(device, ints);
    expect(compare(g.data, reference("softmax", [1, 2, 3], [3], -1)).maxUlp).toBeLessThanOrEqual(4);
    // Numbers with inputDtype float16 are rounded to the nearest half on the CPU.
    const h = await logSumExp(await uploadTensor(device, [0.1, 0.2, 1e-7, 70000], [4], "float16"));
    expect(h.dtype).toBe("float16");
    const back = await readTensor(await uploadTensor(device, [0.1, 0.2, 1e-7, 70000, -0], [5], "float16"));
    expect(Array.from(back)).toEqual([0.1, 0.2, 1e-7, 70000, -0].map((v) => halfValue(nearestHalf(v))));
    h.buffer.destroy();
  });

  it("numberToHalf and halfToNumber agree with the test's oracle (every half; random doubles)", () => {
    for (let h = 0; h < 65536; h++) {
      const v = halfValue(h);
      expect(Object.is(halfToNumber(h), v) || (Number.isNaN(v) && Number.isNaN(halfToNumber(h)))).toBe(true);
    }
    fc.assert(
      fc.property(fc.double({ min: -70000, max: 70000 }), (v) => {
        expect(numberToHalf(v)).toBe(nearestHalf(v));
      }),
      { numRuns: 20000, seed: 7 },
    );
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (halfValue(h) + halfValue(h + 1)) / 2;
      expect(numberToHalf(mid)).toBe(nearestHalf(mid));
    }
  });

  it("float16 tensors are checked: buffer size and dtype", async () => {
    const b = device.createBuffer({ size: 4, usage: 0x80 });
    await expect(softmax({ device, buffer: b, shape: [3], dtype: "float16" })).rejects.toMatchObject({ code: "SHAPE_MISMATCH", arg: "x.buffer" });
    await expect(softmax({ device, buffer: b, shape: [2], dtype: "bfloat16" as never })).rejects.toMatchObject({ code: "INVALID_INPUT", arg: "x.dtype" });
    await expect(softmax({ device, buffer: b, shape: [2], dtype: "float16" }, { outDtype: "f16" as never })).rejects.toMatchObject({
      code: "INVALID_OPTION",
      arg: "options.outDtype",
    });
    const small = device.createBuffer({ size: 4, usage: 0x80 });
    await expect(softmax({ device, buffer: b, shape: [4], dtype: "float16" }, { outDtype: "float32" })).rejects.toMatchObject({ code: "SHAPE_MISMATCH" });
    await expect(
      softmax({ device, buffer: device.createBuffer({ size: 8, usage: 0x80 }), shape: [4], dtype: "float16" }, { out: small, outDtype: "float32" }),
    ).rejects.toMatchObject({
      code: "SHAPE_MISMATCH",
      arg: "options.out",
    });
    await expect(uploadTensor(device, [1], [1], "half" as never)).rejects.toMatchObject({ code: "INVALID_OPTION", arg: "dtype" });
    await expect(readHalfBits(await uploadTensor(device, [1], [1]))).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(softmaxArray(device, [1, 2], { inputDtype: "float8" as never })).rejects.toMatchObject({ code: "INVALID_OPTION", arg: "options.inputDtype" });
  });
});
