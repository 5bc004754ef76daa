/**
 * Runs the Iris experiment (experiment.ts) for seeds 0..19 and writes
 * examples/iris/sweep.json: the splits and our test figures per seed, which
 * examples/iris/sklearn_compare.py reads to fit scikit-learn on the same rows.
 *
 *   npx tsx examples/iris/sweep.ts
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runIris } from "./experiment.js";
import { formatJsonFiles } from "./format.js";

const here = dirname(fileURLToPath(import.meta.url));
interface SweepRun {
  seed: number;
  split: { train: number[]; validation: number[]; test: number[] };
  accuracy: number;
  logLoss: number;
  logLossCalibrated: number;
  ece: number;
  eceCalibrated: number;
  temperature: number;
  calibrated: boolean;
  epochsRun: number;
}
const runs: SweepRun[] = [];
for (let seed = 0; seed < 20; seed++) {
  const r = runIris(seed);
  runs.push({
    seed,
    split: r.split,
    accuracy: r.accuracy,
    logLoss: r.logLoss,
    logLossCalibrated: r.logLossCalibrated,
    ece: r.reliability.ece,
    eceCalibrated: r.reliabilityCalibrated.ece,
    temperature: r.model.temperature,
    calibrated: r.calibration.applied,
    epochsRun: r.epochsRun,
  });
  console.log(
    `seed ${String(seed).padStart(2)}: accuracy ${r.accuracy.toFixed(4)}  log-loss ${r.logLoss.toFixed(4)} → ${r.logLossCalibrated.toFixed(4)} (T ${r.model.temperature.toFixed(3)}${r.calibration.applied ? "" : ", not applied"})  ECE ${r.reliability.ece.toFixed(4)} → ${r.reliabilityCalibrated.ece.toFixed(4)}`,
  );
}
const mean = (f: (r: SweepRun) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
const summary = {
  seeds: runs.length,
  meanAccuracy: mean((r) => r.accuracy),
  minAccuracy: Math.min(...runs.map((r) => r.accuracy)),
  splitsAtLeast95: runs.filter((r) => r.accuracy >= 0.95).length,
  meanLogLoss: mean((r) => r.logLoss),
  meanLogLossCalibrated: mean((r) => r.logLossCalibrated),
  meanEce: mean((r) => r.ece),
  meanEceCalibrated: mean((r) => r.eceCalibrated),
  calibrationApplied: runs.filter((r) => r.calibrated).length,
};
console.log(summary);
writeFileSync(join(here, "sweep.json"), `${JSON.stringify({ summary, runs })}\n`);
formatJsonFiles([join(here, "sweep.json")]);
