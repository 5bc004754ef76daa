import { describe, expect, it } from "vitest";
import { createRandom } from "../../src/family.js";
import { SoftmaxClassifier, SoftmaxError } from "../../src/index.js";

/** Three well-separated Gaussian blobs in 2-D (separable): centres (0,0), (6,0), (0,6), sd 0.5. */
function blobs(seed: number, perClass: number) {
  const rng = createRandom(seed);
  const centres = [
    [0, 0],
    [6, 0],
    [0, 6],
  ];
  const X: number[][] = [];
  const y: string[] = [];
  centres.forEach(([cx, cy], c) => {
    for (let i = 0; i < perClass; i++) {
      X.push([(cx as number) + 0.5 * rng.normal(), (cy as number) + 0.5 * rng.normal()]);
      y.push(["a", "b", "c"][c] as string);
    }
  });
  return { X, y };
}

function expectError(f: () => unknown, code: string, arg?: string | RegExp): SoftmaxError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SoftmaxError);
    const err = e as SoftmaxError;
    expect(err.code, err.message).toBe(code);
    if (typeof arg === "string") expect(err.arg + (err.path ?? "")).toBe(arg);
    else if (arg) expect(err.message).toMatch(arg);
    return err;
  }
  throw new Error("expected a SoftmaxError");
}

describe("SoftmaxClassifier: convergence", () => {
  const { X, y } = blobs(7, 40);
  const test = blobs(8, 20);

  it("separates separable data with Adam: training and test accuracy 1, loss decreasing to near 0", () => {
    const m = new SoftmaxClassifier().fit(X, y, { epochs: 200, seed: 3 });
    expect(m.score(X, y)).toBe(1);
    expect(m.score(test.X, test.y)).toBe(1);
    const h = m.history;
    expect(h).toHaveLength(200);
    expect((h[199] as { loss: number }).loss).toBeLessThan(0.02);
    expect((h[199] as { loss: number }).loss).toBeLessThan((h[0] as { loss: number }).loss / 20);
    expect(m.classes).toEqual(["a", "b", "c"]);
  });

  it("separates separable data with plain SGD", () => {
    const m = new SoftmaxClassifier().fit(X, y, { epochs: 60, optimizer: "sgd", learningRate: 0.5, seed: 3 });
    expect(m.score(test.X, test.y)).toBe(1);
    expect(m.logLoss(X, y)).toBeLessThan(0.05);
  });

  it("trains without standardisation too, and a constant feature gets no weight", () => {
    const Xc = X.map((r) => [...r, 5]);
    const m = new SoftmaxClassifier().fit(Xc, y, { epochs: 80, standardize: false, seed: 1 });
    expect(m.score(Xc, y)).toBe(1);
    const s = new SoftmaxClassifier().fit(Xc, y, { epochs: 40, seed: 1 });
    for (const row of s.weights) expect(row[2]).toBe(0);
  });

  it("reaches the L2-regularised optimum: the full-batch gradient vanishes at the end of a long full-batch run", () => {
    const m = new SoftmaxClassifier().fit(X, y, { epochs: 3000, batchSize: 1000, l2: 0.1, learningRate: 0.05, standardize: false });
    // Stationarity of mean CE + (l2/2)|W|²: Σ_i (p_i − onehot_i) x_i / n + l2 W = 0 and Σ_i (p_i − onehot_i) = 0.
    const P = m.predictProba(X);
    const W = m.weights;
    const idx = m.classIndices(y);
    for (let c = 0; c < 3; c++) {
      let gb = 0;
      const gw = [0, 0];
      P.forEach((p, i) => {
        const g = (p[c] as number) - (idx[i] === c ? 1 : 0);
        gb += g / X.length;
        gw[0] = (gw[0] as number) + (g * ((X[i] as number[])[0] as number)) / X.length;
        gw[1] = (gw[1] as number) + (g * ((X[i] as number[])[1] as number)) / X.length;
      });
      expect(Math.abs(gb)).toBeLessThan(1e-6);
      for (let j = 0; j < 2; j++) expect(Math.abs((gw[j] as number) + 0.1 * ((W[c] as number[])[j] as number))).toBeLessThan(1e-6);
    }
  });
});

describe("SoftmaxClassifier: determinism and options", () => {
  const { X, y } = blobs(11, 15);

  it("is bit-identical for the same seed and differs for another", () => {
    const a = JSON.stringify(new SoftmaxClassifier().fit(X, y, { epochs: 5, seed: 9 }));
    const b = JSON.stringify(new SoftmaxClassifier().fit(X, y, { epochs: 5, seed: 9 }));
    const c = JSON.stringify(new SoftmaxClassifier().fit(X, y, { epochs: 5, seed: 10 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("pins the seeded result (a change in shuffling, splitting or arithmetic shows here)", () => {
    const m = new SoftmaxClassifier().fit(X, y, { epochs: 3, seed: 42, batchSize: 8 });
    expect(m.bias).toMatchSnapshot();
    expect(m.weights).toMatchSnapshot();
  });

  it("onEpoch sees every epoch and stops training when it returns false", () => {
    const seen: number[] = [];
    const m = new SoftmaxClassifier().fit(X, y, {
      epochs: 50,
      onEpoch: (e) => {
        seen.push(e.epoch);
        return e.epoch < 4 ? undefined : false;
      },
    });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(m.training?.epochsRun).toBe(4);
  });

  it("early stopping keeps the parameters of the best validation epoch", () => {
    const v = blobs(12, 6);
    // Label noise in the validation rows makes the validation loss turn up while training goes on.
    const yv = v.y.map((l, i) => (i % 3 === 0 ? (l === "a" ? "b" : "a") : l));
    const m = new SoftmaxClassifier().fit(X, y, { epochs: 400, validationData: { X: v.X, y: yv }, earlyStopping: { patience: 5 }, seed: 2 });
    const info = m.training as { epochsRun: number; bestEpoch: number };
    expect(info.epochsRun).toBeLessThan(400);
    expect(info.epochsRun - info.bestEpoch).toBe(5);
    const losses = m.history.map((e) => e.validationLoss as number);
    const best = Math.min(...losses);
    expect(losses[info.bestEpoch - 1]).toBe(best);
    // Folding the standardisation into W, b changes only rounding.
    expect(Math.abs(m.logLoss(v.X, yv) - best)).toBeLessThan(1e-12 * best);
  });

  it("validationSplit holds out a stratified part and reports its loss and accuracy", () => {
    const m = new SoftmaxClassifier().fit(X, y, { epochs: 3, validationSplit: 0.2 });
    expect(m.training?.validationRows).toBe(9);
    expect(m.training?.trainingRows).toBe(36);
    for (const e of m.history) {
      expect(e.validationLoss).toBeGreaterThan(0);
      expect(e.validationAccuracy).toBeGreaterThanOrEqual(0);
    }
  });

  it("keeps classes given in options (a class absent from y still gets a column) and number labels", () => {
    const m = new SoftmaxClassifier().fit(X, y, { epochs: 3, classes: ["c", "b", "a", "z"] });
    expect(m.classes).toEqual(["c", "b", "a", "z"]);
    expect(m.predictProba([[0, 0]])[0]).toHaveLength(4);
    const n = new SoftmaxClassifier<number>().fit(
      X,
      y.map((l) => ({ a: 10, b: 2, c: 7 })[l] as number),
      { epochs: 3 },
    );
    expect(n.classes).toEqual([2, 7, 10]);
  });
});

describe("SoftmaxClassifier: prediction, temperature and abstention", () => {
  const { X, y } = blobs(21, 20);
  const m = new SoftmaxClassifier().fit(X, y, { epochs: 300 });

  it("predictProba rows are softmax of the logits; predictLogProba their logs; predict the argmax", () => {
    const z = m.logits([[3, 3]])[0] as number[];
    const p = m.predictProba([[3, 3]])[0] as number[];
    const lp = m.predictLogProba([[3, 3]])[0] as number[];
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const s = e.reduce((a, v) => a + v);
    p.forEach((v, c) => {
      expect(Math.abs(v - (e[c] as number) / s)).toBeLessThan(1e-15);
      expect(Math.abs(Math.exp(lp[c] as number) - v)).toBeLessThan(1e-15);
    });
    expect(
      m.predict([
        [0, 0],
        [6, 0],
        [0, 6],
      ]),
    ).toEqual(["a", "b", "c"]);
  });

  it("temperature 0 gives a one-hot, Infinity uniform probabilities and log-loss log k", () => {
    const t = SoftmaxClassifier.fromJSON(JSON.stringify(m));
    t.temperature = 0;
    expect(t.predictProba([[6, 0]])).toEqual([[0, 1, 0]]);
    t.temperature = Number.POSITIVE_INFINITY;
    expect(t.predictProba([[6, 0]])).toEqual([[1 / 3, 1 / 3, 1 / 3]]);
    expect(t.logLoss(X, y)).toBe(Math.log(3));
    expect(() => {
      t.temperature = -1;
    }).toThrow(SoftmaxError);
    expect(t.predict([[6, 0]])).toEqual(["a"]);
  });

  it("abstains by minProbability and by maxEntropy, and never with a threshold it always meets", () => {
    const rows = [
      [6, 0],
      [3, 3],
    ];
    const p = m.predictProba(rows);
    const conf = p.map((r) => Math.max(...r));
    expect(conf[0]).toBeGreaterThan(0.95);
    expect(conf[1]).toBeLessThan(0.75);
    expect(m.predict(rows, { abstain: { minProbability: 0.9 } })).toEqual(["b", null]);
    expect(m.predict(rows, { abstain: { minProbability: conf[1] as number } })).toEqual(["b", "c"]);
    expect(m.predict(rows, { abstain: { minProbability: 0 } })).toEqual(m.predict(rows));
    expect(m.predict(rows, { abstain: { minProbability: Number.POSITIVE_INFINITY } })).toEqual([null, null]);
    const h = p.map((r) => -r.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0));
    expect(m.predict(rows, { abstain: { maxEntropy: ((h[0] as number) + (h[1] as number)) / 2 } })).toEqual(["b", null]);
  });

  it("an input far from every class is still answered with confidence (softmax cannot say 'none of these')", () => {
    const far = [[400, -900]];
    expect(Math.max(...(m.predictProba(far)[0] as number[]))).toBeGreaterThan(0.999);
    expect(m.predict(far, { abstain: { minProbability: 0.99 } })[0]).not.toBeNull();
  });

  it("score is the accuracy and predict of zero rows is empty", () => {
    expect(m.score(X, y)).toBe(1);
    expect(m.predict({ data: new Float64Array(0), shape: [0, 2] })).toEqual([]);
  });
});

describe("SoftmaxClassifier: the model file", () => {
  const { X, y } = blobs(31, 10);
  const m = new SoftmaxClassifier().fit(X, y, { epochs: 10, featureNames: ["x", "y"] });
  m.temperature = 0.75;
  const text = JSON.stringify(m);

  it("round-trips bit for bit: parameters, classes, names, temperature, predictions", () => {
    const r = SoftmaxClassifier.fromJSON(text);
    expect(JSON.stringify(r)).toBe(text);
    expect(r.weights).toEqual(m.weights);
    expect(r.bias).toEqual(m.bias);
    for (let c = 0; c < 3; c++) {
      (r.weights[c] as number[]).forEach((v, j) => {
        expect(Object.is(v, (m.weights[c] as number[])[j])).toBe(true);
      });
    }
    expect(r.predictProba(X)).toEqual(m.predictProba(X));
    expect(r.featureNames).toEqual(["x", "y"]);
    expect(r.temperature).toBe(0.75);
    expect(SoftmaxClassifier.fromJSON(JSON.parse(text)).classes).toEqual(["a", "b", "c"]);
    const inf = SoftmaxClassifier.fromJSON(text);
    inf.temperature = Number.POSITIVE_INFINITY;
    expect(SoftmaxClassifier.fromJSON(JSON.stringify(inf)).temperature).toBe(Number.POSITIVE_INFINITY);
  });

  it("has the documented version-1 layout", () => {
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(["format", "version", "classes", "features", "featureNames", "weights", "bias", "temperature", "training"]);
    expect(doc.format).toBe("softmax-classifier");
    expect(doc.version).toBe(1);
    expect(doc.features).toBe(2);
    expect(doc.weights).toHaveLength(3);
  });

  const edit = (f: (d: Record<string, unknown>) => void): string => {
    const d = JSON.parse(text);
    f(d);
    return JSON.stringify(d);
  };
  const cases: [string, string, string, string | RegExp][] = [
    ["not JSON", "{ weights: ", "INVALID_INPUT", /valid JSON/],
    ["another format", edit((d) => (d.format = "keras")), "INVALID_INPUT", "model.format"],
    ["a newer version", edit((d) => (d.version = 2)), "INVALID_INPUT", /newer release/],
    ["a missing key", edit((d) => delete d.bias), "INVALID_INPUT", "model.bias"],
    ["an unknown key", edit((d) => (d.extra = 1)), "INVALID_INPUT", "model.extra"],
    ["a NaN weight (written as null)", edit((d) => ((d.weights as unknown[][])[1]![0] = null)), "INVALID_INPUT", "model.weights[1][0]"],
    ["a short weight row", edit((d) => (d.weights as unknown[][])[2]!.pop()), "SHAPE_MISMATCH", "model.weights[2]"],
    ["weights for another class count", edit((d) => (d.weights as unknown[]).pop()), "SHAPE_MISMATCH", "model.weights"],
    ["a bias of another length", edit((d) => (d.bias as unknown[]).push(0)), "SHAPE_MISMATCH", "model.bias"],
    ["repeated classes", edit((d) => ((d.classes as unknown[])[2] = "a")), "INVALID_INPUT", "model.classes[2]"],
    ["a negative temperature", edit((d) => (d.temperature = -1)), "INVALID_INPUT", "model.temperature"],
    ["feature names of another length", edit((d) => (d.featureNames = ["x"])), "SHAPE_MISMATCH", "model.featureNames"],
  ];
  for (const [what, json, code, where] of cases) {
    it(`refuses ${what} with ${code}`, () => {
      expectError(() => SoftmaxClassifier.fromJSON(json), code, where);
    });
  }
  it("refuses a non-object", () => {
    expectError(() => SoftmaxClassifier.fromJSON(42), "INVALID_INPUT", "model");
  });
});

describe("SoftmaxClassifier: error paths", () => {
  const { X, y } = blobs(41, 5);
  const m = new SoftmaxClassifier().fit(X, y, { epochs: 2 });

  it("refuses to predict before fit", () => {
    expectError(() => new SoftmaxClassifier().predict([[1, 2]]), "INVALID_INPUT", /fitted model/);
    expectError(() => new SoftmaxClassifier().toJSON(), "INVALID_INPUT", /fitted model/);
  });
  it("refuses X with another number of features, X that is not 2-D, non-finite features", () => {
    expectError(() => m.predict([[1, 2, 3]]), "SHAPE_MISMATCH", /2 features per row/);
    expectError(() => m.predict([1, 2]), "SHAPE_MISMATCH", /2-D/);
    expectError(() => m.predictProba([[1, Number.NaN]]), "INVALID_INPUT", "X[0][1]");
    expectError(() => m.predict([[1, "2"]]), "NOT_A_NUMBER", "X[0][1]");
  });
  it("refuses bad training data", () => {
    expectError(() => new SoftmaxClassifier().fit(X, y.slice(1)), "SHAPE_MISMATCH", "y");
    expectError(
      () =>
        new SoftmaxClassifier().fit(
          X,
          y.map(() => "a"),
        ),
      "INVALID_INPUT",
      /at least 2 classes/,
    );
    expectError(
      () =>
        new SoftmaxClassifier<string | number>().fit(
          X,
          y.map((l, i) => (i === 0 ? 1 : l)),
        ),
      "INVALID_INPUT",
      /all strings or all numbers/,
    );
    expectError(
      () =>
        new SoftmaxClassifier().fit(
          X,
          y.map((l, i) => (i === 3 ? "" : l)),
        ),
      "INVALID_INPUT",
      "y[3]",
    );
    expectError(() => new SoftmaxClassifier().fit([], []), "SHAPE_MISMATCH");
    expectError(() => new SoftmaxClassifier().fit(X, y, { classes: ["a", "b"] }), "INVALID_INPUT", "y[10]");
  });
  it("refuses bad options, naming them", () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ epochs: 0 }, "options.epochs"],
      [{ batchSize: 1.5 }, "options.batchSize"],
      [{ learningRate: 0 }, "options.learningRate"],
      [{ l2: -1 }, "options.l2"],
      [{ optimizer: "rmsprop" }, "options.optimizer"],
      [{ seed: -1 }, "options.seed"],
      [{ onEpoch: 1 }, "options.onEpoch"],
      [{ validationSplit: 1 }, "options.validationSplit"],
      [{ earlyStopping: { patience: 3 } }, "options.earlyStopping"],
      [{ earlyStopping: { patience: 0 }, validationSplit: 0.2 }, "options.earlyStopping.patience"],
      [{ validationSplit: 0.2, validationData: { X, y } }, "options.validationData"],
      [{ standardize: "yes" }, "options.standardize"],
      [{ featureNames: ["x"] }, "options.featureNames"],
      [{ epoch: 3 }, "options.epoch"],
    ];
    for (const [o, arg] of bad) {
      const e = expectError(() => new SoftmaxClassifier().fit(X, y, o as never), "INVALID_OPTION");
      expect(e.arg, JSON.stringify(o)).toBe(arg);
    }
  });
  it("refuses validation data with another number of features", () => {
    expectError(() => new SoftmaxClassifier().fit(X, y, { validationData: { X: [[1, 2, 3]], y: ["a"] } }), "SHAPE_MISMATCH", "options.validationData.X");
  });
  it('a class list shorter than 2 is an options.classes error (it blamed y, "received 0")', () => {
    expectError(() => new SoftmaxClassifier().fit([[1], [2]], [0, 0], { classes: [0] }), "INVALID_OPTION", "options.classes");
    expectError(() => new SoftmaxClassifier().fit([[1], [2]], [0, 0]), "INVALID_INPUT", /at least 2 classes \(every label is 0\)/);
  });
  it("names the list and the index of a label that is not a class, with validation data too", () => {
    const X4 = [
      [1, 2],
      [2, 1],
      [3, 3],
      [0, 1],
    ];
    const vX = [
      [1, 2],
      [1, 1],
    ];
    // Was "options.validationData.y[5]": the index in y and validationData.y joined.
    expectError(
      () => new SoftmaxClassifier().fit(X4, [0, 1, 0, 1], { epochs: 1, validationData: { X: vX, y: [1, 7] } }),
      "INVALID_INPUT",
      "options.validationData.y[1]",
    );
    // Was blamed on options.validationData.y: the bad label is in y.
    expectError(
      () => new SoftmaxClassifier().fit(X4, [0, 1, 2, 1], { epochs: 1, classes: [0, 1], validationData: { X: vX, y: [1, 0] } }),
      "INVALID_INPUT",
      "y[2]",
    );
  });
  it("refuses a bad abstain rule", () => {
    expectError(() => m.predict(X, { abstain: {} as never }), "INVALID_OPTION", /exactly one/);
    expectError(() => m.predict(X, { abstain: { minProbability: 0.5, maxEntropy: 1 } as never }), "INVALID_OPTION", /exactly one/);
    expectError(() => m.predict(X, { abstain: { minProbability: Number.NaN } }), "INVALID_OPTION", "options.abstain.minProbability");
  });
  it("refuses labels that are not classes in score, logLoss and classIndices", () => {
    expectError(
      () =>
        m.score(
          X,
          y.map(() => "q"),
        ),
      "INVALID_INPUT",
      "y[0]",
    );
    expectError(() => m.classIndices(["a", "zz"]), "INVALID_INPUT", "y[1]");
    expectError(() => m.logLoss(X, y.slice(2)), "SHAPE_MISMATCH", "y");
  });
});
