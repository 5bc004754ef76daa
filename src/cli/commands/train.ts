/**
 * `softmax train data.csv --label species [--out model.json]`: trains a SoftmaxClassifier on a
 * CSV/TSV/text table (one column of class labels, the rest numeric features) and writes the
 * model file (version 1, see src/classifier/modelFile.ts). The report goes to stdout, or to
 * stderr when the model itself goes to stdout (no --out).
 */
import { writeFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { SoftmaxClassifier, SoftmaxError, stratifiedSplit } from "../../index.js";
import type { CliContext } from "../context.js";
import { DataError, UsageError } from "../errors.js";
import { addOptions, type OptionValues } from "../options.js";
import { integerFrom, numberIn, readTable } from "./classifier-io.js";
import type { CliCommand } from "./types.js";

interface TrainOptions extends OptionValues {
  out?: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  l2?: number;
  optimizer?: "adam" | "sgd";
  seed?: number;
  validationSplit?: number;
  patience?: number;
  calibrate?: boolean;
}

export const trainCommand: CliCommand = {
  name: "train",
  description: "train a softmax classifier (multinomial logistic regression) on a CSV with a label column; writes a model file",
  configure(cmd: Command) {
    cmd.argument("[data]", "CSV/TSV/text file with a header, or - for stdin");
    addOptions(cmd, ["input"]);
    cmd.option("-o, --out <file>", "write the model here (default: stdout, with the report on stderr)");
    cmd.option("--epochs <n>", "passes over the training rows", integerFrom("--epochs", 1), 200);
    cmd.option("--batch-size <n>", "rows per gradient step", integerFrom("--batch-size", 1), 32);
    cmd.option(
      "--learning-rate <r>",
      "step size (default 0.01 for adam, 0.1 for sgd)",
      numberIn("--learning-rate", (v) => v > 0 && Number.isFinite(v), "a finite number > 0"),
    );
    cmd.option(
      "--l2 <lambda>",
      "L2 penalty on the weights",
      numberIn("--l2", (v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0"),
      1e-4,
    );
    cmd.addOption(new Option("--optimizer <name>", "optimizer").choices(["adam", "sgd"]).default("adam"));
    cmd.option("--seed <n>", "seed of the shuffles and splits (same seed, same model)", integerFrom("--seed", 0), 0);
    cmd.option(
      "--validation-split <f>",
      "hold out this fraction of each class (stratified) for early stopping",
      numberIn("--validation-split", (v) => v > 0 && v < 1, "a number in (0, 1)"),
    );
    cmd.option("--patience <n>", "early stopping: epochs without improvement of the validation loss", integerFrom("--patience", 1), 20);
    cmd.option("--calibrate", "fit the temperature on the validation rows (needs --validation-split)");
    cmd.addHelpText(
      "after",
      `
Examples:
  softmax train iris.csv --label species --out model.json
  softmax train iris.csv --label species --validation-split 0.2 --calibrate --seed 1 -o model.json
  softmax predict model.json new.csv`,
    );
  },
  async run(operands, raw, ctx: CliContext) {
    const o = raw as TrainOptions;
    if (o.label === undefined) throw new UsageError("--label <column> is required: the column that holds the classes");
    if (operands.length > 1) throw new UsageError(`one data file at a time (got ${operands.join(" ")})`);
    if (o.calibrate && o.validationSplit === undefined)
      throw new UsageError("--calibrate needs --validation-split: the temperature is fitted on held-out rows");
    const table = await readTable(operands[0], o, ctx);
    const labels = table.labels.map((l, i) => {
      if (l === undefined || l === "") throw new DataError("missing class label", table.at[i]);
      return l;
    });
    let trainRows = Array.from({ length: table.rows }, (_, i) => i);
    let validationRows: number[] = [];
    if (o.validationSplit !== undefined) {
      const s = stratifiedSplit(labels, { testFraction: o.validationSplit, seed: o.seed ?? 0 });
      trainRows = s.train;
      validationRows = s.test;
    }
    const pick = (idx: number[]) => {
      const data = new Float64Array(idx.length * table.cols);
      idx.forEach((r, i) => {
        data.set(table.data.subarray(r * table.cols, (r + 1) * table.cols), i * table.cols);
      });
      return { X: { data, shape: [idx.length, table.cols] }, y: idx.map((r) => labels[r] as string) };
    };
    const train = pick(trainRows);
    const validation = pick(validationRows);
    const model = new SoftmaxClassifier<string>();
    try {
      model.fit(train.X, train.y, {
        epochs: o.epochs ?? 200,
        batchSize: o.batchSize ?? 32,
        ...(o.learningRate !== undefined ? { learningRate: o.learningRate } : {}),
        l2: o.l2 ?? 1e-4,
        optimizer: o.optimizer ?? "adam",
        seed: o.seed ?? 0,
        ...(validationRows.length > 0 ? { validationData: validation, earlyStopping: { patience: o.patience ?? 20 } } : {}),
        ...(table.source.columns ? { featureNames: table.source.columns } : {}),
      });
    } catch (e) {
      if (e instanceof SoftmaxError && e.code !== "INVALID_OPTION") throw new DataError(e.message.replace(/^[A-Za-z.]+: /, ""), { source: table.source.name });
      throw e;
    }
    const report: string[] = [];
    const info = model.training as { epochsRun: number; bestEpoch: number };
    report.push(
      `trained on ${trainRows.length} rows of ${table.source.name}: ${table.cols} features${table.source.columns ? ` (${table.source.columns.join(", ")})` : ""}, ${model.classes.length} classes (${model.classes.join(", ")})`,
      `epochs run ${info.epochsRun}${validationRows.length > 0 ? `, best validation loss at epoch ${info.bestEpoch}` : ""}`,
      `training accuracy ${(100 * model.score(train.X, train.y)).toFixed(2)} %, log-loss ${model.logLoss(train.X, train.y).toFixed(4)}`,
    );
    if (validationRows.length > 0) {
      report.push(
        `validation (${validationRows.length} rows): accuracy ${(100 * model.score(validation.X, validation.y)).toFixed(2)} %, log-loss ${model.logLoss(validation.X, validation.y).toFixed(4)}`,
      );
      if (o.calibrate) {
        const c = model.calibrate(validation.X, validation.y);
        report.push(
          c.applied
            ? `temperature ${c.temperature.toPrecision(6)} (validation log-loss ${c.nllAtOne.toFixed(4)} → ${c.nll.toFixed(4)})`
            : `temperature left at 1: the validation rows are all classified correctly, so their log-loss has no finite minimiser`,
        );
      }
    }
    const text = `${JSON.stringify(model, null, 2)}\n`;
    if (o.out !== undefined) {
      await writeFile(o.out, text);
      report.push(`wrote ${o.out}`);
      ctx.stdout.write(`${report.join("\n")}\n`);
    } else {
      ctx.stderr.write(`${report.join("\n")}\n`);
      ctx.stdout.write(text);
    }
  },
};
