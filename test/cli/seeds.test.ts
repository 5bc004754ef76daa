/**
 * Golden outputs for every example of the tutorials in /work/shared/seeds (numbers copied from the
 * seed texts, not from our output), through the built binary. Full-precision values are also
 * checked against 50-digit decimal.js.
 */
import { Decimal } from "decimal.js";
import { beforeAll, describe, expect, it } from "vitest";
import { exact } from "../../reference/decimal.mjs";
import { ensureBuilt, expectCode, type Run, run, show } from "./helpers.js";

beforeAll(() => ensureBuilt());

const D = Decimal.clone({ precision: 50 });
/** softmax in 50 digits of the doubles x (converted exactly), rounded to float64 once. */
function exactSoftmax(x: number[]): number[] {
  const e = x.map((v) => exact(v).exp());
  const s = e.reduce((a, b) => a.plus(b), new D(0));
  return e.map((v) => v.div(s).toNumber());
}
const ulps = (a: number, b: number) => Math.abs(a - b) / (Number.EPSILON * Math.max(Math.abs(b), 2 ** -1022));

async function ok(args: string[]): Promise<Run> {
  const r = await run(args);
  expectCode(r, 0);
  return r;
}
const COMMANDS = ["sigmoid", "argmax", "log-softmax", "logsumexp", "top-k"];
/** `--format json` goes before the operands (which may follow `--`), after a subcommand name. */
const json = async (args: string[]) => {
  const withFormat = COMMANDS.includes(args[0] as string) ? [args[0] as string, "-f", "json", ...args.slice(1)] : ["-f", "json", ...args];
  return JSON.parse((await ok(withFormat)).stdout) as number[];
};
/** Checks that every `needle` appears in the output, in order. */
function inOrder(r: Run, needles: (string | RegExp)[]): void {
  let at = 0;
  for (const n of needles) {
    const rest = r.stdout.slice(at);
    const m =
      typeof n === "string"
        ? { index: rest.indexOf(n), length: n.length }
        : ((x) => (x ? { index: x.index, length: x[0].length } : { index: -1, length: 0 }))(n.exec(rest));
    if (m.index === -1) throw new Error(`output lacks ${String(n)} after position ${at}${show(r)}`);
    at += m.index + m.length;
  }
}

describe.concurrent("seed 000 (DEV Community): -1, 1, 2, 3", () => {
  it("probabilities 0.01 0.09 0.24 0.66 at 2 digits", async () => {
    expect(await json(["--digits", "2", "--", "-1", "1", "2", "3"])).toEqual([0.01, 0.09, 0.24, 0.66]);
  });
  it("explain shows e^x 2.72, 7.39, 20.09, the sum 30.56 and the divisions", async () => {
    const r = await ok(["explain", "--digits", "2", "--", "-1", "1", "2", "3"]);
    // The seed prints e^-1 as 0.36; e^-1 = 0.3679, which rounds to 0.37 at 2 digits.
    inOrder(r, ["Subtract the maximum, m = 3", "Exponentiate", /-1\s+0\.37/, /1\s+2\.72/, /2\s+7\.39/, /3\s+20\.09/, "Σ e^x = 30.56"]);
    inOrder(r, ["0.37 / 30.56 = 0.01", "2.72 / 30.56 = 0.09", "7.39 / 30.56 = 0.24", "20.09 / 30.56 = 0.66", "Σ p = 1.00", "argmax = 3"]);
  });
});

describe.concurrent("seed 001 (Towards Data Science): 1.3, 5.1, 2.2, 0.7, 1.1", () => {
  it("probabilities 0.02019046 0.90253769 0.04966053 0.01108076 0.01653055", async () => {
    expect(await json(["1.3", "5.1", "2.2", "0.7", "1.1", "--digits", "8"])).toEqual([0.02019046, 0.90253769, 0.04966053, 0.01108076, 0.01653055]);
  });
  it("explain: exponentials 3.66929667 164.0219073 9.0250135 2.01375271 3.00416602, sum 181.73, 3.67 / 181.73 = 0.02", async () => {
    const r8 = await ok(["explain", "1.3", "5.1", "2.2", "0.7", "1.1", "--digits", "8"]);
    inOrder(r8, ["3.66929667", "164.02190730", "9.02501350", "2.01375271", "3.00416602"]);
    const r2 = await ok(["explain", "1.3", "5.1", "2.2", "0.7", "1.1", "--digits", "2"]);
    inOrder(r2, ["Σ e^x = 181.73", "3.67 / 181.73 = 0.02", "argmax = 1"]);
  });
});

describe.concurrent("seed 002 (cat, dog, tiger, none): 1.25, 2.44, 0.78, 0.12", () => {
  const z = [1.25, 2.44, 0.78, 0.12];
  it("full precision: the seed's values, and within 4 ulp of 50-digit decimal", async () => {
    const p = await json(z.map(String));
    const seed = [0.19101770813831334, 0.627890718698843, 0.11938650086860875, 0.061705072294234845];
    const ref = exactSoftmax(z);
    p.forEach((v, i) => {
      expect(ulps(v, ref[i] as number)).toBeLessThanOrEqual(4);
      expect(Math.abs(v - (seed[i] as number))).toBeLessThanOrEqual(4 * Number.EPSILON * (seed[i] as number));
    });
  });
  it("with labels: the table and explain name the dog", async () => {
    const t = await ok([...z.map(String), "--labels", "cat,dog,tiger,none"]);
    expect(t.stdout).toContain("predicted: dog (class 1, p = 0.6279)");
    const e = await ok(["explain", ...z.map(String), "--labels", "cat,dog,tiger,none", "--digits", "3"]);
    inOrder(e, [/cat\s+0\.191/, /dog\s+0\.628/, /tiger\s+0\.119/, /none\s+0\.062/, "Predicted class: argmax = 1 (dog)"]);
  });
});

describe.concurrent("seed 003 (panda, seal, duck): z = [0.25, 1.23, -0.8]", () => {
  it("softmax(z) rounded to 3 decimals is [0.249, 0.664, 0.087]; argmax 1", async () => {
    expect(await json(["0.25", "1.23", "-0.8", "--digits", "3"])).toEqual([0.249, 0.664, 0.087]);
    const a = await ok(["argmax", "0.25", "1.23", "-0.8", "--labels", "seal,panda,duck"]);
    expect(a.stdout).toBe("argmax: panda (class 1)\n");
  });
  it("--compare: div_by_sum(z1) = [0.368, 1.809, -1.176]", async () => {
    const r = await ok(["explain", "--compare", "--digits", "3", "0.25", "1.23", "-0.8"]);
    inOrder(r, ["x / Σx = [0.368, 1.809, -1.176]", "softmax = [0.249, 0.664, 0.087]", "negative"]);
  });
  it("--compare: z2 = [-0.25, 1, -0.75] sums to 0 → [-inf, inf, -inf]", async () => {
    const r = await ok(["explain", "--compare", "--digits", "3", "--", "-0.25", "1", "-0.75"]);
    inOrder(r, ["x / Σx = [-∞, ∞, -∞]", "Σx = 0: division by zero"]);
  });
  it("--compare: z3 = [0.1, 0.9, 0.2] → [0.083, 0.75, 0.167] vs softmax [0.231, 0.514, 0.255]", async () => {
    const r = await ok(["explain", "--compare", "--digits", "3", "0.1", "0.9", "0.2"]);
    inOrder(r, ["x / Σx = [0.083, 0.750, 0.167]", "softmax = [0.231, 0.514, 0.255]", "ratios"]);
  });
  it("--compare: z4 = [0, 0.9, 0.1] → [0, 0.9, 0.1] vs softmax [0.219, 0.539, 0.242]", async () => {
    const r = await ok(["explain", "--compare", "--digits", "3", "0", "0.9", "0.1"]);
    inOrder(r, ["x / Σx = [0.000, 0.900, 0.100]", "softmax = [0.219, 0.539, 0.242]", "A logit of 0 gets probability 0 here"]);
  });
  it("N = 2: softmax([z, 0]) = [σ(z), 1 − σ(z)]", async () => {
    const r = await ok(["explain", "--compare", "--digits", "4", "2", "0"]);
    inOrder(r, ["Two classes: softmax is the sigmoid", "σ(2.0000) = 0.8808, 1 − σ = 0.1192", "softmax gives 0: 0.8808, 1: 0.1192"]);
    const s = await json(["sigmoid", "2"]);
    const p = await json(["2", "0"]);
    expect(p[0]).toBe(s[0]);
  });
});

describe.concurrent("seed 004: [13, 31, 5] and [0, 100, 0]", () => {
  it("[13, 31, 5] → [1.52299795e-08, 9.99999985e-01, 5.10908895e-12]", async () => {
    const p = await json(["13", "31", "5"]);
    const seed = [1.52299795e-8, 9.99999985e-1, 5.10908895e-12];
    p.forEach((v, i) => {
      expect(Math.abs(v - (seed[i] as number)) / (seed[i] as number)).toBeLessThan(1e-8);
    });
    exactSoftmax([13, 31, 5]).forEach((v, i) => {
      expect(ulps(p[i] as number, v)).toBeLessThanOrEqual(4);
    });
    // The table keeps tiny probabilities visible instead of printing 0.0000.
    const t = await ok(["13", "31", "5"]);
    expect(t.stdout).toContain("1.523e-8");
  });
  it("[0, 100, 0] → [3.72007598e-44, 1, 3.72007598e-44]", async () => {
    const p = await json(["0", "100", "0"]);
    expect(Math.abs((p[0] as number) - 3.72007598e-44) / 3.72007598e-44).toBeLessThan(1e-8);
    expect(p[1]).toBe(1);
    expect(p[2]).toBe(p[0]);
  });
  it("explain: the overflow at 710 and the shift that avoids it", async () => {
    const r = await ok(["explain", "1000", "1001", "--digits", "4"]);
    inOrder(r, ["e^710 = ∞", "∞ (overflow)", "0.3679 / 1.3679 = 0.2689", "overflows to ∞, and ∞/∞ = NaN", /1\s+0\.7311/]);
  });
});
