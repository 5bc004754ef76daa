import { checkOptions } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { integerOption } from "./_internals/checks.js";
import { maxOfRow } from "./_internals/entropy.js";
import { sumOf, toClassIndices, toMatrix } from "./_internals/matrix.js";

/** Options of {@link reliabilityBins} and {@link expectedCalibrationError}. */
export interface ReliabilityOptions {
  /** Number of equal-width confidence bins over [0, 1] (an integer ≥ 1). Default 15 (Guo et al., 2017). */
  bins?: number;
}

/** One confidence bin (lower, upper]; the first bin also holds confidence 0. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  /** Rows whose confidence falls in the bin. */
  count: number;
  /** Mean confidence (largest probability) of those rows; NaN for an empty bin. */
  confidence: number;
  /** Fraction of those rows whose argmax is the label; NaN for an empty bin. */
  accuracy: number;
}

/** The bins and the summary errors. */
export interface ReliabilityResult {
  bins: ReliabilityBin[];
  /** Expected calibration error: Σ_b (n_b / n) · |accuracy_b − confidence_b|. */
  ece: number;
  /** Maximum calibration error: max over non-empty bins of |accuracy_b − confidence_b|. */
  mce: number;
  /** Rows counted. */
  count: number;
  /** Overall accuracy and mean confidence. */
  accuracy: number;
  confidence: number;
}

/** The bin of confidence c among `b` equal bins (lower, upper], edges exactly i/b (no rounding of c·b). */
export function binOf(c: number, b: number): number {
  let i = Math.min(b - 1, Math.max(0, Math.ceil(c * b) - 1));
  while (i > 0 && c <= i / b) i--;
  while (i < b - 1 && c > (i + 1) / b) i++;
  return i;
}

/**
 * Reliability diagram data: rows binned by confidence (their largest
 * probability), with each bin's mean confidence and accuracy, the expected
 * calibration error (ECE) and the maximum calibration error (MCE).
 *
 * ```ts
 * const { ece, mce, bins } = reliabilityBins(model.predictProba(Xtest), yTestIndices, { bins: 10 });
 * ```
 *
 * **Method.** Confidence = max_c p_ic, prediction = its first index (ties go to
 * the lowest class). Bin b holds confidences in (b/B, (b+1)/B] (bin 0 also holds 0), with
 * edges compared exactly rather than through c·B. Means use compensated sums.
 *
 * **Accuracy.** Counts are exact; the means are within a few ulp (hand-computed cases in
 * `test/classifier/reliabilityBins.test.ts`). ECE depends on the binning; it is a
 * biased estimate for small bins (Kumar et al., 2019).
 *
 * **Special cases**
 * | input | output |
 * |---|---|
 * | empty bin | count 0, confidence and accuracy NaN, left out of ECE and MCE |
 * | no rows | all bins empty, ece = mce = 0, accuracy and confidence NaN |
 * | confidence exactly at an edge i/B | the lower bin (bins are closed above) |
 *
 * @throws {SoftmaxError} SHAPE_MISMATCH unless probabilities is 2-D (rows × classes) with one label per row;
 * INVALID_INPUT for entries outside [0, 1] or labels outside [0, classes); INVALID_OPTION for bins.
 */
export function reliabilityBins(probabilities: unknown, labels: ArrayLike<number>, options?: ReliabilityOptions): ReliabilityResult {
  return binsOf("reliabilityBins", probabilities, labels, options);
}

/** The body shared with {@link expectedCalibrationError}. */
export function binsOf(fn: string, probabilities: unknown, labels: ArrayLike<number>, options: unknown): ReliabilityResult {
  const o = checkOptions(options, ["bins"], fn);
  const b = integerOption(o.bins, fn, "bins", 15, 1, 1e6);
  const { data: p, rows, cols: k } = toMatrix(probabilities, fn, "probabilities", "a 2-D matrix (rows × classes)");
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (!(v >= 0 && v <= 1)) {
      throw new SoftmaxError({
        code: "INVALID_INPUT",
        fn,
        arg: "probabilities",
        path: `[${Math.floor(i / k)}][${i % k}]`,
        expected: "a probability in [0, 1]",
        received: v,
      });
    }
  }
  const y = toClassIndices(labels, k, rows, fn, "labels");
  if (k === 0 && rows > 0) throw new SoftmaxError({ code: "EMPTY", fn, arg: "probabilities", expected: "at least one class" });
  const conf: number[][] = Array.from({ length: b }, () => []);
  const hits = new Int32Array(b);
  const all = new Float64Array(rows);
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const { value, index } = maxOfRow(p, i * k, k);
    const bin = binOf(value, b);
    (conf[bin] as number[]).push(value);
    all[i] = value;
    if (index === y[i]) {
      hits[bin] = (hits[bin] as number) + 1;
      correct++;
    }
  }
  const bins: ReliabilityBin[] = [];
  const weighted = new Float64Array(b);
  let mce = 0;
  for (let j = 0; j < b; j++) {
    const c = conf[j] as number[];
    const n = c.length;
    const confidence = n === 0 ? Number.NaN : sumOf(c) / n;
    const accuracy = n === 0 ? Number.NaN : (hits[j] as number) / n;
    bins.push({ lower: j / b, upper: (j + 1) / b, count: n, confidence, accuracy });
    if (n > 0) {
      const gap = Math.abs(accuracy - confidence);
      weighted[j] = (n / rows) * gap;
      mce = Math.max(mce, gap);
    }
  }
  return {
    bins,
    ece: sumOf(weighted),
    mce,
    count: rows,
    accuracy: rows === 0 ? Number.NaN : correct / rows,
    confidence: rows === 0 ? Number.NaN : sumOf(all) / rows,
  };
}
