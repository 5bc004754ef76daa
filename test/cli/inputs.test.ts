/** Every input format through the built binary: arguments, stdin, JSON, NDJSON, CSV, TSV, text, .npy, raw float32. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useFixtureDir } from "./fixtures.js";
import { expectCode, type Run, readNpy, run, show } from "./helpers.js";

const fx = useFixtureDir();

const sm = (args: string[], stdin?: string | Buffer) => run(args, stdin === undefined ? { cwd: fx.dir } : { cwd: fx.dir, stdin });
/** Parses --format json output. */
const json = (r: Run): unknown => {
  expectCode(r, 0);
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON${show(r)}`);
  }
};
/** Probabilities, independently: e^(x - m) / Σ e^(x - m) in float64 (enough at 1e-12 relative for these small rows). */
const reference = (x: number[]) => {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const close = (got: unknown, want: number[], rel = 1e-12) => {
  expect(Array.isArray(got)).toBe(true);
  const g = got as number[];
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => {
    expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(rel * Math.abs(want[i] as number) + 1e-300);
  });
};

describe.concurrent("numbers as arguments", () => {
  it("positional logits", async () => close(json(await sm(["1.3", "5.1", "2.2", "0.7", "1.1", "-f", "json"])), reference([1.3, 5.1, 2.2, 0.7, 1.1])));
  it("negative numbers without --", async () => close(json(await sm(["-1", "1", "2", "3", "-f", "json"])), reference([-1, 1, 2, 3])));
  it("negative numbers after --", async () => close(json(await sm(["-f", "json", "--", "-1", "1", "2", "3"])), reference([-1, 1, 2, 3])));
  it("-inf, -Infinity, -1E2 and NaN literals", async () => {
    const r = json(await sm(["log-softmax", "-inf", "0", "-1E2", "-f", "json"])) as (number | string)[];
    expect(r[0]).toBe("-Infinity");
    expect(Object.is(r[1], -0) || r[1] === 0 || (r[1] as number) < 0).toBe(true);
    const n = json(await sm(["NaN", "1", "-f", "json"]));
    expect(n).toEqual(["NaN", "NaN"]);
  });
  it("comma-separated in one argument", async () => close(json(await sm(["1.25,2.44,0.78,0.12", "-f", "json"])), reference([1.25, 2.44, 0.78, 0.12])));
});

describe.concurrent("stdin", () => {
  it("sniffs JSON", async () => close(json(await sm(["-f", "json"], "[0.25, 1.23, -0.8]")), reference([0.25, 1.23, -0.8])));
  it("sniffs NDJSON (one array per line)", async () => {
    const r = json(await sm(["-", "-f", "json"], "[1, 2]\n[3, 5]\n")) as number[][];
    close(r[0], reference([1, 2]));
    close(r[1], reference([3, 5]));
  });
  it("sniffs CSV with a header and uses it as labels", async () => {
    const r = await sm(["argmax", "-f", "csv"], "cat,dog\n1,2\n5,1\n");
    expectCode(r, 0);
    expect(r.stdout).toBe("index,label\n1,dog\n0,cat\n");
  });
  it("sniffs whitespace text", async () => close((json(await sm(["-f", "json"], "1 2 3\n")) as number[][])[0], reference([1, 2, 3])));
  it("sniffs .npy bytes", async () => {
    const r = json(await sm(["-f", "json"], readFileSync(join(fx.dir, "f4.npy")))) as number[][];
    expect(r.length).toBe(2);
    close(r[0], reference([1, 2, 3]), 1e-7);
  });
});

describe.concurrent("files", () => {
  it("CSV with a header", async () => {
    const r = json(await sm(["logits.csv", "-f", "json"])) as number[][];
    expect(r.length).toBe(3);
    close(r[0], reference([1.25, 2.44, 0.78, 0.12]));
    close(r[2], [0.25, 0.25, 0.25, 0.25]);
  });
  it("CSV without a header, CRLF, blank line skipped", async () => {
    const r = json(await sm(["nohead.csv", "-f", "json"])) as number[][];
    expect(r.length).toBe(3);
    close(r[1], reference([-1, 1, 2, 3]));
  });
  it("--no-header reads the first line as data; --header forces a header", async () => {
    const a = json(await sm(["nohead.csv", "--no-header", "-f", "json"])) as number[][];
    expect(a.length).toBe(3);
    const b = json(await sm(["nohead.csv", "--header", "-f", "json"])) as number[][];
    expect(b.length).toBe(2);
  });
  it("CSV label column by name, carried to the output (quoted field with a comma)", async () => {
    const r = await sm(["argmax", "labelled.csv", "--label", "species", "-f", "csv"]);
    expectCode(r, 0);
    expect(r.stdout).toBe('species,index,label\nsetosa,0,sepal\n"versi,color",0,sepal\nvirginica,0,sepal\n');
  });
  it("CSV label column by number", async () => {
    const r = await sm(["logsumexp", "labelled.csv", "--label", "3", "-f", "ndjson"]);
    expectCode(r, 0);
    expect(r.stdout.trim().split("\n").length).toBe(3);
  });
  it("quoted numbers", async () => {
    const r = json(await sm(["quoted.csv", "-f", "json"])) as number[][];
    close(r[0], reference([1.5, 2]));
    close(r[1], reference([3, 4]));
  });
  it("--delimiter", async () => close((json(await sm(["semicolon.csv", "--delimiter", ";", "-f", "json"])) as number[][])[0], reference([1, 2, 3])));
  it("TSV", async () => close((json(await sm(["logits.tsv", "-f", "json"])) as number[][])[0], reference([0.25, 1.23, -0.8])));
  it("whitespace text with comments and tabs", async () => {
    const r = json(await sm(["logits.txt", "-f", "json"])) as number[][];
    close(r[0], reference([1.3, 5.1, 2.2, 0.7, 1.1]));
    close(r[1], reference([0.25, 1.23, -0.8, 0, 0]));
  });
  it('JSON, 1-d, 2-d and 3-d (with a "-Infinity" string)', async () => {
    close(json(await sm(["vector.json", "-f", "json"])), reference([0.25, 1.23, -0.8]));
    const two = json(await sm(["rows.json", "-f", "json"])) as number[][];
    close(two[1], reference([13, 31, 5, 0, 0]));
    const three = json(await sm(["cube.json", "-f", "json"])) as number[][][];
    expect(three.length).toBe(2);
    expect(three[1]?.[1]).toEqual([1, 0]);
    close(three[0]?.[1], reference([3, 4]));
  });
  it("NDJSON with NaN literals and a blank line", async () => {
    const r = json(await sm(["rows.ndjson", "-f", "json"])) as unknown[][];
    expect(r.length).toBe(3);
    expect(r[2]).toEqual(["NaN", "NaN", "NaN"]);
  });
  it("special values in CSV", async () => {
    const r = json(await sm(["special.csv", "-f", "json"])) as unknown[][];
    expect(r[0]).toEqual(["NaN", "NaN", "NaN"]);
    close(r[1], [0, 0.5, 0.5]);
    expect(r[2]).toEqual([1, 0, 0]);
  });
  it(".npy float32 stays float32 (shortest float32 text)", async () => {
    const r = await sm(["f4.npy", "-f", "csv"]);
    expectCode(r, 0);
    const first = (r.stdout.split("\n")[0] as string).split(",").map(Number);
    const want = reference([1, 2, 3]).map((v) => Math.fround(v));
    first.forEach((v, i) => {
      expect(Math.fround(v)).toBe(want[i]);
    });
  });
  it(".npy float64, 3-d, and big-endian", async () => {
    const r = json(await sm(["f8.npy", "-f", "json"])) as number[][][];
    expect(r.length).toBe(2);
    close(r[1]?.[1], reference([9, 10, 11]));
    close((json(await sm(["big-endian.npy", "-f", "json"])) as number[][])[0], reference([-1, 1, 2, 3]));
  });
  it("raw float32, whole file and --width", async () => {
    const one = json(await sm(["raw.f32", "-f", "json"])) as number[];
    expect(one.length).toBe(6);
    const rows = json(await sm(["raw.f32", "--width", "3", "-f", "json"])) as number[][];
    expect(rows.length).toBe(2);
    close(rows[0], reference([Math.fround(1.3), Math.fround(5.1), Math.fround(2.2)]), 1e-7);
  });
  it("--input-format overrides the extension", async () => {
    const r = await sm(["rows.ndjson", "--input-format", "json"]);
    expectCode(r, 1);
    expect(r.stderr).toContain("line 3, column 1 of rows.ndjson: malformed JSON: more than one top-level value");
    close((json(await sm(["two-values.json", "--input-format", "ndjson", "-f", "json"])) as number[][])[1], reference([3, 4]));
  });
});

describe.concurrent("npy output", () => {
  it("streams with a known shape (npy in)", async () => {
    const r = await sm(["f8.npy", "-f", "npy"]);
    expectCode(r, 0);
    const a = readNpy(r.bytes);
    expect(a.dtype).toBe("<f8");
    expect(a.shape).toEqual([2, 2, 3]);
    close(a.data.slice(0, 3), reference([0, 1, 2]));
  });
  it("spools when the shape is unknown (CSV in), float32 kept, argmax as int32", async () => {
    const r = await sm(["logits.csv", "-f", "npy"]);
    expectCode(r, 0);
    expect(readNpy(r.bytes).shape).toEqual([3, 4]);
    const f = readNpy((await sm(["f4.npy", "-f", "npy"])).bytes);
    expect(f.dtype).toBe("<f4");
    const i = readNpy((await sm(["argmax", "logits.csv", "-f", "npy"])).bytes);
    expect(i).toEqual({ dtype: "<i4", shape: [3], data: [1, 3, 0] });
  });
});
