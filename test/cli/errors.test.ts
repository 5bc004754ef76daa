/** Every error path through the built binary: the exit code, and a message naming file, line and column (or argument). */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { useFixtureDir } from "./fixtures.js";
import { BIN, expectCode, run, show } from "./helpers.js";

const fx = useFixtureDir();

/** Runs and checks the exit code and that stderr contains `message`. */
async function fails(args: string[], code: number, message: string, stdin?: string) {
  const r = await run(args, stdin === undefined ? { cwd: fx.dir } : { cwd: fx.dir, stdin });
  expectCode(r, code);
  if (!r.stderr.includes(message)) throw new Error(`stderr lacks ${JSON.stringify(message)}${show(r)}`);
  return r;
}

describe.concurrent("bad data: exit code 1", () => {
  it("a bad number in CSV names line, column and file, and says where it stopped", async () => {
    const r = await fails(["bad-number.csv", "-f", "csv"], 1, 'line 4, column 2 of bad-number.csv: "abc" is not a number');
    expect(r.stderr).toContain("stopped there: 2 rows were written before it, the output is incomplete");
    expect(r.stdout.trim().split("\n").length).toBe(3); // header + the 2 rows before the error
  });
  it("an empty field", () => fails(["empty-field.csv"], 1, "line 1, column 2 of empty-field.csv: an empty field is not a number"));
  it("a bad number as an argument names its position", () => fails(["1", "2", "abc"], 1, 'argument 3: "abc" is not a number'));
  it("hexadecimal is not a number", () => fails(["1", "0x10"], 1, 'argument 2: "0x10" is not a number'));
  it("ragged CSV rows", () => fails(["ragged.csv"], 1, "line 3 of ragged.csv: ragged row: 2 values, expected 3 like line 1"));
  it("ragged JSON rows", () => fails(["ragged.json"], 1, "line 2, column 7 of ragged.json: ragged: this row has 2 elements, expected 3"));
  it("JSON mixing numbers and arrays", () => fails(["ragged-depth.json"], 1, "line 1, column 10 of ragged-depth.json: ragged"));
  it("a JSON boolean", () => fails(["bad.json"], 1, 'line 2, column 6 of bad.json: "true" is not a number'));
  it("unclosed JSON", () => fails(["unclosed.json"], 1, "unclosed.json: malformed JSON: the input ends inside an array"));
  it("a JSON object", () => fails(["object.json"], 1, "line 1, column 1 of object.json: objects are not supported"));
  it("malformed CSV: a quote not closed", () => fails(["unclosed-quote.csv"], 1, "line 2 of unclosed-quote.csv: malformed CSV: a quoted field is not closed"));
  it("malformed CSV: text after a closing quote", () => fails(["bad-quote.csv"], 1, "line 2 of bad-quote.csv: malformed CSV"));
  it("a missing file", () => fails(["missing.csv"], 1, "missing.csv: no such file"));
  it("a directory", () => fails(["."], 1, ".: is a directory"));
  it("empty input: empty file, only comments, stdin, header only", async () => {
    await fails(["empty.csv"], 1, "empty.csv: empty input");
    await fails(["blank.txt"], 1, "blank.txt: empty input");
    await fails([], 1, "stdin: empty input", "");
    await fails(["header-only.csv"], 1, "header-only.csv: empty input");
  });
  it("npy: unsupported dtype, Fortran order, cut short", async () => {
    await fails(["int64.npy"], 1, "dtype '<i8' is not supported");
    await fails(["fortran.npy"], 1, "Fortran-order .npy arrays are not supported");
    await fails(["truncated.npy"], 1, "the data ends early");
  });
  it("raw float32 that does not divide into rows", () => fails(["raw.f32", "--width", "4"], 1, "6 float32 values do not make rows of --width 4"));
  it("a row with nothing for argmax", () => fails(["argmax", "--input-format", "json"], 1, "is empty", "[]"));
});

describe.concurrent("usage: exit code 2", () => {
  it("an unknown flag", () => fails(["--bogus", "1", "2"], 2, "unknown option '--bogus'"));
  it("an unknown flag on a subcommand", () => fails(["explain", "--frobnicate", "1"], 2, "unknown option '--frobnicate'"));
  it("a bad --format", () => fails(["1", "2", "--format", "yaml"], 2, "Allowed choices are table, json, ndjson, csv, tsv, npy"));
  it("a bad --digits", () => fails(["1", "2", "--digits", "x"], 2, "--digits"));
  it("a negative --temperature", () => fails(["1", "2", "--temperature", "-1"], 2, "expected a finite number ≥ 0"));
  it("a bad --precision", () => fails(["1", "2", "--precision", "turbo"], 2, "Allowed choices are exact, fast"));
  it("--labels of the wrong length", () => fails(["1", "2", "3", "--labels", "a,b"], 2, "--labels has 2 names but rows have 3 values"));
  it("--mask of the wrong length", () => fails(["1", "2", "3", "--mask", "1,0"], 2, "--mask has 2 entries but the axis has 3 values"));
  it("--top larger than the row", () => fails(["top-k", "-k", "4", "1", "2", "3"], 2, "--top 4: rows have only 3 classes"));
  it("--axis out of range", () => fails(["--axis", "2", "1", "2"], 2, "--axis 2: the input has 1 axis"));
  it("--label on a file without that column", () => fails(["logits.csv", "--label", "species"], 2, "no such column"));
  it("two files", () => fails(["logits.csv", "rows.json"], 2, "one input file at a time"));
  it("an option that the command does not have (sigmoid has no temperature)", () => fails(["sigmoid", "-t", "2", "1"], 2, "unknown option '-t'"));
  it("an unknown command-like word is taken for a file", () => fails(["softmx"], 1, "softmx: no such file"));
});

describe.concurrent("success", () => {
  it("--help and --version exit 0", async () => {
    const h = await run(["--help"], { cwd: fx.dir });
    expectCode(h, 0);
    expect(h.stdout).toContain("Exit codes: 0 ok, 1 bad data, 2 usage error, 3 internal error.");
    const v = await run(["--version"], { cwd: fx.dir });
    expectCode(v, 0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("a reader that goes away", () => {
  it("help text into a closed pipe: exit 0, no crash (commander's writes bypass the output sink)", async () => {
    for (const args of [["--help"], ["softmax", "--help"]]) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: fx.dir, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.destroy(); // the reader is gone before the first write: every write gets EPIPE
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: "" });
    }
  });
});
