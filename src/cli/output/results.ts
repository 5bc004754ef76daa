/** What an operation gives for one input row, and what every output format needs to know. */
import type { Row } from "../io/rows.js";
import type { Sink } from "./sink.js";

/** The result for one row. */
export type RowResult =
  /** Same length as the row (softmax, log-softmax, sigmoid). */
  | { kind: "vector"; values: Float64Array | Float32Array }
  /** One number per row (logsumexp). */
  | { kind: "scalar"; value: number }
  /** One class per row (argmax); NaN when the row has no answer (NaN inside, all masked). */
  | { kind: "index"; index: number }
  /** The k best classes, best first, with their probabilities (top-k). */
  | { kind: "ranked"; indices: Int32Array; values: Float64Array | Float32Array };

/** Everything a writer needs besides the rows. */
export interface OutputContext {
  /** The operation, for headings: "softmax", "log-softmax", ... */
  op: string;
  /** The name of one result value: "probability", "log-probability", "logsumexp", "sigmoid", "class". */
  valueName: string;
  /** The name of one input value in tables: "logit", "x". */
  inputName: string;
  /** One name per position along the last axis (from --labels or the CSV header). */
  classLabels?: string[];
  /** The name of the input's label column (--label), when rows carry one. */
  labelColumn?: string;
  /** Results are float32 (npy float32 / raw float32 input). */
  float32: boolean;
  /** Decimals (--digits); undefined: round-trip exact in machine formats, 4 in tables. */
  digits?: number;
  /** ANSI colours in tables. */
  color: boolean;
  /** Rank of the input (1 for a single vector). */
  rank: number;
  /** Length of a row (n). */
  width: number;
  /** The input shape when known before reading (npy, raw, args): npy output then streams without spooling. */
  shape?: number[];
  /** Name of the input, for table headings. */
  source: string;
}

/** Writes results in one format. `row` may return a promise (backpressure): await it. */
export interface ResultWriter {
  row(result: RowResult, input: Row): Promise<void> | undefined;
  /** Finishes the document (closing brackets, npy spool copy) and flushes. */
  end(): Promise<void>;
  /** Cleans up after a failure (temporary files). */
  abort?(): Promise<void>;
}

/** Creates a writer for a context and a sink. */
export type WriterFactory = (ctx: OutputContext, sink: Sink) => ResultWriter;
