/** Number formatting for the explorer: the seeds' fixed decimals, with exponents for tiny or huge values and words for the special ones. */

/** How many decimals to show; "full" is JavaScript's shortest round-trip form (what `String(x)` gives). */
export type Decimals = 2 | 3 | 4 | 6 | "full";

export const DECIMALS: readonly Decimals[] = [2, 3, 4, 6, "full"];

/**
 * Formats `v` the way the seeds round: `v.toFixed(d)`, except that a non-zero value too small to show in d decimals
 * (or one of 10^15 or more) is written with an exponent of max(d − 1, 2) decimals (`1.52e-8`), so that [13, 31, 5] and
 * [0, 100, 0] stay readable. The same rule as the CLI's `softmax explain` (`src/cli/output/numbers.ts`), so the page
 * and the CLI print the same numbers.
 *
 * | v | text |
 * |---|---|
 * | NaN | `NaN` |
 * | +Infinity / -Infinity | `∞` / `-∞` |
 * | -0 | `0.00` (the sign of zero is not shown) |
 */
export function fmt(v: number, d: Decimals): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "∞";
  if (v === Number.NEGATIVE_INFINITY) return "-∞";
  if (v === 0) v = 0; // drop the sign of -0
  if (d === "full") return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.5 * 10 ** -d || a >= 1e15)) return v.toExponential(Math.max(d - 1, 2)).replace("e+", "e");
  return v.toFixed(d);
}

/** Parses a logit typed by a person: a decimal number, `inf`, `-inf`, `∞`, `-∞` or `NaN`. Returns null for anything else (empty included). */
export function parseLogit(text: string): number | null {
  const t = text
    .trim()
    .replace(/\u2212/g, "-")
    .toLowerCase();
  if (t === "") return null;
  if (t === "nan") return Number.NaN;
  if (t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity" || t === "∞" || t === "+∞") return Number.POSITIVE_INFINITY;
  if (t === "-inf" || t === "-infinity" || t === "-∞") return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

/** Parses a comma- or space-separated list of logits (brackets allowed: `[-1, 1, 2, 3]`). Returns null if any entry is not a number. */
export function parseLogitList(text: string): number[] | null {
  const inner = text.trim().replace(/^\[/, "").replace(/\]$/, "");
  const parts = inner.split(/[\s,;]+/).filter((s) => s !== "");
  if (parts.length === 0) return null;
  const out: number[] = [];
  for (const p of parts) {
    const v = parseLogit(p);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

/** Temperature slider: position 0 is T = 0 (argmax); positions 1..100 are T = 10^(3(pos - 50)/50), from about 0.001 through 1 (at 50) to 1000. */
export function temperatureAt(pos: number): number {
  if (pos <= 0) return 0;
  return 10 ** ((3 * (pos - 50)) / 50);
}

/** The slider position nearest to temperature T (the inverse of {@link temperatureAt}, clamped to 0..100). */
export function positionOf(t: number): number {
  if (!(t > 0)) return 0;
  const pos = Math.round(50 + (50 * Math.log10(t)) / 3);
  return Math.min(100, Math.max(1, pos));
}

/** A temperature for people: 3 significant digits. */
export function fmtT(t: number): string {
  if (t === 0) return "0";
  return t >= 100 ? t.toFixed(0) : Number(t.toPrecision(3)).toString();
}
