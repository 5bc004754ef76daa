/** The row stream every loader produces, and that every command consumes. */
import type { Position } from "./position.js";

/** The input formats. `args` is numbers given on the command line. */
export const INPUT_FORMATS = ["json", "ndjson", "csv", "tsv", "text", "npy", "f32", "args"] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** One row of logits: a slice along the last axis. */
export interface Row {
  /** The numbers (float32 for `.npy` float32 and raw float32 inputs, float64 otherwise). */
  values: Float64Array | Float32Array;
  /** Index of this row among the outer axes (empty for a single vector): row `[2]` of a table, `[1][0]` of a 3-d array. */
  index: number[];
  /** The value of the label column (`--label`), when one was named. */
  label?: string;
  /** Where the row starts (for messages). */
  at: Position;
}

/** An opened input: metadata known after the header, and the rows (which can be iterated once). */
export interface RowSource {
  /** `logits.csv`, `stdin`, `arguments`. */
  name: string;
  format: InputFormat;
  /** Column names from a CSV/TSV header (label column excluded). */
  columns?: string[];
  /** The label column's name (or `column N`), when one was named. */
  labelColumn?: string;
  /** Number of axes of the input (1 for a single vector, 2 for a table). Known before reading for npy, raw, args, CSV/TSV/text and NDJSON; for JSON once the first row is read. */
  rank: number;
  /** The full shape when known before reading (npy, raw float32 with --width, args). */
  shape?: number[];
  /** True when values are float32 (npy `<f4`, raw float32): results stay float32. */
  float32: boolean;
  /** Input size in bytes when known (regular files): drives the progress bar. */
  totalBytes?: number;
  /** Bytes consumed so far. */
  bytesRead(): number;
  /** The rows, in order. Errors are {@link DataError}s naming file, line and column. */
  rows: AsyncIterable<Row>;
}

/** Loader options shared by the text formats. */
export interface TextOptions {
  /** Whether the first CSV/TSV/text record is a header: true, false, or "auto" (a header when every field of the first record is not a number). Default "auto". */
  header?: boolean | "auto";
  /** The label column: a header name, or a 1-based column number. Its values go to {@link Row.label}. */
  label?: string;
  /** Field delimiter for CSV (default `,`). */
  delimiter?: string;
}

/** Builds a RowSource whose `rows` can be iterated once, after the first row has been read (so that headers are known). */
export async function peeked(meta: Omit<RowSource, "rows">, gen: AsyncGenerator<Row>): Promise<RowSource> {
  const first = await gen.next();
  if (!first.done) meta.rank = first.value.index.length + 1;
  const source: RowSource = {
    ...meta,
    rows: {
      [Symbol.asyncIterator]: async function* () {
        if (first.done) return;
        yield first.value;
        yield* gen;
      },
    },
  };
  return source;
}
