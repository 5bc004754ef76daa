/** Option validation shared by the public functions: each field checked, each error naming the option. */
import { SoftmaxError } from "../errors.js";
import type { FullyMaskedPolicy } from "../tensor/types.js";

/** Throws for anything but undefined or a plain object, and for keys the function does not know (a typo is an error, not a silent default). */
export function checkOptions(options: unknown, known: readonly string[], fn: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options", expected: "an options object", received: options });
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: `options.${key}`, expected: `one of the options ${known.join(", ")}` });
    }
  }
  return options as Record<string, unknown>;
}

/** `temperature`: finite and ≥ 0; default 1. 0 is the argmax limit. */
export function temperatureOf(t: unknown, fn: string): number {
  if (t === undefined) return 1;
  if (typeof t !== "number" || !(t >= 0) || t === Number.POSITIVE_INFINITY) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.temperature", expected: "a finite number ≥ 0", received: t });
  }
  return t;
}

/** `onFullyMasked`: "zeros" (default), "nan" or "error". */
export function policyOf(p: unknown, fn: string): FullyMaskedPolicy {
  if (p === undefined) return "zeros";
  if (p === "zeros" || p === "nan" || p === "error") return p;
  throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.onFullyMasked", expected: '"zeros", "nan" or "error"', received: p });
}

/** A boolean option; default false. */
export function booleanOf(v: unknown, fn: string, name: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: `options.${name}`, expected: "true or false", received: v });
  return v;
}

/** The path of a slice for messages: `[3][:]` with `:` at the reduced axis. */
export function slicePath(slice: number, shape: readonly number[], axis: number): string {
  const parts: string[] = [];
  let s = slice;
  for (let a = shape.length - 1; a >= 0; a--) {
    if (a === axis) {
      parts.unshift("[:]");
      continue;
    }
    const d = shape[a] as number;
    parts.unshift(`[${s % d}]`);
    s = Math.floor(s / d);
  }
  return parts.join("");
}

let scratch = new Float64Array(1024);

/** A reusable float64 scratch buffer of at least `n` elements (grown, never shrunk). */
export function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  return scratch;
}
