/**
 * The page's walk-through and the CLI's `softmax explain` print the same numbers: for every seed preset and several
 * roundings, each quantity the page shows (e^x, e^(x − m), both sums, p) appears in the CLI's text.
 */
import { describe, expect, it } from "vitest";
import { fmt } from "../../explorer/format.js";
import { compute } from "../../explorer/model.js";
import { PRESETS } from "../../explorer/presets.js";
import { explainRow } from "../../src/cli/commands/explain.js";

/** The page writes values of 10^15 and more with an exponent (2.69e43) where the CLI writes every digit: compare those in the CLI's notation. */
function cliNotation(v: number, digits: 2 | 3 | 4): string {
  return Number.isFinite(v) && Math.abs(v) >= 1e15 ? v.toFixed(digits) : fmt(v, digits);
}

function tokens(text: string): Set<string> {
  return new Set(text.split(/[\s,[\]:=()/]+/).filter((t) => t !== ""));
}

describe("explorer walk-through = CLI explain", () => {
  for (const preset of PRESETS) {
    for (const digits of [2, 3, 4] as const) {
      it(`${preset.id}, ${digits} decimals`, () => {
        const cli = tokens(explainRow(Float64Array.from(preset.logits), { digits, compare: false, color: false }));
        const s = compute(
          preset.logits.map((logit, i) => ({ logit, label: String(i), masked: false })),
          1,
        ).steps;
        const page = [
          ...s.exp.map((v) => (v === Number.POSITIVE_INFINITY ? "∞" : cliNotation(v as number, digits))),
          ...s.expShifted.map((v) => fmt(v as number, digits)),
          cliNotation(s.sum, digits),
          fmt(s.sumShifted, digits),
          ...s.p.map((v) => fmt(v, digits)),
        ];
        for (const n of page) expect(cli.has(n), `${n} missing from the CLI's explain of [${preset.logits.join(", ")}]`).toBe(true);
      });
    }
  }

  it("gives seed 000's figures at 2 decimals", () => {
    const cli = tokens(explainRow(Float64Array.from([-1, 1, 2, 3]), { digits: 2, compare: false, color: false }));
    for (const n of ["2.72", "7.39", "20.09", "30.56", "0.01", "0.09", "0.24", "0.66"]) expect(cli.has(n), n).toBe(true);
  });
});
