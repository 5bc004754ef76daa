/**
 * A float32 row of 10^6 entries (reference/prng.mjs `longRow`): softmax,
 * logSoftmax and logSumExp must stay correctly rounded in ≥ 99.99% of outputs
 * and never worse than 1 ulp, however long the sum.
 *
 * Reference: the double-double reference (reference/dd.mjs), one exponential
 * per distinct value (the row has at most 8193), whose logSumExp is first
 * checked against the decimal.js value in test/fixtures/long-row.json.
 */
import { afterAll, describe, expect, it } from "vitest";
import * as dd from "../../reference/dd.mjs";
import { longRow } from "../../reference/prng.mjs";
import { lastBackend, logSoftmax, logSumExp, setBackend, softmax } from "../../src/index.js";
import { longRowFixture } from "./fixtures.js";
import { CORRECTLY_ROUNDED_32, type Exact, exactOf, report, Tally, times2, ulpError } from "./ulp.js";

const fx = longRowFixture();
const x = longRow(fx.seed, fx.n);
const tallies: Tally[] = [];

/** The exact logSumExp of the row from the counts of its distinct values, in double-double. */
function referenceLse(): dd.DD {
  const counts = new Map<number, number>();
  let m = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
    if (v > m) m = v;
  }
  expect(counts.size).toBe(fx.distinct);
  let r: dd.DD = [0, 0];
  for (const [v, c] of counts) r = dd.add(r, dd.mul(dd.exp(dd.sub(v, m)), [v === m ? c - 1 : c, 0]));
  return dd.add([m, 0], dd.log1p(r));
}

describe(`float32 row of ${fx.n} entries`, () => {
  const lse = referenceLse();

  it("the double-double reference agrees with decimal.js on the row's logSumExp", () => {
    // Relative agreement to 1e-28: ~2^-93, far below the float32 rounding decisions they serve.
    const e = exactOf(fx.logSumExp);
    const diff = lse[0] - times2(e.hi, e.k) + (lse[1] - times2(e.lo, e.k));
    expect(Math.abs(diff) / lse[0]).toBeLessThan(1e-28);
  });

  // Once on the JavaScript kernels, once under the default dispatch (the WASM kernels when available).
  it.each(["js", "auto"] as const)(
    "backend %s: softmax, logSoftmax and logSumExp correctly rounded (≤ 0.5 ulp up to a double rounding of 2^-27 ulp)",
    (backend) => {
      setBackend(backend);
      const p = softmax(x);
      const ran = lastBackend();
      const lp = logSoftmax(x);
      const l = logSumExp(x) as number;
      setBackend("auto");
      const label = (fn: string) => `${fn} (n = 10^6) [${backend}: ${ran}]`;
      const mine = [new Tally(label("softmax"), "float32"), new Tally(label("logSoftmax"), "float32"), new Tally(label("logSumExp"), "float32")];
      tallies.push(...mine);
      expect(p).toBeInstanceOf(Float32Array);
      expect(lp).toBeInstanceOf(Float32Array);
      const cacheP = new Map<number, Exact>();
      const cacheL = new Map<number, Exact>();
      const [tp, tl, ts] = mine as [Tally, Tally, Tally];
      let worst = 0;
      for (let i = 0; i < fx.n; i++) {
        const v = x[i] as number;
        let ep = cacheP.get(v);
        let el = cacheL.get(v);
        if (ep === undefined || el === undefined) {
          const d = dd.add(dd.sub(v, lse[0]), [-lse[1], 0]);
          ep = dd.expScaled(d);
          el = { hi: d[0], lo: d[1], k: 0 };
          cacheP.set(v, ep);
          cacheL.set(v, el);
        }
        worst = Math.max(
          worst,
          tp.add(ulpError(p[i] as number, ep, "float32"), () => `x[${i}] = ${v}`),
        );
        worst = Math.max(
          worst,
          tl.add(ulpError(lp[i] as number, el, "float32"), () => `x[${i}] = ${v}`),
        );
      }
      worst = Math.max(
        worst,
        ts.add(ulpError(l, exactOf(fx.logSumExp), "float32"), () => "the row"),
      );
      expect(worst).toBeLessThanOrEqual(CORRECTLY_ROUNDED_32);
      for (const t of mine) expect(t.percent, t.fn).toBeGreaterThanOrEqual(99.99);
    },
  );

  afterAll(() => report(`long float32 row, n = ${fx.n} (test/accuracy/long-row.test.ts)`, tallies));
});
