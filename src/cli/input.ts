/** Turns a command's operands and input options into an opened row source: numbers, one file, or stdin. */

import type { CliContext } from "./context.js";
import { DataError, UsageError } from "./errors.js";
import { NEGATIVE_MARK } from "./io/args.js";
import { type InputSpec, openInput } from "./io/index.js";
import { numberOf } from "./io/number.js";
import type { RowSource } from "./io/rows.js";
import { delimiterOf, type OptionValues } from "./options.js";

/** True when the operand holds only number literals (possibly comma- or space-separated). */
export function isNumbers(operand: string): boolean {
  const parts = (operand.startsWith(NEGATIVE_MARK) ? operand.slice(1) : operand).split(/[\s,]+/).filter((s) => s !== "");
  return parts.length > 0 && parts.every((p) => numberOf(p) !== undefined);
}

/**
 * Operands are either logits (`1.3 5.1 2.2`: when the first operand is a number, all must be) or a
 * single file (`-` or none: stdin). With no operands and stdin a terminal, this is a usage error
 * rather than a silent wait: the tool never prompts.
 */
export async function openOperands(operands: readonly string[], o: OptionValues, ctx: CliContext): Promise<RowSource> {
  const spec: InputSpec = { stdin: ctx.stdin };
  if (o.inputFormat !== undefined) spec.format = o.inputFormat;
  if (o.header !== undefined) spec.header = o.header;
  if (o.label !== undefined) spec.label = o.label;
  const delimiter = delimiterOf(o.delimiter);
  if (delimiter !== undefined) spec.delimiter = delimiter;
  if (o.width !== undefined) spec.width = o.width;
  const first = operands[0];
  if (first !== undefined && isNumbers(first)) {
    if (o.label !== undefined) throw new UsageError("--label applies to CSV/TSV/text files, not to numbers given as arguments");
    spec.args = operands;
  } else if (operands.length > 1) {
    throw new UsageError(`one input file at a time (got ${operands.length}: ${operands.join(" ")}); to give logits, start with a number`);
  } else {
    spec.path = first ?? "-";
    if (spec.path === "-" && ctx.stdin.isTTY === true) {
      throw new UsageError("no input: give logits as arguments (softmax 1.3 5.1 2.2), a file (softmax logits.csv), or pipe data to stdin");
    }
  }
  let source: RowSource;
  try {
    source = await openInput(spec);
  } catch (e) {
    // `softmax softmx 1 2`: a mistyped command looks like a missing file; say both.
    if (e instanceof DataError && e.reason === "no such file" && first !== undefined && /^[a-z][a-z-]*$/.test(first)) {
      throw new DataError("no such file (and not a command: softmax --help lists the commands)", e.at);
    }
    throw e;
  }
  if (o.label !== undefined && !["csv", "tsv", "text"].includes(source.format)) {
    throw new UsageError(`--label applies to CSV/TSV/text input, not to ${source.format}`);
  }
  return source;
}
