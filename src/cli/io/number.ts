/**
 * Strict number parsing for text inputs. Accepted: decimal literals (`1`, `-2.5`, `+.5`, `3.`, `1e-3`),
 * and the special values `NaN`, `Infinity`, `+Infinity`, `-Infinity` (also `nan`, `inf`, `-inf` as
 * NumPy writes them, any case). Refused: empty text, hexadecimal, `1_000`, spaces inside, anything else.
 */
import { DataError } from "../errors.js";
import type { Position } from "./position.js";

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** The number written in `text`, or `undefined` when it is not a number literal. */
export function numberOf(text: string): number | undefined {
  // Fast path: the native conversion, then a check of the first and last characters that rules
  // out what `+text` accepts but we do not (spaces, "", 0x/0b/0o prefixes, "Infinity").
  const v = +text;
  if (v === v && text.length > 0) {
    const c0 = text.charCodeAt(0);
    const cl = text.charCodeAt(text.length - 1);
    const digitEnd = (cl >= 48 && cl <= 57) || cl === 46;
    const goodStart = (c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45 || c0 === 46;
    if (digitEnd && goodStart && !(c0 === 48 && text.length > 1 && isRadixLetter(text.charCodeAt(1)))) return v;
  }
  if (DECIMAL.test(text)) return +text;
  const m = SPECIAL.exec(text);
  if (m === null) return undefined;
  if ((m[2] as string).toLowerCase() === "nan") return Number.NaN;
  return m[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/** x, X, b, B, o, O: the letters of `0x1f`, `0b101`, `0o17`, which `+text` would accept. */
function isRadixLetter(c: number): boolean {
  return c === 120 || c === 88 || c === 98 || c === 66 || c === 111 || c === 79;
}

/** Shows a bad field briefly: quoted, cut at 40 characters. */
export function showText(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Parses `text` or throws a {@link DataError} at `at`: `line 12, column 4 of logits.csv: "abc" is not a number`. */
export function parseNumber(text: string, at: () => Position, hint = ""): number {
  const v = numberOf(text);
  if (v === undefined) {
    throw new DataError(text.length === 0 ? `an empty field is not a number${hint}` : `${showText(text)} is not a number${hint}`, at());
  }
  return v;
}
