/**
 * The streaming loop shared by the operation commands: rows in → results out, with the progress
 * bar, backpressure, and a clear message when it stops early (where, and how much was written).
 */
import { SoftmaxError } from "../index.js";
import type { CliContext } from "./context.js";
import { DataError, UsageError } from "./errors.js";
import type { Row, RowSource } from "./io/rows.js";
import type { ResultWriter, RowResult } from "./output/results.js";
import { Sink } from "./output/sink.js";
import { startProgress } from "./progress.js";

/** How rows become results, and how the writer is made once the first row is known. */
export interface Pipeline {
  /** Called once with the first row (or with the declared shape's width when there are no rows): checks options against the data, makes the writer. */
  open(width: number, sink: Sink): ResultWriter;
  /** The result for one row. Library errors become data errors at the row's position. */
  compute(row: Row): RowResult;
}

/** Library errors about the data (not options) become {@link DataError}s naming the row. */
export function atRow(e: unknown, row: Row): unknown {
  if (e instanceof SoftmaxError) {
    if (e.code === "INVALID_OPTION" || e.code === "INVALID_AXIS") return new UsageError(e.message);
    return new DataError(e.message.replace(/^[A-Za-z]+: /, ""), row.at);
  }
  return e;
}

/** Runs `pipeline` over every row of `source`, writing to ctx.stdout. */
export async function runPipeline(source: RowSource, pipeline: Pipeline, ctx: CliContext, progressFlag: boolean | undefined): Promise<void> {
  const sink = new Sink(ctx.stdout);
  const progress = await startProgress(source, ctx.stderr, progressFlag, ctx.stdout.isTTY === true);
  let writer: ResultWriter | undefined;
  let rows = 0;
  let row: Row | undefined;
  try {
    for await (row of source.rows) {
      writer ??= pipeline.open(row.values.length, sink);
      let result: RowResult;
      try {
        result = pipeline.compute(row);
      } catch (e) {
        throw atRow(e, row);
      }
      const p = writer.row(result, row);
      if (p) await p;
      rows++;
      if (sink.closed) break;
      progress.tick();
    }
    if (!writer) {
      if (!source.shape) throw new DataError("empty input: no rows of numbers", { source: source.name });
      writer = pipeline.open(source.shape[source.shape.length - 1] ?? 0, sink);
    }
    await writer.end();
    progress.stop();
  } catch (e) {
    progress.stop();
    await writer?.abort?.();
    await sink.flush();
    if (rows > 0 && e instanceof DataError) {
      throw new DataError(`${e.reason}\nstopped there: ${rows} ${rows === 1 ? "row was" : "rows were"} written before it, the output is incomplete`, e.at);
    }
    throw e;
  }
}
