/** Output formats, colours, the progress bar and pipes, through the built binary. */
import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { useFixtureDir } from "./fixtures.js";
import { BIN, expectCode, run } from "./helpers.js";

const fx = useFixtureDir();

const sm = (args: string[], env?: Record<string, string>) => run(args, env ? { cwd: fx.dir, env } : { cwd: fx.dir });

describe.concurrent("formats", () => {
  it("table: labels, values, bars and the predicted class", async () => {
    const r = await sm(["1.25", "2.44", "0.78", "0.12", "--labels", "cat,dog,tiger,none", "--digits", "3"]);
    expectCode(r, 0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^class\s+logit\s+probability$/);
    expect(lines[1]).toMatch(/^cat\s+1\.25\s+0\.191\s+█+/);
    expect(lines[2]).toMatch(/^dog\s+2\.44\s+0\.628\s+█+/);
    expect(lines[5]).toBe("predicted: dog (class 1, p = 0.628)");
    // Bar lengths follow the probabilities: 30 cells for p = 1.
    const cells = (s: string) => [...(s.match(/[█▏▎▍▌▋▊▉]+/)?.[0] ?? "")].length;
    expect(cells(lines[2] as string)).toBe(19);
  });
  it("table for several rows: one block per row, headed by its position", async () => {
    const r = await sm(["logits.csv"]);
    expectCode(r, 0);
    expect(r.stdout).toContain("row [0] (line 2 of logits.csv)");
    expect(r.stdout).toContain("row [2] (line 4 of logits.csv)");
    expect(r.stdout).toContain("predicted: none (class 3, p = 0.6572)");
  });
  it("json: nested like the input, non-finite as strings", async () => {
    const r = await sm(["log-softmax", "special.csv", "-f", "json"]);
    expectCode(r, 0);
    const v = JSON.parse(r.stdout) as unknown[][];
    expect(v[0]).toEqual(["NaN", "NaN", "NaN"]);
    expect(v[1]?.[0]).toBe("-Infinity");
  });
  it("ndjson: one value per line; top-k objects with labels", async () => {
    const r = await sm(["top-k", "-k", "2", "logits.csv", "-f", "ndjson", "--digits", "4"]);
    expectCode(r, 0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ indices: [1, 0], labels: ["dog", "cat"], probabilities: [0.6279, 0.191] });
    expect(lines[1]).toEqual({ indices: [3, 2], labels: ["none", "tiger"], probabilities: [0.6572, 0.2418] });
  });
  it("csv and tsv: a header from the labels, rounding with --digits", async () => {
    const c = await sm(["logits.csv", "-f", "csv", "--digits", "2"]);
    expectCode(c, 0);
    expect(c.stdout).toBe("cat,dog,tiger,none\n0.19,0.63,0.12,0.06\n0.01,0.09,0.24,0.66\n0.25,0.25,0.25,0.25\n");
    const t = await sm(["logsumexp", "logits.tsv", "-f", "tsv", "--digits", "3"]);
    expectCode(t, 0);
    expect(t.stdout).toBe("logsumexp\n1.64\n3.408\n");
  });
  it("csv without labels has no header; argmax csv", async () => {
    const c = await sm(["argmax", "nohead.csv", "-f", "csv"]);
    expectCode(c, 0);
    expect(c.stdout).toBe("1\n3\n0\n");
  });
  it("--labels from a file (lines or a JSON array)", async () => {
    for (const file of ["@labels.txt", "@labels-list.json"]) {
      const r = await sm(["argmax", "0.25", "1.23", "-0.8", "--labels", file]);
      expectCode(r, 0);
      expect(r.stdout).toBe("argmax: panda (class 1)\n");
    }
  });
  it("--axis 0 on a table: softmax down the columns; logsumexp reduces", async () => {
    const r = await sm(["rows.json", "--axis", "0", "-f", "json", "--digits", "6"]);
    expectCode(r, 0);
    const v = JSON.parse(r.stdout) as number[][];
    // column 0: softmax([1.3, 13]) = [σ(-11.7), σ(11.7)]
    expect(v[0]?.[0]).toBe(0.000008);
    expect(v[1]?.[0]).toBe(0.999992);
    const l = await sm(["logsumexp", "f8.npy", "--axis", "1", "-f", "json", "--digits", "4"]);
    expectCode(l, 0);
    // logsumexp over axis 1 of arange(12).reshape(2,2,3): log(e^0 + e^3) = 3.0486
    expect(JSON.parse(l.stdout)).toEqual([
      [3.0486, 4.0486, 5.0486],
      [9.0486, 10.0486, 11.0486],
    ]);
  });
  it("--mask and --temperature reach the library", async () => {
    const m = await sm(["1", "2", "3", "--mask", "1,0,1", "-f", "json", "--digits", "6"]);
    expect(JSON.parse(m.stdout)).toEqual([0.119203, 0, 0.880797]);
    const t = await sm(["1", "2", "3", "-t", "0", "-f", "json"]);
    expect(JSON.parse(t.stdout)).toEqual([0, 0, 1]);
    const h = await sm(["0", "1", "-t", "2", "-f", "json", "--digits", "6"]);
    expect(JSON.parse(h.stdout)).toEqual([0.377541, 0.622459]); // σ(∓0.5)
  });
  it("--precision and --backend reach the library: float32 WASM fast within 3 ulp of exact", async () => {
    const exact = await sm(["f4.npy", "-f", "json", "--backend", "js"]);
    const fast = await sm(["f4.npy", "-f", "json", "--backend", "wasm", "--precision", "fast"]);
    expectCode(exact, 0);
    expectCode(fast, 0);
    const a = (JSON.parse(exact.stdout) as number[][]).flat();
    const b = (JSON.parse(fast.stdout) as number[][]).flat();
    expect(b.length).toBe(a.length);
    // float32 ulp at v: 2^(floor(log2 v) - 23)
    a.forEach((v, i) => {
      expect(Math.abs((b[i] as number) - v)).toBeLessThanOrEqual(3 * 2 ** (Math.floor(Math.log2(v)) - 23));
    });
    const bad = await sm(["1", "2", "--backend", "gpu"]);
    expectCode(bad, 2);
  });
  it("--backend wasm-simd128 and wasm-relaxed are accepted: exact mode gives the JS kernel's output", async () => {
    const js = await sm(["f4.npy", "-f", "json", "--backend", "js"]);
    expectCode(js, 0);
    for (const b of ["wasm-simd128", "wasm-relaxed"]) {
      const r = await sm(["f4.npy", "-f", "json", "--backend", b]);
      expectCode(r, 0);
      // Exact mode is correctly rounded on every module variant (and the JS kernel runs where relaxed SIMD is missing).
      expect(r.stdout).toBe(js.stdout);
    }
    const help = await sm(["softmax", "--help"]);
    expectCode(help, 0);
    expect(help.stdout).toContain('"wasm-simd128"');
    expect(help.stdout).toContain('"wasm-relaxed"');
  });
  it("sigmoid accepts --precision", async () => {
    const r = await sm(["sigmoid", "--precision", "fast", "-f", "json", "--", "0", "-800", "800"]);
    expectCode(r, 0);
    expect(JSON.parse(r.stdout)).toEqual([0.5, 0, 1]);
  });
  it("npy on a pipe starts with the NumPy magic (the terminal refusal is in tty.test.ts)", async () => {
    const r = await sm(["1", "2", "-f", "npy"]);
    expectCode(r, 0);
    expect(r.bytes.subarray(0, 6).toString("latin1")).toBe("\x93NUMPY");
  });
});

describe.concurrent("colour and progress", () => {
  it("no colour by default on a pipe, colour with --color, none with --no-color", async () => {
    const plain = await sm(["1", "2"]);
    expect(plain.stdout).not.toContain("\x1b[");
    const forced = await sm(["1", "2", "--color"]);
    expect(forced.stdout).toContain("\x1b[1m");
    const off = await sm(["1", "2", "--no-color"], { NO_COLOR: "1" });
    expect(off.stdout).not.toContain("\x1b[");
  });
  it("--progress draws a bar on stderr for a file of known size, stdout untouched", async () => {
    const r = await sm(["logits.csv", "--progress", "-f", "csv"]);
    expectCode(r, 0);
    expect(r.stderr).toContain("logits.csv");
    expect(r.stderr).toContain("100%");
    expect(r.stdout.split("\n")[0]).toBe("cat,dog,tiger,none");
  });
});

describe("pipes", () => {
  it("large output through a slow pipe arrives complete (backpressure, no truncation)", async () => {
    // 3000 rows of 200 logits from stdin → about 10 MB of CSV out, read slowly.
    const rows: string[] = [];
    for (let r = 0; r < 3000; r++) rows.push(Array.from({ length: 200 }, (_, i) => ((r * 7 + i * 13) % 17) - 8).join(","));
    const child = spawn(process.execPath, [BIN, "-", "-f", "csv"], { cwd: fx.dir, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end(`${rows.join("\n")}\n`);
    // A slow consumer: each chunk is acknowledged 2 ms later, so the child must wait for drain.
    const chunks: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        setTimeout(done, 2);
      },
    });
    child.stdout.pipe(slow);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) => (slow.writableFinished ? resolve() : slow.on("finish", () => resolve())));
    const text = Buffer.concat(chunks).toString("latin1");
    const bytes = text.length;
    const tail = text.slice(text.lastIndexOf("\n") + 1);
    const lines = text.split("\n").length - 1;
    expect(code).toBe(0);
    expect(tail).toBe("");
    expect(lines).toBe(3000);
    expect(bytes).toBeGreaterThan(1_000_000);
  });
  it("a reader that goes away (| head) ends quietly with exit code 0", async () => {
    const rows = Array.from({ length: 20000 }, (_, r) => `${r % 5},${r % 3},1`).join("\n");
    const child = spawn(process.execPath, [BIN, "-", "-f", "csv"], { cwd: fx.dir, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end(rows);
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(err).toBe("");
  });
});
