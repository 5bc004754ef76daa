/**
 * Gradient checks of the training objective: the analytic gradient (float64, on the
 * family's crossEntropyBackward) against central finite differences of the loss
 * evaluated in 50-digit decimal.js arithmetic with a step of 1e-20, which makes the
 * difference quotient exact to ~1e-40: the reference is the true derivative, not the
 * same formula again.
 */
import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import { exact } from "../../reference/decimal.mjs";
import { objective, type Parameters, scratchFor, zeroParameters } from "../../src/classifier/_internals/objective.js";
import { createRandom } from "../../src/family.js";

const D = Decimal.clone({ precision: 50 });

/** The objective in decimal: mean_i [log Σ_c e^{z_ic} − z_iy] + (l2/2) Σ W². */
function decimalLoss(w: Decimal[], b: Decimal[], k: number, d: number, x: Float64Array, y: Int32Array, l2: number): Decimal {
  const rows = y.length;
  let total = new D(0);
  for (let i = 0; i < rows; i++) {
    const z: Decimal[] = [];
    for (let c = 0; c < k; c++) {
      let s = b[c] as Decimal;
      for (let j = 0; j < d; j++) s = s.plus((w[c * d + j] as Decimal).times(exact(x[i * d + j] as number)));
      z.push(s);
    }
    let sum = new D(0);
    for (const v of z) sum = sum.plus(v.exp());
    total = total.plus(sum.ln().minus(z[y[i] as number] as Decimal));
  }
  let penalty = new D(0);
  for (const v of w) penalty = penalty.plus(v.times(v));
  return total.div(rows).plus(penalty.times(exact(l2)).div(2));
}

function problem(seed: number, rows: number, k: number, d: number, spread: number) {
  const rng = createRandom(seed);
  const p = zeroParameters(k, d);
  for (let i = 0; i < p.w.length; i++) p.w[i] = spread * rng.normal();
  for (let i = 0; i < k; i++) p.b[i] = rng.normal();
  const x = Float64Array.from({ length: rows * d }, () => 2 * rng.normal());
  const y = Int32Array.from({ length: rows }, () => Math.floor(rng.random() * k));
  return { p, x, y };
}

function check(p: Parameters, x: Float64Array, y: Int32Array, l2: number, idx: Int32Array | null) {
  const { k, d } = p;
  const grad = zeroParameters(k, d);
  const rowsUsed = idx ?? Int32Array.from(y, (_, i) => i);
  const loss = objective(p, x, y, idx, l2, grad, scratchFor(y.length, k));
  const xs = Float64Array.from(Array.from(rowsUsed).flatMap((i) => Array.from(x.subarray(i * d, (i + 1) * d))));
  const ys = Int32Array.from(rowsUsed, (i) => y[i] as number);
  const w = Array.from(p.w, (v) => exact(v));
  const b = Array.from(p.b, (v) => exact(v));
  const want = decimalLoss(w, b, k, d, xs, ys, l2);
  expect(Math.abs(loss - want.toNumber())).toBeLessThanOrEqual(8 * Number.EPSILON * Math.abs(want.toNumber()));
  const h = new D("1e-20");
  const fd = (arr: Decimal[], i: number): number => {
    const keep = arr[i] as Decimal;
    arr[i] = keep.plus(h);
    const up = decimalLoss(w, b, k, d, xs, ys, l2);
    arr[i] = keep.minus(h);
    const down = decimalLoss(w, b, k, d, xs, ys, l2);
    arr[i] = keep;
    return up.minus(down).div(h.times(2)).toNumber();
  };
  // Each entry is a mean over rows of terms up to |x|·1; rounding gives a fraction of an eps of that scale (measured max 0.25 ε·(1 + max|x|)).
  const scale = 1 + Math.max(...Array.from(xs, Math.abs));
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    const ref = fd(w, i);
    const err = Math.abs((grad.w[i] as number) - ref);
    worst = Math.max(worst, err / (Number.EPSILON * scale));
    expect(err, `dW[${i}]: got ${grad.w[i]}, expected ${ref}`).toBeLessThanOrEqual(4 * Number.EPSILON * scale);
  }
  for (let i = 0; i < b.length; i++) {
    const ref = fd(b, i);
    const err = Math.abs((grad.b[i] as number) - ref);
    worst = Math.max(worst, err / Number.EPSILON);
    expect(err, `db[${i}]: got ${grad.b[i]}, expected ${ref}`).toBeLessThanOrEqual(4 * Number.EPSILON);
  }
  return worst;
}

describe("objective: loss and gradient against 50-digit finite differences", () => {
  it("matches on small random problems (3 classes, 4 features), with and without L2", () => {
    for (const [seed, l2] of [
      [1, 0],
      [2, 0.01],
      [3, 0.5],
    ] as const) {
      const { p, x, y } = problem(seed, 7, 3, 4, 0.7);
      check(p, x, y, l2, null);
    }
  });

  it("matches on a row subset (a minibatch), with confident logits (p near 1)", () => {
    const { p, x, y } = problem(4, 12, 4, 3, 4);
    check(p, x, y, 0.001, Int32Array.from([0, 3, 4, 7, 11]));
  });

  it("is exactly zero-sum over the classes for db at zero L2 (softmax − onehot sums to 0 per row)", () => {
    const { p, x, y } = problem(5, 9, 5, 2, 1);
    const grad = zeroParameters(5, 2);
    objective(p, x, y, null, 0, grad, scratchFor(9, 5));
    const s = Array.from(grad.b).reduce((a, v) => a + v, 0);
    expect(Math.abs(s)).toBeLessThan(1e-15);
  });
});
