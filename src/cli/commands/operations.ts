/**
 * The operation commands: softmax (the default), log-softmax, logsumexp, sigmoid, argmax, top-k.
 * Each one is a row function over the public API; the shared loop in `engine.ts` does the rest.
 */
import type { Command } from "commander";
import { argmax, logSoftmax, logSumExp, type SoftmaxOptions, setBackend, sigmoid, softmax, topK } from "../../index.js";
import { type CliContext, useColor } from "../context.js";
import { runPipeline } from "../engine.js";
import { DataError, UsageError } from "../errors.js";
import { openOperands } from "../input.js";
import { indexOfRow } from "../io/npy.js";
import type { Row, RowSource } from "../io/rows.js";
import { addOptions, labelsOf, type OptionName, type OptionValues } from "../options.js";
import { WRITERS } from "../output/formats.js";
import type { OutputContext, RowResult } from "../output/results.js";
import type { CliCommand } from "./types.js";

type Values = Float64Array | Float32Array;

/** What varies between the operations. */
interface Operation {
  name: string;
  description: string;
  isDefault?: boolean;
  options: OptionName[];
  valueName: string;
  inputName: string;
  /** One row → one result (the streaming path, along the last axis). */
  row(x: Values, o: OptionValues, width: number): RowResult;
  /** The whole input along another axis (reads everything into memory); undefined when the operation has no --axis. */
  tensor?(x: { data: Values; shape: number[] }, axis: number, o: OptionValues): { data: Values; shape: number[] };
}

/** The library options for softmax-like calls (temperature, mask). */
function apiOptions(o: OptionValues, where?: Uint8Array): SoftmaxOptions {
  const opts: SoftmaxOptions = {};
  if (o.temperature !== undefined) opts.temperature = o.temperature;
  const mask = where ?? o.mask;
  if (mask !== undefined) opts.where = mask;
  if (o.precision !== undefined) opts.precision = o.precision;
  return opts;
}

const ranked = (p: Values, k: number): RowResult => {
  const t = topK(p, k);
  return { kind: "ranked", indices: t.indices as Int32Array, values: t.values as Values };
};

const IO: OptionName[] = ["input", "labels", "digits", "format", "color", "progress"];

export const OPERATIONS: Operation[] = [
  {
    name: "softmax",
    description: "probabilities: e^(x_i/T) / Σ_j e^(x_j/T) along the last axis (the default command)",
    isDefault: true,
    options: [...IO, "temperature", "axis", "mask", "precision", "top"],
    valueName: "probability",
    inputName: "logit",
    row: (x, o, n) => (o.top !== undefined ? ranked(softmax(x, apiOptions(o)), Math.min(o.top, n)) : { kind: "vector", values: softmax(x, apiOptions(o)) }),
    tensor: (x, axis, o) => softmax(x, { ...apiOptions(o, undefined), axis }) as { data: Values; shape: number[] },
  },
  {
    name: "log-softmax",
    description: "log-probabilities, computed fused (never log(softmax(x))): x_i/T − log Σ_j e^(x_j/T)",
    options: [...IO, "temperature", "axis", "mask", "precision"],
    valueName: "log-probability",
    inputName: "logit",
    row: (x, o) => ({ kind: "vector", values: logSoftmax(x, apiOptions(o)) }),
    tensor: (x, axis, o) => logSoftmax(x, { ...apiOptions(o, undefined), axis }) as { data: Values; shape: number[] },
  },
  {
    name: "logsumexp",
    description: "log Σ_i e^(x_i) per row, without overflow (T · log Σ e^(x/T) with --temperature)",
    options: [...IO, "temperature", "axis", "mask", "precision"],
    valueName: "logsumexp",
    inputName: "x",
    row: (x, o) => ({ kind: "scalar", value: logSumExp(x, apiOptions(o)) as number }),
    tensor: (x, axis, o) => logSumExp(x, { ...apiOptions(o, undefined), axis }) as { data: Values; shape: number[] },
  },
  {
    name: "sigmoid",
    description: "the logistic function 1 / (1 + e^(−x)), elementwise (softmax([z, 0]) = [σ(z), 1 − σ(z)])",
    options: [...IO, "precision"],
    valueName: "sigmoid",
    inputName: "x",
    row: (x) => ({ kind: "vector", values: sigmoid(x) }),
  },
  {
    name: "argmax",
    description: "the predicted class: the index of the largest logit (ties: the first)",
    options: [...IO, "axis", "mask"],
    valueName: "class",
    inputName: "logit",
    row: (x, o) => ({ kind: "index", index: argmax(x, o.mask ? { where: o.mask } : {}) as number }),
    tensor: (x, axis, o) => {
      const r = argmax(x, { axis, ...(o.mask ? { where: o.mask } : {}) }) as { data: Float64Array; shape: number[] };
      return r;
    },
  },
  {
    name: "top-k",
    description: "the K most likely classes with their probabilities, best first (-k K, default 5)",
    options: [...IO, "top", "temperature", "mask", "precision"],
    valueName: "probability",
    inputName: "logit",
    row: (x, o, n) => ranked(softmax(x, apiOptions(o)), Math.min(o.top ?? 5, n)),
  },
];

/** Checks options that depend on the row width. */
function checkAgainstWidth(o: OptionValues, labels: string[] | undefined, width: number, axisLength: number): void {
  if (labels && labels.length !== width) {
    throw new UsageError(`--labels has ${labels.length} ${labels.length === 1 ? "name" : "names"} but rows have ${width} values`);
  }
  if (o.mask && o.mask.length !== axisLength) throw new UsageError(`--mask has ${o.mask.length} entries but the axis has ${axisLength} values`);
  if (o.top !== undefined && o.top > width) throw new UsageError(`--top ${o.top}: rows have only ${width} classes`);
}

/** Broadcasts a per-class mask along `axis` of `shape`. */
function broadcastMask(mask: Uint8Array, shape: number[], axis: number): Uint8Array {
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a] as number;
  const size = shape.reduce((a, b) => a * b, 1);
  const n = shape[axis] as number;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = mask[Math.floor(i / inner) % n] as number;
  return out;
}

/** Reads every row into one tensor (for an axis other than the last). */
async function collect(source: RowSource): Promise<{ data: Values; shape: number[]; rows: Row[] }> {
  const rows: Row[] = [];
  const max: number[] = [];
  let width = -1;
  for await (const row of source.rows) {
    rows.push(row);
    width = row.values.length;
    row.index.forEach((v, d) => {
      if (!(v < (max[d] ?? 0))) max[d] = v + 1;
    });
  }
  const shape = source.shape ?? [...max, Math.max(width, 0)];
  const size = shape.reduce((a, b) => a * b, 1);
  const data = source.float32 ? new Float32Array(size) : new Float64Array(size);
  rows.forEach((r, i) => {
    data.set(r.values, i * (width === -1 ? 0 : width));
  });
  return { data, shape, rows };
}

async function runOperation(op: Operation, operands: string[], raw: Record<string, unknown>, ctx: CliContext): Promise<void> {
  const o = raw as OptionValues;
  if (o.backend !== undefined) setBackend(o.backend);
  const source = await openOperands(operands, o, ctx);
  const labels = o.labels !== undefined ? labelsOf(o.labels) : source.columns;
  const color = useColor(o.color, ctx.stdout, ctx.env);
  const base = (rank: number, shape: number[] | undefined): Omit<OutputContext, "width"> => {
    const c: Omit<OutputContext, "width"> = {
      op: op.name,
      valueName: op.valueName,
      inputName: op.inputName,
      float32: source.float32,
      color,
      rank,
      source: source.name,
    };
    if (labels) c.classLabels = labels;
    if (source.labelColumn !== undefined) c.labelColumn = source.labelColumn;
    if (o.digits !== undefined) c.digits = o.digits;
    if (shape) c.shape = shape;
    return c;
  };
  const format = o.format ?? "table";
  const rank = source.rank;
  let axis = rank - 1;
  if (o.axis !== undefined) {
    axis = o.axis < 0 ? o.axis + rank : o.axis;
    if (axis < 0 || axis >= rank)
      throw new UsageError(`--axis ${o.axis}: the input has ${rank} ${rank === 1 ? "axis" : "axes"} (valid: ${-rank} to ${rank - 1})`);
  }
  if (axis === rank - 1) {
    await runPipeline(
      source,
      {
        open(width, sink) {
          checkAgainstWidth(o, labels, width, width);
          return WRITERS[format]({ ...base(rank, source.shape), width }, sink);
        },
        compute: (row) => op.row(row.values, o, row.values.length),
      },
      ctx,
      o.progress,
    );
    return;
  }
  // Another axis: the whole input in memory, one library call, then rows of the result.
  if (!op.tensor) throw new UsageError(`${op.name} has no --axis`);
  if (o.top !== undefined) throw new UsageError("--top works along the last axis only");
  const all = await collect(source);
  if (all.rows.length === 0 && !source.shape) throw new DataError("empty input: no rows of numbers", { source: source.name });
  checkAgainstWidth({ ...o, mask: undefined } as OptionValues, labels, all.shape[all.shape.length - 1] ?? 0, 0);
  const opts: OptionValues = { ...o };
  if (o.mask) {
    if (o.mask.length !== all.shape[axis]) throw new UsageError(`--mask has ${o.mask.length} entries but axis ${axis} has ${all.shape[axis]} values`);
    opts.mask = broadcastMask(o.mask, all.shape, axis);
  }
  const result = op.tensor({ data: all.data, shape: all.shape }, axis, opts);
  const reduced = result.shape.length < all.shape.length;
  let rows: Row[];
  let compute: (row: Row) => RowResult;
  if (!reduced) {
    // Same shape: the input rows, each with its slice of the result.
    const width = all.shape[all.shape.length - 1] as number;
    let r = 0;
    rows = all.rows;
    compute = () => ({ kind: "vector", values: result.data.subarray(r * width, ++r * width) });
  } else {
    // Reduced along `axis`: one scalar (or class) per element of the result, indexed by its position.
    rows = Array.from(result.data, (v, r) => ({ values: Float64Array.of(v), index: indexOfRow(r, result.shape), at: { source: source.name } }));
    compute = (row) => (op.name === "argmax" ? { kind: "index", index: row.values[0] as number } : { kind: "scalar", value: row.values[0] as number });
  }
  const outSource: RowSource = {
    ...source,
    rank: reduced ? result.shape.length + 1 : all.shape.length,
    shape: reduced ? [...result.shape, 1] : all.shape,
    rows: {
      [Symbol.asyncIterator]: async function* () {
        yield* rows;
      },
    },
  };
  await runPipeline(
    outSource,
    {
      open(w, sink) {
        const c: OutputContext = { ...base(outSource.rank, outSource.shape), width: w };
        if (reduced) delete c.classLabels;
        return WRITERS[format](c, sink);
      },
      compute,
    },
    ctx,
    false,
  );
}

/** The commands for the operations. */
export function operationCommand(op: Operation): CliCommand {
  return {
    name: op.name,
    description: op.description,
    ...(op.isDefault ? { isDefault: true } : {}),
    configure(cmd: Command) {
      cmd.argument("[input...]", "logits (softmax 1.3 5.1 2.2, softmax -- -1 1 2 3), or a file (.json .ndjson .csv .tsv .txt .npy .f32), or - for stdin");
      addOptions(cmd, op.options);
    },
    run: (operands, options, ctx) => runOperation(op, operands, options, ctx),
  };
}

export const [softmaxCommand, logSoftmaxCommand, logSumExpCommand, sigmoidCommand, argmaxCommand, topKCommand] = OPERATIONS.map(operationCommand) as [
  CliCommand,
  CliCommand,
  CliCommand,
  CliCommand,
  CliCommand,
  CliCommand,
];
