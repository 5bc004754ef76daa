/**
 * The JS options on the GPU path, on SwiftShader: `temperature` (scaled, and T = 0, the argmax
 * limit), `where` masks (a byte buffer; NaN and +Infinity under the mask ignored), `onFullyMasked`
 * ("zeros", "nan", "error" with the first slice's path), on every kernel class, against the float64
 * JS library called with the same options; and typed errors for options the GPU refuses.
 * Skipped with the reason where there is no adapter.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SoftmaxError } from "../../src/errors.js";
import { layoutOf } from "../../src/tensor/layout.js";
import { logSoftmax, logSumExp, logSumExpArray, readTensor, softmax, softmaxArray, uploadTensor } from "../../src/webgpu/index.js";
import { DEFAULT_TUNING, type Tuning } from "../../src/webgpu/plan.js";
import type { GPUDtype } from "../../src/webgpu/types.js";
import type { Op } from "../../src/webgpu/wgsl/kernels.js";
import { gpuSuite, maskBuffer, runGpu, SMALL } from "./gpu.js";
import { compare, compareHalf, expectClose, F32_BOUND, logits, type RefOptions, reference, scaleOf } from "./ref.js";

const env = await gpuSuite("WebGPU options");
const title = env.title;

/**
 * Float32 bounds with a temperature, in ulps as in softmax.test.ts. (x − m)/T is formed as a
 * float32 pair (the remainder of the division found with an exact product, T itself a float32
 * pair), so the scaled path keeps the unscaled bounds. Measured on SwiftShader by
 * bench/webgpu/accuracy.ts (|x| ≤ 30, T ∈ {0.1, 0.5, 2, 7.3}): softmax 3.14, logSoftmax 1.46,
 * logSumExp 0.93 (in ulps of max(|y|, |m|, T·log Σ, T, 1), see scaleFor); T = 0 exact. Masks change
 * nothing numerically (a masked entry loads as −Infinity): measured 3.05, 1.15, 0.57.
 */
const BOUND = F32_BOUND;

const CASES: { name: string; shape: number[]; axis: number; tuning?: Tuning }[] = [
  { name: "tiny rows", shape: [37, 3], axis: -1 },
  { name: "vec4 rows", shape: [8, 1000], axis: -1 },
  { name: "odd rows", shape: [5, 999], axis: -1 },
  { name: "online", shape: [9, 4400], axis: -1, tuning: SMALL },
  { name: "split", shape: [5, 2001], axis: -1, tuning: SMALL },
  { name: "strided", shape: [6, 5, 7], axis: 0 },
];

/** A pseudo-random byte mask (a fixed LCG) with about `keep` of the entries counting; nonzero bytes other than 1 count too. */
function randomMask(count: number, keep: number, seed: number): Uint8Array {
  const m = new Uint8Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    m[i] = s / 2 ** 32 < keep ? 1 + (s % 200) : 0;
  }
  return m;
}

/** Runs op on the GPU with the options (the mask uploaded as a byte buffer); float32 in, `yd` out. */
const run = (device: GPUDevice, op: Op, data: Float32Array, shape: number[], axis: number, o: RefOptions, tuning?: Tuning, yd?: GPUDtype) =>
  runGpu(device, op, data, shape, axis, { ...o, tuning, yd });

/**
 * The error scale: softmax |y|; logSoftmax max(|y|, 1); logSumExp with a temperature
 * max(|y|, |m|, T·log Σ e^((x−m)/T), T, 1), m the slice maximum (the reference at T = 0): log Σ is
 * a float32 value whose rounding (and the terms' own) is an absolute error that T multiplies, so
 * the result's error is one of that size however much m and T·log Σ cancel.
 */
function scaleFor(op: Op, data: Float32Array, shape: number[], axis: number, o: RefOptions): (r: number, i: number) => number {
  if (op !== "logSumExp" || o.temperature === undefined || o.temperature === 1) return scaleOf(op);
  const m = reference("logSumExp", data, shape, axis, { ...o, temperature: 0 });
  return (r, i) => {
    const mi = m[i] as number;
    const t = o.temperature as number;
    return Number.isFinite(mi) ? Math.max(Math.abs(r), Math.abs(mi), Math.abs(r - mi), t, 1) : Math.max(Math.abs(r), t, 1);
  };
}

function check(op: Op, y: Float32Array, data: Float32Array, shape: number[], axis: number, o: RefOptions, label: string): number {
  return expectClose(y, reference(op, data, shape, axis, o), scaleFor(op, data, shape, axis, o), BOUND[op], label);
}

describe.skipIf(!env.device)(title, () => {
  const device = env.device as GPUDevice;
  const plain = env.plain as GPUDevice;
  const ops: Op[] = ["softmax", "logSoftmax", "logSumExp"];

  describe.each(CASES)("$name $shape axis $axis", (c) => {
    const count = c.shape.reduce((p, q) => p * q, 1);

    it("temperature T > 0 (float32 and non-float32 T) matches the reference with the same T", async () => {
      const data = logits(count, 30, 11 * count);
      data[1] = Number.POSITIVE_INFINITY;
      for (const temperature of [0.5, 0.1, 7.3, 1e-3, 1e36, 2 ** -120]) {
        for (const op of ops) {
          const y = (await run(device, op, data, c.shape, c.axis, { temperature }, c.tuning)) as Float32Array;
          check(op, y, data, c.shape, c.axis, { temperature }, `${op} T=${temperature}`);
        }
      }
    });

    it("temperature 0 is the argmax limit: the maxima share the mass (ties, −0 and +0 included)", async () => {
      // small integers: ties at the maximum are frequent
      const data = Float32Array.from(logits(count, 3, 13 * count), (v) => Math.round(v));
      data[0] = -0;
      for (const op of ops) {
        for (const dev of [device, plain]) {
          const y = (await run(dev, op, data, c.shape, c.axis, { temperature: 0 }, c.tuning)) as Float32Array;
          check(op, y, data, c.shape, c.axis, { temperature: 0 }, `${op} T=0`);
        }
      }
    });

    it("where: masked entries do not count (NaN and +Infinity under the mask ignored), with and without temperature", async () => {
      const data = logits(count, 30, 17 * count);
      const where = randomMask(count, 0.7, count);
      for (let i = 0; i < count; i += 7) if (where[i] === 0) data[i] = i % 2 ? Number.NaN : Number.POSITIVE_INFINITY;
      for (const op of ops) {
        for (const o of [{ where }, { where, temperature: 2.5 }, { where, temperature: 0 }]) {
          const y = (await run(device, op, data, c.shape, c.axis, o, c.tuning)) as Float32Array;
          check(op, y, data, c.shape, c.axis, o, `${op} where ${o.temperature ?? 1}`);
        }
      }
    });

    it("fully masked and all −Infinity slices: zeros (default), nan, error", async () => {
      const data = logits(count, 10, 19 * count);
      const where = randomMask(count, 0.8, 3 * count);
      const a = c.axis < 0 ? c.axis + c.shape.length : c.axis;
      const l = layoutOf(c.shape, a);
      // slice 1 fully masked, slice 2 all −Infinity (unmasked)
      for (let k = 0; k < l.n; k++) {
        const at = (s: number) => Math.floor(s / l.inner) * l.n * l.inner + (s % l.inner) + k * l.inner;
        where[at(1)] = 0;
        data[at(2)] = Number.NEGATIVE_INFINITY;
        where[at(2)] = 1;
      }
      for (const op of ops) {
        for (const onFullyMasked of ["zeros", "nan"] as const) {
          const y = (await run(device, op, data, c.shape, c.axis, { where, onFullyMasked }, c.tuning)) as Float32Array;
          check(op, y, data, c.shape, c.axis, { where, onFullyMasked }, `${op} ${onFullyMasked}`);
        }
        const e = await run(device, op, data, c.shape, c.axis, { where, onFullyMasked: "error" }, c.tuning).then(
          () => null,
          (err: unknown) => err,
        );
        // the JS function names the same slice
        let want: unknown = null;
        try {
          reference(op, data, c.shape, c.axis, { where, onFullyMasked: "error" });
        } catch (err) {
          want = err;
        }
        expect(e, `${op} error`).toBeInstanceOf(SoftmaxError);
        expect((e as SoftmaxError).code).toBe("FULLY_MASKED");
        expect((e as SoftmaxError).path).toBe((want as SoftmaxError).path);
      }
    });
  });

  it("temperature 0 and a single +Infinity give log-probability +0 at the maximum, as the JS function (0 − log 1)", async () => {
    const data = Float32Array.from([1, 3, 2, Number.POSITIVE_INFINITY, 0, 5]);
    const y = (await run(device, "logSoftmax", data, [2, 3], -1, { temperature: 0 })) as Float32Array;
    const ref = reference("logSoftmax", data, [2, 3], -1, { temperature: 0 });
    for (let i = 0; i < 6; i++) expect(Object.is(y[i], ref[i]), `${i}: ${y[i]} vs ${ref[i]}`).toBe(true);
    const z = (await run(device, "logSoftmax", data, [2, 3], -1, {})) as Float32Array;
    expect(Object.is(z[3], 0)).toBe(true);
  });

  it("onFullyMasked 'error' resolves normally when every slice counts something", async () => {
    const data = logits(24, 5, 3);
    const y = (await run(device, "softmax", data, [4, 6], -1, { onFullyMasked: "error" })) as Float32Array;
    check("softmax", y, data, [4, 6], -1, {}, "error policy, nothing masked");
  });

  it("masks and temperatures with float16 output", async () => {
    const data = logits(5 * 999, 20, 23);
    const where = randomMask(5 * 999, 0.5, 29);
    for (const op of ops) {
      const o = { where, temperature: 0.7 };
      const y = (await run(device, op, data, [5, 999], -1, o, DEFAULT_TUNING, "float16")) as Uint16Array;
      const c = compareHalf(y, reference(op, data, [5, 999], -1, o), scaleOf(op));
      expect(c.specialMismatches).toEqual([]);
      expect(c.maxUlp, c.worst).toBeLessThanOrEqual(0.501);
    }
  });

  it("agrees with the JS library on random shapes, axes, masks, temperatures and policies (property)", async () => {
    const value = fc.oneof(
      { weight: 20, arbitrary: fc.float({ min: -40, max: 40, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
    );
    const tensor = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }).chain((shape) => {
      const count = shape.reduce((p, q) => p * q, 1);
      return fc.record({
        shape: fc.constant(shape),
        axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
        data: fc.array(value, { minLength: count, maxLength: count }),
        mask: fc.option(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: count, maxLength: count }), { nil: undefined }),
        temperature: fc.oneof(fc.constant(1), fc.constant(0), fc.double({ min: 0.05, max: 20, noNaN: true })),
        onFullyMasked: fc.constantFrom<"zeros" | "nan">("zeros", "nan"),
        op: fc.constantFrom<Op>("softmax", "logSoftmax", "logSumExp"),
      });
    });
    await fc.assert(
      fc.asyncProperty(tensor, async ({ shape, axis, data, mask, temperature, onFullyMasked, op }) => {
        const x = Float32Array.from(data);
        const o = { temperature, onFullyMasked, ...(mask ? { where: Uint8Array.from(mask) } : {}) };
        const y = (await run(device, op, x, shape, axis, o)) as Float32Array;
        check(op, y, x, shape, axis, o, `${op} ${JSON.stringify(shape)} axis ${axis} ${JSON.stringify({ ...o, where: mask })}`);
      }),
      { numRuns: 60, seed: 20261125 },
    );
  });

  it("the array path takes where (nested booleans), temperature and onFullyMasked as the JS functions do", async () => {
    const x = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const where = [
      [true, false, true],
      [false, false, false],
    ];
    const r = await softmaxArray(device, x, { where, temperature: 2, onFullyMasked: "nan" });
    const ref = reference("softmax", [1, 2, 3, 4, 5, 6], [2, 3], -1, { where: Uint8Array.from([1, 0, 1, 0, 0, 0]), temperature: 2, onFullyMasked: "nan" });
    const c = compare(r.data, ref);
    expect(c.specialMismatches).toEqual([]);
    expect(c.maxUlp).toBeLessThanOrEqual(BOUND.softmax);
    await expect(logSumExpArray(device, x, { where, onFullyMasked: "error" })).rejects.toMatchObject({ code: "FULLY_MASKED", path: "[1][:]" });
    await expect(softmaxArray(device, x, { where: [[true]] })).rejects.toMatchObject({ code: "SHAPE_MISMATCH", arg: "options.where" });
  });

  it("logSumExp over an empty axis follows onFullyMasked as the JS function does (−Infinity, NaN; no error)", async () => {
    const z = await uploadTensor(device, [], [3, 0]);
    expect(Array.from(await readTensor(await logSumExp(z, { onFullyMasked: "nan" })))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(await readTensor(await logSumExp(z, { onFullyMasked: "error" })))).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    const h = await logSumExp({ ...z, dtype: "float16" }, { onFullyMasked: "nan" });
    expect(Array.from(await readTensor(h))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it("options the GPU does not take, and bad option values, are typed errors naming the option", async () => {
    const x = await uploadTensor(device, logits(12, 1), [3, 4]);
    const m = await maskBuffer(device, new Uint8Array(48).fill(1));
    const rejects = async (p: Promise<unknown>, code: string, arg: string) => {
      const e = await p.then(
        () => null,
        (err: unknown) => err,
      );
      expect(e, `${code} ${arg}`).toBeInstanceOf(SoftmaxError);
      expect((e as SoftmaxError).code).toBe(code);
      expect((e as SoftmaxError).arg).toBe(arg);
    };
    await rejects(softmax(x, { precision: "fast" } as never), "INVALID_OPTION", "options.precision");
    await rejects(logSumExp(x, { weights: [1] } as never), "INVALID_OPTION", "options.weights");
    await rejects(logSumExp(x, { returnSign: true } as never), "INVALID_OPTION", "options.returnSign");
    await rejects(logSumExp(x, { axis: [0, 1] } as never), "INVALID_AXIS", "options.axis");
    await rejects(softmax(x, { temperature: -1 }), "INVALID_OPTION", "options.temperature");
    await rejects(softmax(x, { temperature: Number.POSITIVE_INFINITY }), "INVALID_OPTION", "options.temperature");
    await rejects(softmax(x, { temperature: 1e-40 }), "INVALID_OPTION", "options.temperature");
    await rejects(softmax(x, { temperature: 1e39 }), "INVALID_OPTION", "options.temperature");
    await rejects(softmax(x, { temperature: "2" as never }), "INVALID_OPTION", "options.temperature");
    await rejects(logSoftmax(x, { onFullyMasked: "ignore" as never }), "INVALID_OPTION", "options.onFullyMasked");
    await rejects(softmax(x, { where: new Uint8Array(12) as never }), "INVALID_OPTION", "options.where");
    await rejects(softmax(x, { where: device.createBuffer({ size: 8, usage: 0x80 }) }), "SHAPE_MISMATCH", "options.where");
    await rejects(softmax(x, { where: device.createBuffer({ size: 12, usage: 0x8 }) }), "INVALID_OPTION", "options.where");
    await rejects(softmax(x, { where: m, out: m }), "INVALID_OPTION", "options.out");
    await rejects(softmaxArray(device, [1, 2], { out: new Float32Array(2) } as never), "INVALID_OPTION", "options.out");
    await rejects(softmaxArray(device, [1, 2], { where: [1, 2] as never }), "INVALID_OPTION", "options.where");
    x.buffer.destroy();
    m.destroy();
  });
});
