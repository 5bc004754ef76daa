/**
 * The shared body of the shape-preserving functions (softmax, logSoftmax):
 * convert the input, check the options, run a kernel on every slice along the
 * axis, and give the result back in the input's kind.
 */
import { SoftmaxError } from "../errors.js";
import type { softmaxKernel } from "../kernels/js/softmax.js";
import { NOTHING } from "../kernels/js/stats.js";
import { ALL_DONE, wasmAlongAxis } from "../kernels/wasm/hooks.js";
import { fromFlat, outputBuffer, toFlat, toMask } from "../tensor/convert.js";
import { forEachSliceLeft, layoutOf, normalizeAxis } from "../tensor/layout.js";
import type { Mask } from "../tensor/types.js";
import { checkOptions, policyOf, scratchOf, slicePath, temperatureOf } from "./options.js";

/** Options of softmax and logSoftmax. */
export interface AlongAxisOptions {
  /** The axis the probabilities sum along. Default -1 (the last); negative counts from the end. */
  axis?: number;
  /** Divide the logits by T (finite, ≥ 0) first. Default 1. 0 is the argmax limit: a one-hot, ties sharing equally. */
  temperature?: number;
  /** A boolean mask of the input's shape: `false` entries get probability 0 / log-probability -Infinity and do not count. */
  where?: Mask;
  /** A caller's Float32Array or Float64Array of the input's length (typed or tensor-like input only). May be the input itself. */
  out?: Float32Array | Float64Array;
  /** What a slice that is entirely -Infinity or masked gives: "zeros" (default: probabilities 0, log-probabilities -Infinity), "nan", or "error" (throws FULLY_MASKED). */
  onFullyMasked?: "zeros" | "nan" | "error";
  /** Float32 results of the WASM kernels: "exact" (default, correctly rounded) or "fast" (within 2.5 ulp). See the README, "Performance". */
  precision?: "exact" | "fast";
}

const KNOWN = ["axis", "temperature", "where", "out", "onFullyMasked", "precision"] as const;

/** A slice kernel with softmaxKernel's parameters and result (logSoftmaxKernel, which needs no scratch, fits too). */
type Kernel = typeof softmaxKernel;

/** Runs `kernel` on every slice; `fill` is the "zeros" value of a fully masked slice (0 or -Infinity). */
export function alongAxis(fn: string, x: unknown, options: unknown, kernel: Kernel, fill: number): unknown {
  const o = checkOptions(options, KNOWN, fn);
  const flat = toFlat(x, fn);
  const axis = normalizeAxis(o.axis, flat.shape.length, fn);
  const t = temperatureOf(o.temperature, fn);
  const policy = policyOf(o.onFullyMasked, fn);
  const mask = toMask(o.where as Mask | undefined, flat.shape, fn);
  const kindFloat32 = flat.kind.type !== "nested" && flat.kind.float32;
  const y = outputBuffer(flat.data.length, kindFloat32, o.out, fn, flat.kind);
  const layout = layoutOf(flat.shape, axis);
  const scratch = y instanceof Float64Array ? null : scratchOf(layout.n);
  const nothing = policy === "zeros" ? fill : Number.NaN;
  const done = wasmAlongAxis(fn, flat.data, y, layout, mask, t, o.precision);
  if (done === ALL_DONE) return fromFlat(y, flat.shape, flat.kind);
  forEachSliceLeft(layout, done, (off, stride, slice) => {
    const status = kernel(flat.data, y, off, stride, layout.n, mask, t, nothing, scratch);
    if (status === NOTHING && policy === "error" && layout.n > 0) {
      throw new SoftmaxError({ code: "FULLY_MASKED", fn, arg: "x", path: slicePath(slice, flat.shape, axis) });
    }
  });
  return fromFlat(y, flat.shape, flat.kind);
}
