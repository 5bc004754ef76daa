/**
 * Measured accuracy of logSumExp against the 64-digit decimal.js fixtures.
 *
 * Bound (issue 2): float64 error ≤ 2 ulp of max(|m|, log Σ e^{x_k - m}),
 * m the row maximum (the result m + log Σ can cancel when m < 0, so the
 * bound is on the scale of the two terms, not of their sum); float32 output
 * correctly rounded in ≥ 99.99% of cases and never worse than 1 ulp.
 * Weighted (SciPy's b), positive weights: the same 2 ulp bound with
 * log|Σ b_k e^{x_k - m}|. Mixed signs: the sum can cancel; the bound is
 * 2 ulp · (Σ|b_k| e^{x_k-m}) / |Σ b_k e^{x_k-m}| (the condition number of the sum).
 */
import { afterAll, describe, expect, it } from "vitest";
import { logSumExp } from "../../src/index.js";
import { family, inputOf } from "./fixtures.js";
import { CORRECTLY_ROUNDED_32, exactOf, report, Tally, ulpError } from "./ulp.js";

const fx = family();
const tallies = {
  float64: new Tally("logSumExp", "float64"),
  float32: new Tally("logSumExp", "float32"),
  weighted: new Tally("logSumExp weights>0", "float64"),
  mixed: new Tally("logSumExp mixed weights (÷ cond)", "float64"),
};

describe("logSumExp accuracy against decimal.js (64 digits)", () => {
  it(`unweighted: float64 ≤ 2 ulp of max(|m|, log Σ), float32 ≤ 1 ulp on ${fx.logSumExp.length} rows`, () => {
    const failures: string[] = [];
    for (const row of fx.logSumExp) {
      const options = row.t === undefined ? {} : { temperature: row.t };
      const y = logSumExp(inputOf(row), options) as number;
      const m = Math.max(...row.x);
      const exact = exactOf(row.exact);
      const lse = Number(row.exact);
      let err: number;
      if (row.dtype === "float32") {
        err = tallies.float32.add(ulpError(y, exact, "float32"), () => row.name);
        if (!(err <= CORRECTLY_ROUNDED_32)) failures.push(`${row.name}: got ${y}, exact ${row.exact}, ${err} ulp`);
        // Float32 in → a float32 value out.
        expect(Math.fround(y)).toBe(y);
      } else {
        const magnitude = Math.max(Math.abs(m), Math.abs(lse - m));
        err = tallies.float64.add(ulpError(y, exact, "float64", magnitude), () => row.name);
        if (!(err <= 2)) failures.push(`${row.name}: got ${y}, exact ${row.exact}, ${err} ulp of ${magnitude}`);
      }
    }
    expect(failures).toEqual([]);
    expect(tallies.float32.percent).toBeGreaterThanOrEqual(99.99);
  });

  it(`weighted (SciPy's b) on ${fx.weightedLogSumExp.length} rows: sign exact, value within the bound`, () => {
    const failures: string[] = [];
    for (const row of fx.weightedLogSumExp) {
      const { value, sign } = logSumExp(row.x, { weights: row.b, returnSign: true }) as { value: number; sign: number };
      expect(sign, row.name).toBe(row.sign);
      const exact = exactOf(row.exact);
      const m = Math.max(...row.x.filter((_, i) => row.b[i] !== 0));
      const magnitude = Math.max(Math.abs(m), Math.abs(Number(row.exact) - m));
      const err = ulpError(value, exact, "float64", magnitude);
      const mixed = row.b.some((v) => v < 0);
      // Condition number of Σ b e^{x-m}: Σ|b| e^{x-m} / |Σ b e^{x-m}| = e^{absSum - value}.
      const cond = mixed ? Math.exp(Number(row.absSum) - Number(row.exact)) : 1;
      const scaled = (mixed ? tallies.mixed : tallies.weighted).add(err / cond, () => row.name);
      if (!(scaled <= 2)) failures.push(`${row.name}: got ${value}, exact ${row.exact}, ${err} ulp, condition ${cond}`);
    }
    expect(failures).toEqual([]);
  });

  afterAll(() => {
    report("logSumExp accuracy (test/accuracy/logSumExp.test.ts), ulp of max(|m|, log Σ)", Object.values(tallies));
  });
});
