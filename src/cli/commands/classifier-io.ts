/**
 * Shared by `softmax train` and `softmax predict`: reading a whole table of feature rows
 * (through the CLI's loaders) and parsing the numeric flags of the classifier commands.
 */
import { InvalidArgumentError } from "commander";
import { unmark } from "../argv.js";
import type { CliContext } from "../context.js";
import { DataError } from "../errors.js";
import { openOperands } from "../input.js";
import type { Position } from "../io/position.js";
import type { RowSource } from "../io/rows.js";
import type { OptionValues } from "../options.js";

/** The rows of a table: features (row-major), labels (when a label column was named), positions. */
export interface Table {
  source: RowSource;
  data: Float64Array;
  rows: number;
  cols: number;
  labels: (string | undefined)[];
  at: Position[];
}

/** Reads every row of one input file (or stdin); all rows must have the same width. */
export async function readTable(path: string | undefined, o: OptionValues, ctx: CliContext): Promise<Table> {
  const source = await openOperands(path === undefined ? [] : [path], o, ctx);
  const chunks: Float64Array[] = [];
  const labels: (string | undefined)[] = [];
  const at: Position[] = [];
  let cols = -1;
  for await (const row of source.rows) {
    if (cols === -1) cols = row.values.length;
    else if (row.values.length !== cols) throw new DataError(`expected ${cols} feature values like the first row, found ${row.values.length}`, row.at);
    chunks.push(Float64Array.from(row.values));
    labels.push(row.label);
    at.push(row.at);
  }
  if (cols === -1) throw new DataError("empty input: no rows", { source: source.name });
  const data = new Float64Array(chunks.length * cols);
  chunks.forEach((c, i) => {
    data.set(c, i * cols);
  });
  return { source, data, rows: chunks.length, cols, labels, at };
}

/** A commander parser for a number in a range. */
export function numberIn(name: string, ok: (v: number) => boolean, words: string) {
  return (raw: string): number => {
    const v = unmark(raw).trim();
    const n = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(v) ? Number(v) : Number.NaN;
    if (!ok(n)) throw new InvalidArgumentError(`expected ${words}, got ${JSON.stringify(v)} for ${name}.`);
    return n;
  };
}

/** A commander parser for an integer ≥ min. */
export function integerFrom(name: string, min: number) {
  return (raw: string): number => {
    const v = unmark(raw).trim();
    if (!/^[+-]?\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      throw new InvalidArgumentError(`expected an integer ≥ ${min}, got ${JSON.stringify(v)} for ${name}.`);
    }
    return Number(v);
  };
}
