/**
 * The loaders in-process: property tests (fast-check) that CSV, TSV, text, JSON and NDJSON written
 * from random tables read back exactly whatever the chunk boundaries, and the error positions.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../../../src/cli/errors.js";
import { openDelimited } from "../../../src/cli/io/delimited.js";
import { openArgs, openInput } from "../../../src/cli/io/index.js";
import { openJson } from "../../../src/cli/io/json.js";
import { numberOf } from "../../../src/cli/io/number.js";
import type { Row, RowSource } from "../../../src/cli/io/rows.js";
import type { ByteSource } from "../../../src/cli/io/source.js";

/** A byte source over `text`, cut at the given offsets (chunk boundaries may split a number or a UTF-8 character). */
function bytesOf(text: string | Buffer, cuts: number[] = [], name = "t"): ByteSource {
  const all = typeof text === "string" ? Buffer.from(text) : text;
  const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
  let read = 0;
  return {
    name,
    size: all.length,
    bytesRead: () => read,
    chunks: {
      [Symbol.asyncIterator]: async function* () {
        let prev = 0;
        for (const p of [...points, all.length]) {
          if (p > prev) {
            read += p - prev;
            yield all.subarray(prev, p);
          }
          prev = p;
        }
      },
    },
  };
}

async function rowsOf(source: RowSource): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of source.rows) out.push(r);
  return out;
}

async function errorOf(f: () => Promise<unknown>): Promise<DataError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error("expected a DataError");
}

/** Doubles including the special values, written as JS does (round-trip exact). */
const value = fc.oneof({ weight: 8, arbitrary: fc.double({ noNaN: false }) }, { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, -1, 1e-300, 5e-324) });
const table = fc.integer({ min: 1, max: 6 }).chain((w) => fc.array(fc.array(value, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 8 }));
const cuts = fc.array(fc.nat(), { maxLength: 12 });

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
function expectTable(rows: Row[], want: number[][]) {
  expect(rows.length).toBe(want.length);
  rows.forEach((r, i) => {
    const w = want[i] as number[];
    expect(r.values.length).toBe(w.length);
    w.forEach((v, k) => {
      if (!same(r.values[k] as number, v)) throw new Error(`row ${i} col ${k}: ${r.values[k]} ≠ ${v}`);
    });
  });
}

describe("round trips under any chunking (fast-check)", () => {
  it("CSV, TSV and whitespace text", async () => {
    await fc.assert(
      fc.asyncProperty(table, cuts, fc.constantFrom("csv", "tsv", "text") as fc.Arbitrary<"csv" | "tsv" | "text">, async (t, c, format) => {
        const sep = format === "csv" ? "," : format === "tsv" ? "\t" : "  ";
        const text = t.map((r) => r.map((v) => (Object.is(v, -0) ? "-0" : String(v))).join(sep)).join("\r\n");
        expectTable(await rowsOf(await openDelimited(bytesOf(text, c), format, { header: false })), t);
      }),
      { numRuns: 150 },
    );
  });
  it("JSON (2-d) and NDJSON, with non-finite values as strings", async () => {
    const enc = (v: number) => (Number.isFinite(v) ? (Object.is(v, -0) ? "-0" : String(v)) : `"${v}"`);
    await fc.assert(
      fc.asyncProperty(table, cuts, async (t, c) => {
        const json = `[${t.map((r) => `[${r.map(enc).join(", ")}]`).join(",\n")}]`;
        const a = await rowsOf(await openJson(bytesOf(json, c), "json"));
        expectTable(a, t);
        a.forEach((r, i) => {
          expect(r.index).toEqual([i]);
        });
        const nd = t.map((r) => `[${r.map(enc).join(",")}]`).join("\n");
        expectTable(await rowsOf(await openJson(bytesOf(nd, c), "ndjson")), t);
      }),
      { numRuns: 150 },
    );
  });
  it("a multi-byte character split across chunks keeps the line and column right", async () => {
    const text = "é,1\n2,x\n";
    for (let cut = 0; cut <= text.length + 1; cut++) {
      const e = await errorOf(async () => rowsOf(await openDelimited(bytesOf(text, [cut], "u.csv"), "csv", { header: false })));
      expect(e.message).toBe('line 1, column 1 of u.csv: "é" is not a number (a label column? name it with --label)');
    }
  });
});

describe("numbers", () => {
  it("accepts decimal literals and NaN/Infinity spellings, refuses the rest", () => {
    const good: [string, number][] = [
      ["1", 1],
      ["-2.5", -2.5],
      ["+.5", 0.5],
      ["3.", 3],
      ["1e-3", 0.001],
      ["1E+5", 1e5],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-inf", Number.NEGATIVE_INFINITY],
      ["nan", Number.NaN],
      ["-0", -0],
    ];
    for (const [t, v] of good) expect(Object.is(numberOf(t), v)).toBe(true);
    for (const t of ["", " 1", "1 ", "0x10", "0b1", "0o7", "1_000", "--1", "+-1", ".", "e5", "1e", "abc", "true", "∞"]) expect(numberOf(t)).toBeUndefined();
  });
  it("every double written by JavaScript reads back exactly (fast-check)", () => {
    // String(-0) is "0"; the writers spell it "-0", as here.
    fc.assert(fc.property(fc.double(), (v) => same(numberOf(Object.is(v, -0) ? "-0" : String(v)) as number, v)));
  });
});

describe("positions in errors", () => {
  it("JSON names line and character column", async () => {
    const e = await errorOf(async () => rowsOf(await openJson(bytesOf('[[1, 2],\n [3, "x"]]', [], "a.json"), "json")));
    expect(e.message).toBe('line 2, column 6 of a.json: "x" is not a number');
  });
  it("JSON syntax errors", async () => {
    const bad = async (t: string) => (await errorOf(async () => rowsOf(await openJson(bytesOf(t, [], "b.json"), "json")))).message;
    expect(await bad("[1, 2,]")).toBe('line 1, column 7 of b.json: malformed JSON: "]" after ","');
    expect(await bad("[1 2]")).toBe('line 1, column 4 of b.json: malformed JSON: expected "," or "]", found "2"');
    expect(await bad("1")).toContain("expected an array of numbers");
    expect(await bad("[1, 2]]")).toContain('"]" without a matching "["');
  });
  it("NDJSON: an array left open at the end of a line", async () => {
    const e = await errorOf(async () => rowsOf(await openJson(bytesOf("[1, 2\n[3, 4]\n", [], "c.ndjson"), "ndjson")));
    expect(e.message).toContain("line 1");
    expect(e.message).toContain("not closed at the end of the line");
  });
  it("arguments name their position", async () => {
    const e = await errorOf(() => openArgs(["1", "2,zz"]));
    expect(e.message).toBe('argument 2: "zz" is not a number');
  });
  it("CSV headers: auto-detected only when every field is a name", async () => {
    const s = await openDelimited(bytesOf("a,b\n1,2\n"), "csv");
    expect(s.columns).toEqual(["a", "b"]);
    const e = await errorOf(() => openDelimited(bytesOf("1,b\n1,2\n", [], "m.csv"), "csv"));
    expect(e.message).toContain('line 1, column 2 of m.csv: "b" is not a number');
  });
  it("openInput guesses formats from content on stdin-like sources", async () => {
    const { Readable } = await import("node:stream");
    const src = await openInput({ path: "-", stdin: Readable.from([Buffer.from("[1,2]\n[3,4]\n")]) });
    expect(src.format).toBe("ndjson");
    expect((await rowsOf(src)).length).toBe(2);
  });
});
