/**
 * The double-double reference (reference/dd.mjs, used for the long row and
 * the property tests) checked against the decimal.js fixtures: it must agree
 * to a small fraction of a float64 ulp (≤ 1e-6 ulp), so that errors measured
 * with it are the library's, not the reference's.
 */
import { describe, expect, it } from "vitest";
import * as dd from "../../reference/dd.mjs";
import { family } from "./fixtures.js";
import { exactOf, ulpError } from "./ulp.js";

const fx = family();

/** Distance in float64 ulps (of the decimal value) between a double-double reference value and a decimal fixture. */
function agreement(ref: dd.Exact, decimal: string | null): number {
  return ulpError(ref, exactOf(decimal), "float64");
}

describe("double-double reference vs decimal.js fixtures", () => {
  it("softmax, logSoftmax and logSumExp agree to ≤ 1e-6 ulp on every float64 fixture row", () => {
    let worst = 0;
    let where = "";
    for (let r = 0; r < fx.softmax.length; r++) {
      const row = fx.softmax[r]!;
      const p = dd.softmax(row.x, row.t ?? 1);
      const lp = dd.logSoftmax(row.x, row.t ?? 1);
      const lse = dd.logSumExp(row.x, row.t ?? 1);
      row.exact.forEach((s, i) => {
        const a = agreement(p[i]!, s);
        if (a > worst) [worst, where] = [a, `softmax ${row.name}[${i}]`];
      });
      fx.logSoftmax[r]!.exact.forEach((s, i) => {
        const a = agreement(lp[i]!, s);
        if (a > worst) [worst, where] = [a, `logSoftmax ${row.name}[${i}]`];
      });
      const a = agreement(lse, fx.logSumExp[r]!.exact);
      if (a > worst) [worst, where] = [a, `logSumExp ${row.name}`];
    }
    expect(worst, where).toBeLessThanOrEqual(1e-6);
  });
});
