/** Option checks of the classifier area (each error names the option). */
import { SoftmaxError } from "../../errors.js";

/** An integer in [min, max]; `fallback` when undefined. */
export function integerOption(v: unknown, fn: string, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: `options.${name}`, expected: `an integer ${range}`, received: v });
  }
  return v;
}

/** A finite number with lower <(=) v <(=) upper; `fallback` when undefined. */
export function numberOption(
  v: unknown,
  fn: string,
  name: string,
  fallback: number,
  range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean; finite?: boolean },
): number {
  if (v === undefined) return fallback;
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, minOpen = false, maxOpen = false, finite = true } = range;
  const ok = typeof v === "number" && !Number.isNaN(v) && (!finite || Number.isFinite(v)) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
  if (!ok) {
    const lo = min === Number.NEGATIVE_INFINITY ? "" : `${minOpen ? ">" : "≥"} ${min}`;
    const hi = max === Number.POSITIVE_INFINITY ? "" : `${maxOpen ? "<" : "≤"} ${max}`;
    const words = [finite ? "a finite number" : "a number", [lo, hi].filter(Boolean).join(" and ")].filter(Boolean).join(" ");
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: `options.${name}`, expected: words, received: v });
  }
  return v;
}
