/**
 * Input loaders, reusable by every command (`softmax`, `train`, `predict`, ...).
 *
 * ```ts
 * import { openInput } from "../io/index.js";
 * const source = await openInput({ path: "data.csv", label: "species" });
 * for await (const row of source.rows) use(row.values, row.label, row.at);
 * ```
 *
 * Every loader streams row by row (bounded memory) and throws {@link DataError}s that name
 * file, line and column (or argument position, or byte offset for binary formats).
 */
import { extname } from "node:path";
import type { Readable } from "node:stream";
import { UsageError } from "../errors.js";
import { openArgs } from "./args.js";
import { openDelimited } from "./delimited.js";
import { openJson } from "./json.js";
import { NPY_MAGIC, openNpy, openRawFloat32 } from "./npy.js";
import { INPUT_FORMATS, type InputFormat, type RowSource, type TextOptions } from "./rows.js";
import { type ByteSource, openBytes } from "./source.js";

export { openArgs } from "./args.js";
export { openDelimited } from "./delimited.js";
export { openJson } from "./json.js";
export { indexOfRow, npyHeader, openNpy, openRawFloat32, parseNpyHeader } from "./npy.js";
export { numberOf, parseNumber } from "./number.js";
export { formatPosition, type Position } from "./position.js";
export { INPUT_FORMATS, type InputFormat, type Row, type RowSource, type TextOptions } from "./rows.js";
export { type ByteSource, linesOf, openBytes } from "./source.js";

/** What to open. */
export interface InputSpec extends TextOptions {
  /** A file path, or `-` for stdin. Ignored when `args` has numbers. */
  path?: string;
  /** Numbers given on the command line. */
  args?: readonly string[];
  /** Force a format instead of guessing from the extension or the content. */
  format?: InputFormat;
  /** Values per row for raw float32 input (default: the whole input is one row). */
  width?: number;
  /** Where stdin comes from (tests). */
  stdin?: Readable;
}

const EXTENSIONS: Record<string, InputFormat> = {
  ".json": "json",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
  ".csv": "csv",
  ".tsv": "tsv",
  ".tab": "tsv",
  ".txt": "text",
  ".dat": "text",
  ".npy": "npy",
  ".f32": "f32",
  ".bin": "f32",
  ".raw": "f32",
};

/** The format of a file by its extension, or undefined. */
export function formatOfPath(path: string): InputFormat | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

/** Guesses the format from the first bytes (stdin, unknown extensions). */
export function sniffFormat(head: Buffer): InputFormat {
  if (head.length >= 6 && head.subarray(0, 6).equals(NPY_MAGIC)) return "npy";
  const text = head.toString("utf8").replace(/^\ufeff/, "");
  const start = text.search(/\S/);
  if (start === -1) return "text";
  const trimmed = text.slice(start);
  if (trimmed[0] === "[") {
    // One array per line (and more than one line) → NDJSON.
    const firstLine = trimmed.split("\n", 1)[0] as string;
    let depth = 0;
    for (const ch of firstLine) depth += ch === "[" ? 1 : ch === "]" ? -1 : 0;
    return depth === 0 && trimmed.slice(firstLine.length).trim().startsWith("[") ? "ndjson" : "json";
  }
  const firstLine = trimmed.split("\n", 1)[0] as string;
  if (firstLine.includes("\t")) return "tsv";
  if (firstLine.includes(",")) return "csv";
  return "text";
}

/** Replays `head` before the rest of `bytes`. */
function withHead(bytes: ByteSource, head: Buffer, rest: AsyncIterator<Buffer>): ByteSource {
  const source: ByteSource = {
    name: bytes.name,
    bytesRead: bytes.bytesRead,
    chunks: {
      [Symbol.asyncIterator]: async function* () {
        if (head.length > 0) yield head;
        for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
      },
    },
  };
  if (bytes.size !== undefined) source.size = bytes.size;
  return source;
}

/** Opens an input for reading rows: numbers from `args`, or a file / stdin in a given or guessed format. */
export async function openInput(spec: InputSpec): Promise<RowSource> {
  if (spec.format !== undefined && !(INPUT_FORMATS as readonly string[]).includes(spec.format)) {
    throw new UsageError(`--input-format ${spec.format}: expected one of ${INPUT_FORMATS.join(", ")}`);
  }
  if (spec.args && spec.args.length > 0) return openArgs(spec.args);
  if (spec.format === "args") throw new UsageError("--input-format args needs numbers as arguments");
  const path = spec.path ?? "-";
  let bytes = await openBytes(path, spec.stdin);
  let format = spec.format ?? (path === "-" ? undefined : formatOfPath(path));
  if (format === undefined) {
    const it = bytes.chunks[Symbol.asyncIterator]();
    const first = await it.next();
    const head = first.done ? Buffer.alloc(0) : first.value;
    format = sniffFormat(head);
    bytes = withHead(bytes, head, it);
  }
  switch (format) {
    case "json":
    case "ndjson":
      return openJson(bytes, format);
    case "csv":
    case "tsv":
    case "text":
      return openDelimited(bytes, format, spec);
    case "npy":
      return openNpy(bytes);
    case "f32":
      return openRawFloat32(bytes, spec.width);
    case "args":
      return openArgs([]);
  }
}
