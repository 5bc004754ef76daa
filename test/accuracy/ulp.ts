/**
 * Error measurement in ulps against exact reference values.
 *
 * Definition: the error of a computed y against the exact real v, in the
 * output format F (float64: p = 53, emin = -1022; float32: p = 24, emin = -126), is
 *
 *   |y - v| / ulp_F(v),  ulp_F(v) = 2^(max(e, emin) - p + 1),  e = floor(log2 |v|),
 *
 * the spacing of F's numbers in the binade of the exact value. Below the
 * normal range e is clamped to emin, so ulp_F(v) is the least subnormal
 * (2^-1074, 2^-149) for every subnormal v and for v = 0. A correctly rounded
 * result has error ≤ 0.5; exact ties do not occur for these transcendental
 * values, so "correctly rounded" is tested as error ≤ 0.5.
 *
 * Exact values are kept as (hi + lo)·2^k (hi, lo doubles), so they carry
 * ~106 bits even for subnormal results, and y - v is formed in units of 2^k.
 */
import type { Exact } from "../../reference/dd.mjs";
import { D, exact, pow2 } from "../../reference/decimal.mjs";

export type { Exact };
export type Format = "float64" | "float32";

const PRECISION = { float64: 53, float32: 24 } as const;
const EMIN = { float64: -1022, float32: -126 } as const;
const EMAX = { float64: 1023, float32: 127 } as const;

/**
 * The bound of a correctly rounded float32 result computed in float64 and rounded once (the documented float32
 * behaviour): the float64 value is within 4 float64 ulp = 2^-27 float32 ulp of the exact one, so a double rounding
 * adds at most that to the 0.5 ulp of a correct rounding. 0.5 + 2^-24 leaves room and fails on any result 1 ulp off.
 */
export const CORRECTLY_ROUNDED_32 = 0.5 + 2 ** -24;

/** x · 2^n, in steps that never overflow (exact whenever the result is normal). */
export function times2(x: number, n: number): number {
  while (n !== 0) {
    const s = Math.max(-1000, Math.min(1000, n));
    x *= 2 ** s;
    n -= s;
  }
  return x;
}

const view = new DataView(new ArrayBuffer(8));

/** floor(log2 |x|) for finite x ≠ 0, exactly (subnormals included). */
export function exponentOf(x: number): number {
  view.setFloat64(0, x);
  const biased = (view.getUint16(0) >>> 4) & 0x7ff;
  if (biased === 0) return exponentOf(x * 2 ** 64) - 64;
  return biased - 1023;
}

/** A 40-digit decimal string (or null for -Infinity) as an Exact (hi + lo)·2^k. */
export function exactOf(s: string | null): Exact {
  if (s === null) return { hi: Number.NEGATIVE_INFINITY, lo: 0, k: 0 };
  const v = new D(s);
  // Below 10^-1000 a value is 0 in every format, far beyond what an ulp count can see.
  if (v.isZero() || v.e < -1000) return { hi: 0, lo: 0, k: 0 };
  const k = Math.round(v.e * Math.LOG2E * Math.LN10);
  const m = v.div(pow2(k));
  const hi = m.toNumber();
  const lo = m.minus(exact(hi)).toNumber();
  return { hi, lo, k };
}

/** The Exact of a double (for expected values that are doubles, e.g. -800). */
export function exactNumber(x: number): Exact {
  return { hi: x, lo: 0, k: 0 };
}

/**
 * |y - v| / ulp_F(v) as defined above. With `magnitude`, the ulp is that of
 * `magnitude` instead of v's (logSumExp's bound is in ulps of max(|m|, log Σ)).
 * A non-finite exact value must be matched exactly (0 or Infinity).
 */
export function ulpError(y: number | Exact, v: Exact, format: Format, magnitude?: number): number {
  // An Exact y (comparing two references) is (hi + lo)·2^k; a number is (y + 0)·2^0.
  const yv: Exact = typeof y === "number" ? { hi: y, lo: 0, k: 0 } : y;
  if (!Number.isFinite(v.hi)) return Object.is(yv.hi, v.hi) ? 0 : Number.POSITIVE_INFINITY;
  const p = PRECISION[format];
  const emin = EMIN[format];
  // Beyond the overflow threshold (2 - 2^-p)·2^emax the correctly rounded result is ±Infinity.
  if (v.hi !== 0 && times2(Math.abs(v.hi) + (v.hi < 0 ? -v.lo : v.lo), v.k - EMAX[format]) >= 2 - 2 ** -p) {
    return Object.is(yv.hi, v.hi < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) ? 0 : Number.POSITIVE_INFINITY;
  }
  let e: number;
  if (magnitude !== undefined && magnitude !== 0) {
    e = exponentOf(magnitude);
  } else if (v.hi === 0) {
    e = emin;
  } else {
    e = v.k + exponentOf(v.hi);
    // hi a power of two with lo of the other sign: v is just below that power.
    if (Math.abs(v.hi) === 2 ** exponentOf(v.hi) && v.lo !== 0 && v.lo < 0 !== v.hi < 0) e -= 1;
  }
  if (!Number.isFinite(yv.hi)) return Number.POSITIVE_INFINITY;
  const ulpExp = Math.max(e, emin) - p + 1;
  // y - v in units of 2^v.k: exact for y near v (Sterbenz), so the count is not blurred by rounding.
  const s = yv.hi === 0 ? 0 : yv.k - v.k;
  const diff = times2(yv.hi, s) - v.hi + (times2(yv.lo, s) - v.lo);
  return Math.abs(times2(diff, v.k - ulpExp));
}

/** Running statistics of one function × dtype: max ulp error, share correctly rounded, the worst input. */
export class Tally {
  max = 0;
  count = 0;
  correctlyRounded = 0;
  worst = "";

  constructor(
    readonly fn: string,
    readonly format: Format,
  ) {}

  add(err: number, where: () => string): number {
    this.count++;
    if (err <= 0.5) this.correctlyRounded++;
    if (err > this.max || Number.isNaN(err)) {
      this.max = err;
      this.worst = where();
    }
    return err;
  }

  /** Percentage correctly rounded. */
  get percent(): number {
    return this.count === 0 ? 100 : (100 * this.correctlyRounded) / this.count;
  }
}

/** Prints the measured table (quoted in the README, "Accuracy and special values"). */
export function report(title: string, tallies: readonly Tally[]): void {
  const lines = tallies.map(
    (t) =>
      `| ${t.fn} | ${t.format} | ${t.count} | ${t.max.toFixed(3)} | ${t.percent.toFixed(4)}% | ${t.worst.length > 70 ? `${t.worst.slice(0, 70)}…` : t.worst} |`,
  );
  console.log([`\n${title}`, "| function | dtype | values | max ulp | correctly rounded | worst case |", "|---|---|---|---|---|---|", ...lines].join("\n"));
}
