/**
 * What the explorer shows, computed with the library itself (no DOM here, so that Node tests can check it):
 * probabilities, log-probabilities, the walk-through steps, divide-by-sum and the sigmoid/softmax curves.
 */
import { argmax, logSoftmax, logSumExp, sigmoid, softmax } from "../src/index.js";

/** One class: its label (any text, shown as text only), its logit, and whether it is masked out. */
export interface Row {
  label: string;
  logit: number;
  masked: boolean;
}

/** The walk-through of the seeds, step by step, with the numbers the library works with. `null` marks a masked class. */
export interface Steps {
  /** The temperature the steps use (x/T replaces x when T ≠ 1). */
  t: number;
  /** x/T for each class (x itself when T = 1). */
  scaled: (number | null)[];
  /** m = the largest logit among the classes that count (before dividing by T). */
  max: number;
  /** Step 1: (x − m)/T (what the library exponentiates: never above 0, so e^((x−m)/T) never overflows). At T = 0, its limit: 0 for the maxima, −∞ for the rest. */
  shifted: (number | null)[];
  /** Step 2: e^(x/T), the tutorial's numerator (may overflow to ∞ for logits above ~709). */
  exp: (number | null)[];
  /** Step 2, as computed: e^((x − m)/T), in [0, 1]. */
  expShifted: (number | null)[];
  /** Step 3: Σ e^(x/T) over the classes that count, summed left to right like the tutorials and the CLI (∞ when it overflows; NaN at T = 0; 0 when nothing counts). */
  sum: number;
  /** Step 3, as computed: Σ e^((x − m)/T) (between 1 and the number of classes). */
  sumShifted: number;
  /** Step 4: p = e^(x/T) / Σ, from the library's softmax. */
  p: number[];
  /** Step 5: the predicted class (library argmax over the unmasked classes), or null when nothing counts. */
  argmax: number | null;
}

/** The state of the page's main chart. */
export interface Result {
  p: number[];
  logp: number[];
  steps: Steps;
}

/** Probabilities, log-probabilities and the walk-through for the rows at temperature `t`. */
export function compute(rows: readonly Row[], t: number): Result {
  const x = rows.map((r) => r.logit);
  const where = rows.map((r) => !r.masked);
  const p = softmax(x, { temperature: t, where });
  const logp = logSoftmax(x, { temperature: t, where });
  return { p, logp, steps: stepsOf(x, where, t, p) };
}

function stepsOf(x: readonly number[], where: readonly boolean[], t: number, p: number[]): Steps {
  const on = (i: number): boolean => where[i] === true;
  const anyOn = where.some((w) => w);
  const m = maxOf(x, where);
  const scaled = x.map((v, i) => (on(i) ? (t === 1 ? v : v / t) : null));
  // At T = 0 the steps are their limits as T → 0+: (x − m)/T → 0 for the maxima and −∞ for the rest; e^(x/T) has no limit worth showing.
  const shifted = x.map((v, i) => (on(i) ? (t === 0 ? (v === m ? 0 : Number.NEGATIVE_INFINITY) : (v - m) / t) : null));
  const exp = scaled.map((v) => (v === null ? null : t === 0 ? Number.NaN : Math.exp(v)));
  const expShifted = shifted.map((v) => (v === null ? null : Math.exp(v)));
  let sumShifted = 0;
  for (const v of expShifted) if (v !== null) sumShifted += v;
  // Σ e^(x/T) the tutorial's way (left to right over the unmasked classes, as the CLI's explain does); where it
  // overflows the library's logSumExp says whether the true sum is finite (it is not: e^(lse/T) overflows too).
  let sum = 0;
  for (const v of exp) if (v !== null) sum += v;
  if (anyOn && t > 0 && !Number.isFinite(sum)) sum = Math.exp((logSumExp(x, { temperature: t, where }) as number) / t);
  const am = anyOn ? (argmax(x, { where }) as number) : Number.NaN;
  return { t, scaled, max: m, shifted, exp, expShifted, sum, sumShifted, p, argmax: Number.isNaN(am) ? null : am };
}

/** The largest unmasked logit (NaN if one is NaN, −∞ if none counts). The library subtracts it first, then divides by T. */
function maxOf(x: readonly number[], where: readonly boolean[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (!where[i]) continue;
    if (Number.isNaN(v)) return Number.NaN;
    if (v > m) m = v;
  }
  return m;
}

/** Dividing by the sum instead of softmax: z / Σz (the "normalization" seed 003 argues against). */
export function divideBySum(z: readonly number[]): number[] {
  let s = 0;
  for (const v of z) s += v;
  return z.map((v) => v / s);
}

/** Why divide-by-sum fails for `z`, in words (null when the result happens to be a distribution). */
export function divideBySumProblem(z: readonly number[]): string | null {
  const d = divideBySum(z);
  if (d.some((v) => !Number.isFinite(v))) return "the sum is 0: division by zero";
  if (d.some((v) => v < 0 || v > 1)) return "negative entries: not probabilities";
  if (z.some((v) => v === 0)) return "a logit of 0 gets probability 0";
  return "keeps the ratios of z: no notion of confidence";
}

/** σ(z) and softmax([z, 0])[0] at `n` evenly spaced points of [lo, hi], both from the library, and the largest difference between them. */
export function sigmoidVersusSoftmax(lo = -10, hi = 10, n = 201): { z: Float64Array; sigma: Float64Array; soft: Float64Array; maxDiff: number } {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = lo + ((hi - lo) * i) / (n - 1);
  const sigma = sigmoid(z);
  const pairs = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) pairs[2 * i] = z[i] as number;
  const sm = softmax({ data: pairs, shape: [n, 2] });
  const soft = new Float64Array(n);
  for (let i = 0; i < n; i++) soft[i] = sm.data[2 * i] as number;
  let maxDiff = 0;
  for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs((sigma[i] as number) - (soft[i] as number)));
  return { z, sigma, soft, maxDiff };
}
