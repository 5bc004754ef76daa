/**
 * `--format json`: one JSON document shaped like the input (nested by the outer axes), written as rows
 * arrive. `--format ndjson`: one JSON value per row and line. Leaves by result kind:
 *
 * | kind | leaf |
 * |---|---|
 * | vector (softmax, log-softmax, sigmoid) | `[0.012, 0.089, ...]` |
 * | scalar (logsumexp) | `3.44` |
 * | index (argmax) | `1`, or `{"index": 1, "label": "dog"}` when class labels are known |
 * | ranked (top-k) | `{"indices": [1, 0], "labels": ["dog", "cat"], "probabilities": [0.63, 0.19]}` |
 *
 * Non-finite numbers are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 */
import type { Row } from "../io/rows.js";
import { joinNumbers, jsonNumber } from "./numbers.js";
import type { OutputContext, ResultWriter, RowResult } from "./results.js";
import type { Sink } from "./sink.js";

/** A row of finite numbers (no -0) without --digits: `[...]` via the fast path; undefined otherwise. */
function plainRow(values: ArrayLike<number>, ctx: OutputContext): string | undefined {
  if (ctx.digits !== undefined || ctx.float32) return undefined;
  const text = joinNumbers(values, ",", undefined, false);
  return text.includes("NaN") || text.includes("Infinity") ? undefined : `[${text}]`;
}

/** The JSON text of one row's result. */
export function jsonLeaf(result: RowResult, ctx: OutputContext): string {
  const num = (v: number) => jsonNumber(v, ctx.digits, ctx.float32);
  const list = (a: ArrayLike<number>, f: (v: number) => string) => {
    let s = "[";
    for (let i = 0; i < a.length; i++) s += (i > 0 ? "," : "") + f(a[i] as number);
    return `${s}]`;
  };
  switch (result.kind) {
    case "vector":
      return plainRow(result.values, ctx) ?? list(result.values, num);
    case "scalar":
      return num(result.value);
    case "index": {
      const i = result.index;
      if (!ctx.classLabels) return Number.isNaN(i) ? "null" : String(i);
      return Number.isNaN(i) ? '{"index":null,"label":null}' : `{"index":${i},"label":${JSON.stringify(ctx.classLabels[i])}}`;
    }
    case "ranked": {
      const labels = ctx.classLabels;
      const names = labels ? `"labels":[${Array.from(result.indices, (i) => JSON.stringify(labels[i])).join(",")}],` : "";
      return `{"indices":${list(result.indices, String)},${names}"probabilities":${list(result.values, num)}}`;
    }
  }
}

export function jsonWriter(ctx: OutputContext, sink: Sink): ResultWriter {
  let prev: number[] | null = null;
  return {
    row(result: RowResult, input: Row) {
      const index = input.index;
      let s: string;
      if (prev === null) s = "[".repeat(index.length);
      else {
        let d = 0;
        while (d < index.length && index[d] === prev[d]) d++;
        const depth = index.length - d - 1;
        // Rows of arrays or objects go one per line; scalars of the innermost axis stay on one line.
        const newline = depth > 0 || result.kind === "vector" || result.kind === "ranked" || (result.kind === "index" && ctx.classLabels !== undefined);
        s = `${"]".repeat(depth)},${newline ? "\n" : ""}${"[".repeat(depth)}`;
      }
      prev = index;
      return sink.write(`${s}${jsonLeaf(result, ctx)}`);
    },
    async end() {
      if (prev === null) sink.write(ctx.rank > 1 ? "[]\n" : "null\n");
      else sink.write(`${"]".repeat(prev.length)}\n`);
      await sink.flush();
    },
  };
}

export function ndjsonWriter(ctx: OutputContext, sink: Sink): ResultWriter {
  return {
    row(result: RowResult) {
      return sink.write(`${jsonLeaf(result, ctx)}\n`);
    },
    end: () => sink.flush(),
  };
}
