/** Logits given as command-line arguments: `softmax 1.3 5.1 2.2` or `softmax -- -1 1 2 3`; a token may also hold several numbers separated by commas or spaces (`"1, 2, 3"`). */
import { DataError } from "../errors.js";
import { parseNumber } from "./number.js";
import { peeked, type RowSource } from "./rows.js";

/** Marks an argument that looked like an option but is a negative number (`-inf`, `-Infinity`), see `cli/argv.ts`. */
export const NEGATIVE_MARK = "\uE000";

/** Opens the numbers in `args` as a single row (rank 1). Errors name the argument's position (1-based). */
export async function openArgs(args: readonly string[]): Promise<RowSource> {
  const values: number[] = [];
  args.forEach((raw, i) => {
    const token = raw.startsWith(NEGATIVE_MARK) ? raw.slice(1) : raw;
    const parts = token.split(/[\s,]+/).filter((s) => s !== "");
    if (parts.length === 0) throw new DataError("an empty argument is not a number", { source: "arguments", argument: i + 1 });
    for (const p of parts) values.push(parseNumber(p, () => ({ source: "arguments", argument: i + 1 })));
  });
  const row = { values: Float64Array.from(values), index: [] as number[], at: { source: "arguments", argument: 1 } };
  async function* rows() {
    yield row;
  }
  return peeked({ name: "arguments", format: "args", rank: 1, shape: [values.length], float32: false, bytesRead: () => 0 }, rows());
}
