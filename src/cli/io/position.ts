/** Where a value came from, for error messages: `line 12, column 4 of logits.csv`, `argument 3`, `byte 128 of x.npy`. */
export interface Position {
  /** The file name as given, `stdin`, or `arguments`. */
  source: string;
  /** 1-based line (text formats). */
  line?: number;
  /** 1-based column: the field number for CSV/TSV/text, the character for JSON/NDJSON. */
  column?: number;
  /** 1-based position among the numbers given as arguments. */
  argument?: number;
  /** 0-based byte offset (binary formats). */
  byte?: number;
}

/** `line 12, column 4 of logits.csv` / `argument 3` / `byte 128 of x.npy` / `x.json`. */
export function formatPosition(at: Position): string {
  if (at.argument !== undefined) return `argument ${at.argument}`;
  const parts: string[] = [];
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  if (at.column !== undefined) parts.push(`column ${at.column}`);
  if (at.byte !== undefined) parts.push(`byte ${at.byte}`);
  return parts.length === 0 ? at.source : `${parts.join(", ")} of ${at.source}`;
}
