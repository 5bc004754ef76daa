/** The explorer's pure parts (number formatting, parsing, the walk-through, divide-by-sum, the sigmoid curves), in Node, against decimal.js. */
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fmt, parseLogit, parseLogitList, positionOf, temperatureAt } from "../../explorer/format.js";
import { compute, divideBySum, divideBySumProblem, sigmoidVersusSoftmax } from "../../explorer/model.js";
import { DIV_BY_SUM_EXAMPLES, PRESETS } from "../../explorer/presets.js";
import { exact } from "../../reference/decimal.mjs";

Decimal.set({ precision: 60 });

const rows = (x: number[], masked: boolean[] = []) => x.map((logit, i) => ({ logit, label: `c${i}`, masked: masked[i] === true }));

/** Σ e^(x_i/T) over the unmasked i, to 60 digits (x_i and T converted exactly, not through their shortest decimal form). */
function refSum(x: number[], t = 1, masked: boolean[] = []): Decimal {
  let s = new Decimal(0);
  x.forEach((v, i) => {
    if (!masked[i]) s = s.plus(exact(v).div(exact(t)).exp());
  });
  return s;
}

describe("fmt", () => {
  it("rounds like the seeds and writes tiny values with an exponent", () => {
    expect([-1, 1, 2, 3].map((v) => fmt(Math.exp(v), 2))).toEqual(["0.37", "2.72", "7.39", "20.09"]);
    expect(fmt(30.560698, 2)).toBe("30.56");
    expect(fmt(1.52299795e-8, 2)).toBe("1.52e-8");
    expect(fmt(3.72007598e-44, 3)).toBe("3.72e-44");
    expect(fmt(3.72007598e-44, 6)).toBe("3.72008e-44");
    expect(fmt(2.6881171418161356e43, 2)).toBe("2.69e43");
    expect(fmt(0.004, 2)).toBe("4.00e-3");
    expect(fmt(0.005, 2)).toBe("0.01");
  });

  it("names the special values and drops the sign of zero", () => {
    expect(fmt(Number.NaN, 2)).toBe("NaN");
    expect(fmt(Number.POSITIVE_INFINITY, 2)).toBe("∞");
    expect(fmt(Number.NEGATIVE_INFINITY, 3)).toBe("-∞");
    expect(fmt(-0, 2)).toBe("0.00");
    expect(fmt(-0, "full")).toBe("0");
  });

  it('"full" is the shortest text that reads back as the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(Object.is(Number(fmt(v, "full")), v === 0 ? 0 : v)).toBe(true);
      }),
    );
  });

  it("stays within half a unit of the last decimal shown", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(2 as const, 3 as const, 4 as const, 6 as const), (v, d) => {
        const shown = Number(fmt(v, d));
        expect(Math.abs(shown - v)).toBeLessThanOrEqual(0.5 * 10 ** -d * (1 + 1e-9) + Math.abs(v) * 1e-15);
      }),
    );
  });
});

describe("parseLogit / parseLogitList", () => {
  it("reads numbers, infinities and NaN, and refuses the rest", () => {
    expect(parseLogit(" -1.5 ")).toBe(-1.5);
    expect(parseLogit("1e3")).toBe(1000);
    expect(parseLogit("−2")).toBe(-2);
    expect(parseLogit("inf")).toBe(Number.POSITIVE_INFINITY);
    expect(parseLogit("-∞")).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(parseLogit("NaN"), Number.NaN)).toBe(true);
    for (const bad of ["", "abc", "1,5", "0x10", "1e", "--1", "<img src=x>"]) expect(parseLogit(bad), bad).toBeNull();
  });

  it("reads lists with or without brackets", () => {
    expect(parseLogitList("[-1, 1, 2, 3]")).toEqual([-1, 1, 2, 3]);
    expect(parseLogitList("0.25 1.23 -0.8")).toEqual([0.25, 1.23, -0.8]);
    expect(parseLogitList("1, x")).toBeNull();
    expect(parseLogitList("[]")).toBeNull();
  });

  it("reads back every finite double written with String()", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 8 }), (xs) => {
        expect(parseLogitList(`[${xs.map(String).join(", ")}]`)).toEqual(xs.map((v) => (v === 0 ? 0 : v)));
      }),
    );
  });
});

describe("temperature slider scale", () => {
  it("0 is T = 0, the middle is T = 1, the end is T = 1000", () => {
    expect(temperatureAt(0)).toBe(0);
    expect(temperatureAt(50)).toBe(1);
    expect(temperatureAt(100)).toBe(1000);
    expect(temperatureAt(1)).toBeCloseTo(10 ** -2.94, 15);
  });

  it("positionOf inverts temperatureAt", () => {
    for (let pos = 0; pos <= 100; pos++) expect(positionOf(temperatureAt(pos))).toBe(pos);
    expect(positionOf(1e9)).toBe(100);
    expect(positionOf(1e-9)).toBe(1);
  });
});

describe("compute: the walk-through", () => {
  it("gives seed 000's numbers for [-1, 1, 2, 3]", () => {
    const r = compute(rows([-1, 1, 2, 3]), 1);
    const s = r.steps;
    expect(s.max).toBe(3);
    expect(s.shifted).toEqual([-4, -2, -1, 0]);
    expect(s.exp.map((v) => fmt(v as number, 2))).toEqual(["0.37", "2.72", "7.39", "20.09"]);
    expect(fmt(s.sum, 2)).toBe("30.56");
    expect(fmt(s.sumShifted, 2)).toBe("1.52");
    expect(r.p.map((v) => fmt(v, 2))).toEqual(["0.01", "0.09", "0.24", "0.66"]);
    expect(s.argmax).toBe(3);
  });

  it("sums and probabilities agree with 60-digit references (random logits, temperatures, masks)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.array(fc.boolean(), { maxLength: 8 }),
        (x, t, mask) => {
          const masked = x.map((_, i) => mask[i] === true);
          if (masked.every(Boolean)) masked[0] = false;
          const r = compute(rows(x, masked), t);
          const sum = refSum(x, t, masked);
          // sum = e^(logSumExp/T): a relative error ε in logSumExp/T becomes ε·|ln sum| in the sum.
          const lnSum = Math.abs(sum.ln().toNumber());
          if (sum.gt(Number.MAX_VALUE)) expect(r.steps.sum).toBe(Number.POSITIVE_INFINITY);
          else if (sum.lt(2 ** -1022))
            expect(Math.abs(r.steps.sum - sum.toNumber())).toBeLessThanOrEqual(2 ** -1060); // subnormal: absolute
          else expect(Math.abs(r.steps.sum - sum.toNumber()) / sum.toNumber()).toBeLessThan(1e-15 + 8e-16 * lnSum);
          x.forEach((v, i) => {
            const want = masked[i] ? 0 : exact(v).div(exact(t)).exp().div(sum).toNumber();
            // The page shows at most 17 significant digits; the library's own ulp bounds are tested in test/accuracy/.
            expect(Math.abs((r.p[i] as number) - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-13 + 1e-300);
            if (masked[i]) {
              expect(r.steps.shifted[i]).toBeNull();
              expect(Object.is(r.logp[i], Number.NEGATIVE_INFINITY)).toBe(true);
            }
          });
          const live = x.map((v, i) => (masked[i] ? Number.NEGATIVE_INFINITY : v));
          expect(r.steps.argmax).toBe(live.indexOf(Math.max(...live)));
          expect(r.steps.sumShifted).toBeGreaterThanOrEqual(1);
        },
      ),
    );
  });

  it("T = 0 is the argmax limit; large T is nearly uniform", () => {
    const zero = compute(rows([-1, 1, 2, 3]), 0);
    expect(zero.p).toEqual([0, 0, 0, 1]);
    expect(zero.steps.shifted).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]);
    expect(zero.steps.sumShifted).toBe(1);
    expect(Number.isNaN(zero.steps.sum)).toBe(true);
    const hot = compute(rows([-1, 1, 2, 3]), 1000);
    for (const v of hot.p) expect(Math.abs(v - 0.25)).toBeLessThan(0.001);
  });

  it("e^x overflows where the shifted form does not, and every class masked means no prediction", () => {
    const big = compute(rows([1000, 999]), 1);
    expect(big.steps.exp).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(big.steps.sum).toBe(Number.POSITIVE_INFINITY);
    expect(big.steps.expShifted[1]).toBeCloseTo(Math.exp(-1), 15);
    expect(big.p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    const none = compute(rows([1, 2], [true, true]), 1);
    expect(none.steps.argmax).toBeNull();
    expect(none.p).toEqual([0, 0]);
    expect(none.steps.sum).toBe(0);
    const nan = compute(rows([1, Number.NaN]), 1);
    expect(nan.steps.argmax).toBeNull();
    expect(nan.p.every(Number.isNaN)).toBe(true);
  });
});

describe("presets", () => {
  it("hold every seed example with one label per logit", () => {
    const lists = PRESETS.map((p) => JSON.stringify(p.logits));
    for (const want of [
      [-1, 1, 2, 3],
      [1.3, 5.1, 2.2, 0.7, 1.1],
      [1.25, 2.44, 0.78, 0.12],
      [0.25, 1.23, -0.8],
      [-0.25, 1, -0.75],
      [0.1, 0.9, 0.2],
      [0, 0.9, 0.1],
      [13, 31, 5],
      [0, 100, 0],
    ]) {
      expect(lists).toContain(JSON.stringify(want));
    }
    for (const p of PRESETS) expect(p.labels.length).toBe(p.logits.length);
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });
});

describe("divide-by-sum", () => {
  it("reproduces seed 003's outputs and names each failure", () => {
    const out = Object.fromEntries(DIV_BY_SUM_EXAMPLES.map((e) => [e.name, divideBySum(e.z).map((v) => fmt(v, 3))]));
    expect(out["z1"]).toEqual(["0.368", "1.809", "-1.176"]);
    expect(out["z2"]).toEqual(["-∞", "∞", "-∞"]);
    expect(out["z3"]).toEqual(["0.083", "0.750", "0.167"]);
    expect(out["z4"]).toEqual(["0.000", "0.900", "0.100"]);
    expect(divideBySumProblem([0.25, 1.23, -0.8])).toContain("negative");
    expect(divideBySumProblem([-0.25, 1, -0.75])).toContain("division by zero");
    expect(divideBySumProblem([0, 0.9, 0.1])).toContain("probability 0");
  });
});

describe("sigmoidVersusSoftmax", () => {
  it("σ(z) and softmax([z, 0])[0] coincide over [-10, 10] and match 60-digit σ", () => {
    const c = sigmoidVersusSoftmax();
    expect(c.z.length).toBe(201);
    expect(c.z[0]).toBe(-10);
    expect(c.z[200]).toBe(10);
    expect(c.maxDiff).toBeLessThanOrEqual(2 ** -53);
    for (let i = 0; i < c.z.length; i += 10) {
      const want = new Decimal(1)
        .div(
          exact(-(c.z[i] as number))
            .exp()
            .plus(1),
        )
        .toNumber();
      expect(Math.abs((c.sigma[i] as number) - want)).toBeLessThanOrEqual(want * 2 ** -51);
      expect(Math.abs((c.soft[i] as number) - want)).toBeLessThanOrEqual(want * 2 ** -51);
    }
  });
});
