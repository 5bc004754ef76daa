/**
 * Negative numbers as arguments: `softmax -1 1 2 3` and `softmax -- -1 1 2 3` both work. Commander
 * already treats `-1`, `-2.5` as numbers in leaf commands; this pass marks every negative number
 * literal (including `-inf`, `-Infinity`, `-1E5`, `-1.`) so that it is never taken for an option,
 * and the loaders and option parsers remove the mark.
 */
import { NEGATIVE_MARK } from "./io/args.js";
import { numberOf } from "./io/number.js";

export { NEGATIVE_MARK };

/** Marks negative number literals in `argv` (the arguments after `node main.js`). */
export function markNegativeNumbers(argv: readonly string[]): string[] {
  return argv.map((a) => (a.length > 1 && a[0] === "-" && a[1] !== "-" && numberOf(a) !== undefined ? NEGATIVE_MARK + a : a));
}

/** Removes the mark from an option value. */
export function unmark(value: string): string {
  return value.startsWith(NEGATIVE_MARK) ? value.slice(1) : value;
}
