/**
 * CSV, TSV and whitespace-separated text, streamed line by line.
 *
 * Plain lines (no `"`) take a fast path: split on the delimiter and parse each field strictly.
 * A line with a quote character is handed to csv-parse (RFC 4180 quoting, quoted newlines),
 * which also reports malformed quoting. Blank lines are skipped; in text files, so are lines
 * starting with `#`. Errors name the line and the column (the 1-based field number).
 */
import { DataError, UsageError } from "../errors.js";
import { numberOf, parseNumber } from "./number.js";
import type { Position } from "./position.js";
import { peeked, type Row, type RowSource, type TextOptions } from "./rows.js";
import { type ByteSource, linesOf } from "./source.js";

export type DelimitedFormat = "csv" | "tsv" | "text";

const WHITESPACE = /[ \t]+/;

type CsvParse = (input: string, options: { delimiter: string; relax_column_count: boolean; skip_empty_lines: boolean }) => unknown;
/** csv-parse, loaded on the first quoted line (plain numeric files never need it). */
let parseCsv: CsvParse | undefined;

/** Splits one record (which may span lines when a quoted field holds a newline). */
function fieldsOf(line: string, format: DelimitedFormat, delimiter: string, at: Position): string[] {
  if (format === "text") return line.trim().split(WHITESPACE);
  if (!line.includes('"')) return line.split(delimiter);
  if (!parseCsv) throw new Error("csv-parse is not loaded");
  try {
    const records = parseCsv(line, { delimiter, relax_column_count: true, skip_empty_lines: false }) as string[][];
    if (records.length !== 1) throw new DataError("a quoted field is not closed", at);
    return records[0] as string[];
  } catch (e) {
    if (e instanceof DataError) throw e;
    const err = e as Error & { code?: string; column?: number };
    throw new DataError(`malformed CSV: ${err.message.replace(/^Invalid Record Length: |^[A-Za-z ]*Error: /, "")}`, at);
  }
}

/** True when a record of a quoted CSV is not complete yet (an odd number of quotes so far). */
function openQuote(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

/** Opens a CSV/TSV/text source: reads the header (if any) and the first row before returning. */
export async function openDelimited(bytes: ByteSource, format: DelimitedFormat, options: TextOptions = {}): Promise<RowSource> {
  const delimiter = format === "tsv" ? "\t" : (options.delimiter ?? ",");
  const headerOption = options.header ?? "auto";
  const labelOption = options.label;
  const labelNumber = labelOption !== undefined && /^[1-9]\d*$/.test(labelOption) ? Number(labelOption) - 1 : undefined;
  const meta: Omit<RowSource, "rows"> = { name: bytes.name, format, rank: 2, float32: false, bytesRead: bytes.bytesRead };
  if (bytes.size !== undefined) meta.totalBytes = bytes.size;
  let labelIndex: number | undefined = labelNumber;
  let width = -1;
  let widthLine = 0;
  let header: string[] | undefined;

  async function* rows(): AsyncGenerator<Row> {
    let rowNumber = 0;
    let pending = "";
    let pendingLine = 0;
    for await (const [text, line] of linesOf(bytes)) {
      let record = text;
      let startLine = line;
      if (pending !== "") {
        record = `${pending}\n${text}`;
        startLine = pendingLine;
      } else if (record.trim() === "" || (format === "text" && record.trimStart().startsWith("#"))) {
        continue;
      }
      if (format !== "text" && record.includes('"') && openQuote(record)) {
        if (pending === "") pendingLine = line;
        pending = record;
        continue;
      }
      pending = "";
      if (!parseCsv && format !== "text" && record.includes('"')) parseCsv = (await import("csv-parse/sync")).parse as CsvParse;
      const at: Position = { source: bytes.name, line: startLine };
      const fields = fieldsOf(record, format, delimiter, at);
      if (header === undefined && rowNumber === 0 && width === -1) {
        const isHeader = headerOption === "auto" ? fields.every((f) => f.trim() !== "" && numberOf(f.trim()) === undefined) : headerOption;
        if (isHeader) {
          header = fields.map((f) => f.trim());
          if (labelOption !== undefined && labelNumber === undefined) {
            labelIndex = header.indexOf(labelOption);
            if (labelIndex === -1) throw new UsageError(`--label ${labelOption}: no such column in the header of ${bytes.name} (${header.join(", ")})`);
          }
          if (labelIndex !== undefined && labelIndex >= header.length) {
            throw new UsageError(`--label ${labelOption}: ${bytes.name} has only ${header.length} columns`);
          }
          meta.columns = header.filter((_, i) => i !== labelIndex);
          if (labelIndex !== undefined) meta.labelColumn = header[labelIndex] as string;
          width = header.length;
          widthLine = startLine;
          continue;
        }
        if (labelOption !== undefined && labelNumber === undefined) {
          throw new UsageError(`--label ${labelOption} names a column, but ${bytes.name} has no header line (use a column number, e.g. --label 5)`);
        }
        if (labelIndex !== undefined) meta.labelColumn = `column ${labelIndex + 1}`;
      }
      if (width === -1) {
        width = fields.length;
        widthLine = startLine;
        if (labelIndex !== undefined && labelIndex >= width) throw new UsageError(`--label ${labelOption}: ${bytes.name} has only ${width} columns`);
      } else if (fields.length !== width) {
        throw new DataError(
          `ragged row: ${fields.length} ${fields.length === 1 ? "value" : "values"}, expected ${width} like line ${widthLine}${header ? " (the header)" : ""}`,
          at,
        );
      }
      const n = labelIndex === undefined ? width : width - 1;
      const values = new Float64Array(n);
      let label: string | undefined;
      let k = 0;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i] as string;
        if (i === labelIndex) {
          label = f.trim();
          continue;
        }
        const v = numberOf(f);
        if (v !== undefined) {
          values[k++] = v;
          continue;
        }
        // Slow path: spaces around the number are allowed; anything else is an error naming the field.
        const t = f.trim();
        // On the first data row, a column of names is probably a label column: say how to name it.
        const hint = labelIndex === undefined && rowNumber === 0 && t !== "" && numberOf(t) === undefined ? " (a label column? name it with --label)" : "";
        values[k++] = parseNumber(t, () => ({ source: bytes.name, line: startLine, column: i + 1 }), hint);
      }
      const row: Row = { values, index: [rowNumber++], at };
      if (label !== undefined) row.label = label;
      yield row;
    }
    if (pending !== "")
      throw new DataError("malformed CSV: a quoted field is not closed before the end of the file", { source: bytes.name, line: pendingLine });
  }
  return peeked(meta, rows());
}
