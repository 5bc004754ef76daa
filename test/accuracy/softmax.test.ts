/**
 * Measured accuracy of softmax and logSoftmax against the 64-digit decimal.js
 * fixtures (test/fixtures/softmax-family.json, `npm run fixtures`).
 *
 * Bounds (issue 2): float64 ≤ 4 ulp for every output; float32 in → float32 out
 * correctly rounded (≤ 0.5 ulp) in ≥ 99.99% of outputs and never worse than
 * 1 ulp. ulp as defined in ./ulp.ts (clamped to the least subnormal below the
 * normal range).
 */
import { afterAll, describe, expect, it } from "vitest";
import { lastBackend, logSoftmax, setBackend, softmax } from "../../src/index.js";
import { family, inputOf, type RowFixture } from "./fixtures.js";
import { CORRECTLY_ROUNDED_32, exactOf, type Format, report, Tally, ulpError } from "./ulp.js";

const fx = family();
const BOUND = { float64: 4, float32: CORRECTLY_ROUNDED_32 } as const;
// Float32 rows run twice: on the JavaScript kernels (setBackend("js")) and under the default dispatch
// ("auto": the WASM kernels take float32 inputs of ≥ 64 elements), each with its own tally.
const tallies = {
  softmax: { float64: new Tally("softmax", "float64"), float32: new Tally("softmax [js]", "float32"), auto: new Tally("softmax [auto]", "float32") },
  logSoftmax: {
    float64: new Tally("logSoftmax", "float64"),
    float32: new Tally("logSoftmax [js]", "float32"),
    auto: new Tally("logSoftmax [auto]", "float32"),
  },
};
const backendsSeen = new Set<string>();

type Fn = (x: never, o?: { temperature?: number; axis?: number }) => unknown;

/** Runs `fn` on the row as given (number[] / Float32Array) and as a column tensor along axis 0 (a strided slice). */
function outputs(fn: Fn, row: RowFixture): ArrayLike<number>[] {
  const options = row.t === undefined ? {} : { temperature: row.t };
  const plain = fn(inputOf(row) as never, options) as ArrayLike<number>;
  const n = row.x.length;
  const Ctor = row.dtype === "float32" ? Float32Array : Float64Array;
  const data = new Ctor(2 * n);
  row.x.forEach((v, i) => {
    data[2 * i] = v;
    data[2 * i + 1] = -v;
  });
  const column = fn({ data, shape: [n, 2] } as never, { ...options, axis: 0 }) as { data: Float32Array | Float64Array };
  const strided = Array.from({ length: n }, (_, i) => column.data[2 * i] as number);
  return [plain, strided];
}

function check(name: "softmax" | "logSoftmax", fn: Fn, rows: (RowFixture & { exact: (string | null)[] })[], backend: "js" | "auto"): string[] {
  const failures: string[] = [];
  setBackend(backend);
  for (const row of rows) {
    if (backend === "auto" && row.dtype === "float64") continue;
    const exact = row.exact.map(exactOf);
    const format: Format = row.dtype;
    const tally = backend === "auto" ? tallies[name].auto : tallies[name][format];
    const ys = outputs(fn, row);
    backendsSeen.add(lastBackend());
    for (const [variant, y] of ys.entries()) {
      if (variant === 0) expect(y).toBeInstanceOf(format === "float32" ? Float32Array : Array);
      for (let i = 0; i < row.x.length; i++) {
        const e = exact[i] as (typeof exact)[number];
        const err = tally.add(ulpError(y[i] as number, e, format), () => `${row.name}[${i}]${variant ? " (strided)" : ""}`);
        if (!(err <= BOUND[format])) failures.push(`${name} ${row.name}[${i}]: got ${y[i]}, exact ${row.exact[i]}, ${err.toFixed(3)} ulp`);
      }
    }
  }
  setBackend("auto");
  return failures;
}

describe("softmax accuracy against decimal.js (64 digits)", () => {
  it(`softmax: float64 ≤ ${BOUND.float64} ulp, float32 ≤ ${BOUND.float32} ulp on ${fx.softmax.length} rows`, () => {
    expect(check("softmax", softmax as Fn, fx.softmax, "js")).toEqual([]);
    expect(check("softmax", softmax as Fn, fx.softmax, "auto")).toEqual([]);
    expect(tallies.softmax.float32.percent).toBeGreaterThanOrEqual(99.99);
    expect(tallies.softmax.auto.percent).toBeGreaterThanOrEqual(99.99);
  });

  it(`logSoftmax: float64 ≤ ${BOUND.float64} ulp, float32 ≤ ${BOUND.float32} ulp on ${fx.logSoftmax.length} rows`, () => {
    expect(check("logSoftmax", logSoftmax as Fn, fx.logSoftmax, "js")).toEqual([]);
    expect(check("logSoftmax", logSoftmax as Fn, fx.logSoftmax, "auto")).toEqual([]);
    expect(tallies.logSoftmax.float32.percent).toBeGreaterThanOrEqual(99.99);
    expect(tallies.logSoftmax.auto.percent).toBeGreaterThanOrEqual(99.99);
  });

  it("logSoftmax([0, -46]) = -1.0530617357553812e-20, not 0", () => {
    const y = logSoftmax([0, -46]);
    expect(y[0]).toBe(-1.0530617357553812e-20);
    // The exact -46 - 1.05e-20 rounds to -46.
    expect(y[1]).toBe(-46);
  });

  afterAll(() => {
    report("softmax / logSoftmax accuracy (test/accuracy/softmax.test.ts)", [
      tallies.softmax.float64,
      tallies.softmax.float32,
      tallies.softmax.auto,
      tallies.logSoftmax.float64,
      tallies.logSoftmax.float32,
      tallies.logSoftmax.auto,
    ]);
    console.log(`backends that ran: ${[...backendsSeen].join(", ")}`);
  });
});
