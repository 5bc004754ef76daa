/**
 * The output formats. The list is the single source of truth: the `Record` below does not
 * compile if a format lacks a writer, and commander's `--format` choices come from the list.
 */
import { delimitedWriter } from "./delimited-writer.js";
import { jsonWriter, ndjsonWriter } from "./json-writer.js";
import { npyWriter } from "./npy-writer.js";
import type { WriterFactory } from "./results.js";
import { tableWriter } from "./table.js";

export const OUTPUT_FORMATS = ["table", "json", "ndjson", "csv", "tsv", "npy"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const WRITERS: Record<OutputFormat, WriterFactory> = {
  table: tableWriter,
  json: jsonWriter,
  ndjson: ndjsonWriter,
  csv: delimitedWriter(","),
  tsv: delimitedWriter("\t"),
  npy: npyWriter,
};
