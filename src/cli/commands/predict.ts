/**
 * `softmax predict model.json data.csv`: the class of each row under a model file written by
 * `softmax train` (or `JSON.stringify(model)`), with its probability; `--min-probability` or
 * `--max-entropy` answer "none of the above" when the model is not confident. Columns are
 * matched to the model's features by header name when both have names, else by position.
 * With `--label`, the accuracy on the labelled rows is reported on stderr.
 */
import { readFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { SoftmaxClassifier, SoftmaxError } from "../../index.js";
import { type CliContext, useColor } from "../context.js";
import { DataError, UsageError } from "../errors.js";
import { addOptions, type OptionValues } from "../options.js";
import { Sink } from "../output/sink.js";
import { columns, styles } from "../output/table.js";
import { numberIn, readTable } from "./classifier-io.js";
import type { CliCommand } from "./types.js";

const FORMATS = ["table", "csv", "tsv", "json", "ndjson"] as const;

interface PredictOptions extends OptionValues {
  minProbability?: number;
  maxEntropy?: number;
  all?: boolean;
  none: string;
}

/** Loads and validates a model file; every problem is a data error naming the file. */
export async function loadModel(path: string): Promise<SoftmaxClassifier> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new DataError(`cannot read the model file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { source: path });
  }
  try {
    return SoftmaxClassifier.fromJSON(text);
  } catch (e) {
    if (e instanceof SoftmaxError) throw new DataError(`not a usable model file: ${e.message.replace(/^[A-Za-z.]+: /, "")}`, { source: path });
    throw e;
  }
}

function csvField(s: string, delimiter: string): string {
  return s.includes(delimiter) || s.includes('"') || s.includes("\n") ? `"${s.replace(/"/g, '""')}"` : s;
}

export const predictCommand: CliCommand = {
  name: "predict",
  description: "classify the rows of a CSV with a model file from `softmax train`; optionally answer 'none of the above'",
  configure(cmd: Command) {
    cmd.argument("<model>", "model file (JSON, written by softmax train)");
    cmd.argument("[data]", "CSV/TSV/text file of feature rows, or - for stdin");
    addOptions(cmd, ["input", "digits", "color"]);
    cmd.addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("table"));
    cmd.option(
      "--min-probability <p>",
      "abstain ('none of the above') when the largest probability is below p",
      numberIn("--min-probability", (v) => v >= 0 && v <= 1, "a number in [0, 1]"),
    );
    cmd.option(
      "--max-entropy <h>",
      "abstain when the entropy of the probabilities (nats) is above h",
      numberIn("--max-entropy", (v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0"),
    );
    cmd.option("--all", "also print the probability of every class");
    cmd.option("--none <text>", "what an abstention prints in table/csv/tsv output (json gives null)", "none of the above");
    cmd.addHelpText(
      "after",
      `
Examples:
  softmax predict model.json new.csv
  softmax predict model.json new.csv --min-probability 0.9 --all -f csv > predictions.csv
  softmax predict model.json test.csv --label species      (also reports the accuracy)`,
    );
  },
  async run(operands, raw, ctx: CliContext) {
    const o = raw as unknown as PredictOptions & { format?: (typeof FORMATS)[number] };
    const [modelPath, dataPath, ...rest] = operands;
    if (modelPath === undefined) throw new UsageError("give the model file: softmax predict model.json data.csv");
    if (rest.length > 0) throw new UsageError(`one data file at a time (got ${[dataPath, ...rest].join(" ")})`);
    if (o.minProbability !== undefined && o.maxEntropy !== undefined) throw new UsageError("give --min-probability or --max-entropy, not both");
    const model = await loadModel(modelPath);
    const table = await readTable(dataPath, o, ctx);
    const d = model.nFeatures;
    const names = model.featureNames;
    const header = table.source.columns;
    // Column j of the model ← column map[j] of the data.
    let map: number[];
    if (names && header) {
      map = names.map((n) => {
        const i = header.indexOf(n);
        if (i === -1) {
          throw new DataError(`no column "${n}": the model was trained on ${names.join(", ")}; the data has ${header.join(", ")}`, {
            source: table.source.name,
          });
        }
        return i;
      });
    } else {
      if (table.cols !== d) {
        throw new DataError(`rows have ${table.cols} feature values but the model takes ${d}${names ? ` (${names.join(", ")})` : ""}`, table.at[0]);
      }
      map = Array.from({ length: d }, (_, j) => j);
    }
    const X = new Float64Array(table.rows * d);
    for (let r = 0; r < table.rows; r++) for (let j = 0; j < d; j++) X[r * d + j] = table.data[r * table.cols + (map[j] as number)] as number;
    const abstain =
      o.minProbability !== undefined ? { minProbability: o.minProbability } : o.maxEntropy !== undefined ? { maxEntropy: o.maxEntropy } : undefined;
    let probabilities: number[][];
    let predicted: (string | number | null)[];
    try {
      const input = { data: X, shape: [table.rows, d] };
      probabilities = model.predictProba(input);
      predicted = abstain ? model.predict(input, { abstain }) : model.predict(input);
    } catch (e) {
      if (e instanceof SoftmaxError) {
        const row = /X\[(\d+)\]/.exec(e.message);
        throw new DataError(e.message.replace(/^[A-Za-z.]+: /, ""), row ? table.at[Number(row[1])] : { source: table.source.name });
      }
      throw e;
    }

    const classes = model.classes.map(String);
    const labelled = table.labels.some((l) => l !== undefined);
    const format = o.format ?? "table";
    const digits = o.digits;
    const num = (v: number) => (digits === undefined ? (format === "table" ? v.toFixed(4) : String(v)) : v.toFixed(digits));
    const sink = new Sink(ctx.stdout);
    const head = [
      "row",
      ...(labelled ? [table.source.labelColumn ?? "label"] : []),
      "predicted",
      "probability",
      ...(o.all ? classes.map((c) => `p(${c})`) : []),
    ];
    const cells = (r: number): string[] => {
      const p = probabilities[r] as number[];
      const pred = predicted[r];
      return [
        String(r + 1),
        ...(labelled ? [table.labels[r] ?? ""] : []),
        pred === null ? o.none : String(pred),
        num(Math.max(...p)),
        ...(o.all ? p.map(num) : []),
      ];
    };
    if (format === "table") {
      const st = styles(useColor(o.color, ctx.stdout, ctx.env));
      const rows = [head.map((h) => st.dim(h))];
      for (let r = 0; r < table.rows; r++) {
        const c = cells(r);
        rows.push(predicted[r] === null ? c.map((s) => st.dim(s)) : labelled && table.labels[r] !== String(predicted[r]) ? c.map((s) => st.red(s)) : c);
      }
      for (const line of columns(rows, `r${labelled ? "l" : ""}lr${o.all ? "r".repeat(classes.length) : ""}`)) {
        const p = sink.write(`${line}\n`);
        if (p) await p;
      }
    } else if (format === "csv" || format === "tsv") {
      const sep = format === "csv" ? "," : "\t";
      sink.write(`${head.map((h) => csvField(h, sep)).join(sep)}\n`);
      for (let r = 0; r < table.rows; r++) {
        const p = sink.write(
          `${cells(r)
            .map((s) => csvField(s, sep))
            .join(sep)}\n`,
        );
        if (p) await p;
      }
    } else {
      const objects = (r: number) => {
        const p = probabilities[r] as number[];
        const obj: Record<string, unknown> = { row: r + 1 };
        if (labelled) obj["label"] = table.labels[r] ?? null;
        obj["predicted"] = predicted[r];
        obj["probability"] = Math.max(...p);
        if (o.all) obj["probabilities"] = Object.fromEntries(classes.map((c, i) => [c, p[i]]));
        return JSON.stringify(obj);
      };
      if (format === "ndjson") {
        for (let r = 0; r < table.rows; r++) {
          const p = sink.write(`${objects(r)}\n`);
          if (p) await p;
        }
      } else {
        sink.write("[");
        for (let r = 0; r < table.rows; r++) {
          const p = sink.write(`${r > 0 ? "," : ""}\n  ${objects(r)}`);
          if (p) await p;
        }
        sink.write("\n]\n");
      }
    }
    await sink.flush();
    if (labelled) {
      let right = 0;
      let answered = 0;
      table.labels.forEach((l, r) => {
        if (predicted[r] === null) return;
        answered++;
        if (l === String(predicted[r])) right++;
      });
      const abst = table.rows - answered;
      ctx.stderr.write(
        `accuracy ${(answered === 0 ? Number.NaN : (100 * right) / answered).toFixed(2)} % (${right}/${answered})${abstain ? `, abstained on ${abst} of ${table.rows} rows` : ""}\n`,
      );
    }
  },
};
