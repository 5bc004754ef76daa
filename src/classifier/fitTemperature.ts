import { checkOptions } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { integerOption } from "./_internals/checks.js";
import { maxOfRow } from "./_internals/entropy.js";
import { sumOf, toClassIndices, toMatrix } from "./_internals/matrix.js";

/** Options of {@link fitTemperature}. */
export interface FitTemperatureOptions {
  /** Most Newton/bisection steps (an integer ≥ 1), after the bracketing. Default 200; typical fits take 5–10. */
  maxIterations?: number;
}

/** The fitted temperature and what it changed. */
export interface FitTemperatureResult {
  /** The T ≥ 0 that minimises the mean negative log-likelihood of softmax(z / T). `Infinity` and 0 are limits (see the table). */
  temperature: number;
  /** Mean negative log-likelihood (nats) at the fitted temperature. */
  nll: number;
  /** Mean negative log-likelihood at T = 1 (the logits as they are). */
  nllAtOne: number;
  /** Steps taken: bracket doublings plus Newton/bisection steps. */
  iterations: number;
}

/** Per-row moments at β = 1/T, summed over the rows: g (NLL), g' and g''. */
function moments(z: Float64Array, rows: number, k: number, y: Int32Array, beta: number, want: "all" | "nll") {
  const nll = new Float64Array(rows);
  const d1 = new Float64Array(rows);
  const d2 = new Float64Array(rows);
  let scale = 0;
  for (let i = 0; i < rows; i++) {
    const off = i * k;
    const { value: m, index: a } = maxOfRow(z, off, k);
    // s = 1 + r with r = Σ_{c≠a} e^{β(z_c - m)}; p_c = e_c / s.
    let r = 0;
    for (let c = 0; c < k; c++) if (c !== a) r += Math.exp(beta * ((z[off + c] as number) - m));
    const s = 1 + r;
    const zy = z[off + (y[i] as number)] as number;
    nll[i] = Math.log1p(r) + beta * (m - zy);
    if (want === "nll") continue;
    // mean of d_c = z_c - m under p, then g' = E[z] - z_y and g'' = Var[z].
    let mu = 0;
    for (let c = 0; c < k; c++) if (c !== a) mu += (Math.exp(beta * ((z[off + c] as number) - m)) / s) * ((z[off + c] as number) - m);
    let v = 0;
    for (let c = 0; c < k; c++) {
      const p = c === a ? 1 / s : Math.exp(beta * ((z[off + c] as number) - m)) / s;
      const dev = (z[off + c] as number) - m - mu;
      v += p * dev * dev;
    }
    d1[i] = mu - (zy - m);
    d2[i] = v;
    scale += Math.abs(mu) + Math.abs(zy - m);
  }
  // noise: a bound on the rounding error of g' (terms of size |E[d]| + |z_y − m|, each a few roundings off).
  return { nll: sumOf(nll) / rows, d1: sumOf(d1) / rows, d2: sumOf(d2) / rows, noise: (16 * Number.EPSILON * scale) / rows };
}

/**
 * Temperature scaling: the T that minimises the mean negative log-likelihood
 * of held-out labels under softmax(logits / T). Fit it on validation data, then
 * use `softmax(z, { temperature: T })` (or `model.temperature = T`). The
 * argmax, hence the accuracy, does not change.
 *
 * ```ts
 * const { temperature } = fitTemperature(model.logits(Xval), yvalIndices);
 * ```
 *
 * **Method.** With β = 1/T the objective g(β) = mean_i [log Σ_c e^{β z_ic} − β z_iy]
 * is convex in β (a log-sum-exp of linear functions): g'(β) = mean_i (E_p[z_i] − z_iy)
 * and g''(β) = mean_i Var_p[z_i] ≥ 0. The sign of g' at β = 0 and as β → ∞ decides
 * whether a finite minimiser exists; if so it is bracketed by doubling and found
 * by Newton's method, falling back to bisection whenever a step leaves the
 * bracket. Row terms use log1p and max-shifted exponentials; row sums are compensated.
 *
 * **Accuracy.** Stops when |g'(β)| is under a bound on its own rounding error
 * (16 ε per row term) or a step is under 4 ulp of β: the minimiser of the float64 NLL
 * as well as the NLL can tell (typically 5–8 steps). `test/classifier/fitTemperature.test.ts`
 * checks that no point of a 4001-point brute-force grid (and of a fine grid around the
 * answer) has a lower NLL, and that the NLL it reports matches a 50-digit recomputation.
 *
 * **Special cases**
 * | logits | temperature |
 * |---|---|
 * | g'(0) ≥ 0: logits no better than uniform | `Infinity` (uniform probabilities) |
 * | every label at its row maximum (separable) | 0 (the argmax limit; NLL decreases without bound in β) |
 * | every row constant | 1 (every T gives the same NLL) |
 * | minimiser beyond β = 2^1000 (logit gaps under ~1e-301) | ≈ 2^-1000 (the bracket is not grown further) |
 *
 * @throws {SoftmaxError} SHAPE_MISMATCH unless logits is 2-D (rows × classes) with one label per row;
 * INVALID_INPUT for non-finite logits or labels outside [0, classes); EMPTY for no rows.
 */
export function fitTemperature(logits: unknown, labels: ArrayLike<number>, options?: FitTemperatureOptions): FitTemperatureResult {
  const fn = "fitTemperature";
  const o = checkOptions(options, ["maxIterations"], fn);
  const maxIterations = integerOption(o.maxIterations, fn, "maxIterations", 200, 1);
  const { data: z, rows, cols: k } = toMatrix(logits, fn, "logits", "a 2-D matrix (rows × classes)");
  const y = toClassIndices(labels, k, rows, fn, "labels");
  if (rows === 0 || k === 0) {
    return emptyResult(fn);
  }
  const nllAtOne = moments(z, rows, k, y, 1, "nll").nll;
  const at0 = moments(z, rows, k, y, 0, "all");
  let dInf = 0;
  const gaps = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) m = Math.max(m, z[i * k + c] as number);
    gaps[i] = m - (z[i * k + (y[i] as number)] as number);
  }
  dInf = sumOf(gaps) / rows;
  const done = (beta: number, iterations: number): FitTemperatureResult => ({
    temperature: beta === 0 ? Number.POSITIVE_INFINITY : beta === Number.POSITIVE_INFINITY ? 0 : 1 / beta,
    nll: beta === Number.POSITIVE_INFINITY ? limitNll(z, rows, k, y) : moments(z, rows, k, y, beta, "nll").nll,
    nllAtOne,
    iterations,
  });
  if (at0.d1 >= 0) return done(at0.d2 === 0 && dInf === 0 ? 1 : 0, 0);
  if (dInf === 0) return done(Number.POSITIVE_INFINITY, 0);

  // Bracket: g'(lo) < 0 < g'(hi).
  let lo = 0;
  let hi = 1;
  let iterations = 0;
  let m = moments(z, rows, k, y, hi, "all");
  while (m.d1 < 0 && hi < 2 ** 1000) {
    lo = hi;
    hi *= 2;
    iterations++;
    m = moments(z, rows, k, y, hi, "all");
  }
  if (m.d1 === 0) return done(hi, iterations);
  // Safeguarded Newton from the end of the bracket with the smaller |g'|.
  let beta = lo === 0 ? hi : lo;
  m = moments(z, rows, k, y, beta, "all");
  // maxIterations bounds the Newton/bisection steps; the doublings above (at most ~1000, for logits near the underflow threshold) come on top.
  for (let step = 0; step < maxIterations; step++, iterations++) {
    if (Math.abs(m.d1) <= m.noise) break;
    if (m.d1 < 0) lo = beta;
    else hi = beta;
    const newton = m.d2 > 0 ? beta - m.d1 / m.d2 : Number.NaN;
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    const moved = Math.abs(next - beta);
    beta = next;
    m = moments(z, rows, k, y, beta, "all");
    if (moved <= 4 * Number.EPSILON * beta || hi - lo <= 4 * Number.EPSILON * hi) {
      iterations++;
      break;
    }
  }
  return done(beta, iterations);
}

/** NLL as β → ∞: mean log(number of classes tied at the maximum of the row). */
function limitNll(z: Float64Array, rows: number, k: number, y: Int32Array): number {
  const terms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) m = Math.max(m, z[i * k + c] as number);
    let ties = 0;
    for (let c = 0; c < k; c++) if (z[i * k + c] === m) ties++;
    terms[i] = z[i * k + (y[i] as number)] === m ? Math.log(ties) : Number.POSITIVE_INFINITY;
  }
  return sumOf(terms) / rows;
}

function emptyResult(fn: string): never {
  throw new SoftmaxError({ code: "EMPTY", fn, arg: "logits", expected: "at least one row and one class" });
}
