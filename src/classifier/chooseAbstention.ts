import { checkOptions } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import type { AbstainRule } from "./_internals/abstain.js";
import { numberOption } from "./_internals/checks.js";
import { entropyOfRow, maxOfRow } from "./_internals/entropy.js";
import { toClassIndices, toMatrix } from "./_internals/matrix.js";

export type { AbstainRule } from "./_internals/abstain.js";

/** Options of {@link chooseAbstention}: give exactly one of `coverage` and `maxError`. */
export interface ChooseAbstentionOptions {
  /** The score to threshold: "probability" (the largest probability, default) or "entropy" (in nats). */
  by?: "probability" | "entropy";
  /** Answer at least this fraction of the rows, in (0, 1]: the strictest threshold that still does. */
  coverage?: number;
  /** Keep the error among answered rows at or below this, in [0, 1): the threshold that answers the most rows while doing so. */
  maxError?: number;
}

/** The chosen rule and what it gives on the data it was chosen on. */
export interface AbstentionChoice {
  /** Pass as `predict(X, { abstain })`. */
  abstain: AbstainRule;
  /** Fraction of rows answered (not abstained on). */
  coverage: number;
  /** Error rate among the answered rows (0 when none are answered). */
  error: number;
  /** Number of rows answered. */
  answered: number;
}

/**
 * Picks the abstention threshold for a target coverage or a target error rate on
 * validation data (probabilities and labels the model has not been trained on).
 *
 * ```ts
 * const { abstain } = chooseAbstention(model.predictProba(Xval), yvalIndices, { maxError: 0.01 });
 * model.predict(Xnew, { abstain }); // labels, or null for "none of the above"
 * ```
 *
 * **Method.** Rows are sorted by score (largest probability, or minus the
 * entropy); a threshold can only fall between distinct scores, so ties are
 * answered or abstained on together. For `coverage` the fewest rows whose
 * fraction reaches the target are kept; for `maxError` the largest prefix whose
 * error rate is ≤ the target. The threshold is the score of the last row kept,
 * so the same probabilities give the same decisions in `predict` (accept
 * p_max ≥ minProbability, or entropy ≤ maxEntropy).
 *
 * **What it can and cannot do.** It trades coverage for accuracy on inputs that
 * look like the validation data. It cannot detect inputs from outside the classes
 * (a flower that is not an iris): softmax always spreads 1 over the known classes,
 * and a far-away input usually gets a *more* confident answer, not a less confident one.
 * The figures it returns are measured on the data it was chosen on, hence optimistic.
 *
 * **Accuracy.** No arithmetic beyond counting: the threshold is the (computed)
 * score of a row, not an interpolation, and coverage / error rate are ratios of
 * integer counts, each one correctly rounded division (`test/classifier/chooseAbstention.test.ts`).
 *
 * **Special cases**
 * | situation | result |
 * |---|---|
 * | no threshold meets `maxError` | abstain on everything: `minProbability: Infinity` / `maxEntropy: -Infinity`, coverage 0 |
 * | ties at the cut | all tied rows answered (coverage may exceed the target) |
 *
 * @throws {SoftmaxError} SHAPE_MISMATCH / INVALID_INPUT for the matrix and labels as {@link reliabilityBins}; INVALID_OPTION
 * unless exactly one of coverage and maxError is given in range; EMPTY for no rows.
 */
export function chooseAbstention(probabilities: unknown, labels: ArrayLike<number>, options: ChooseAbstentionOptions): AbstentionChoice {
  const fn = "chooseAbstention";
  const o = checkOptions(options, ["by", "coverage", "maxError"], fn);
  const by = o.by ?? "probability";
  if (by !== "probability" && by !== "entropy") {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.by", expected: '"probability" or "entropy"', received: by });
  }
  if ((o.coverage === undefined) === (o.maxError === undefined)) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options", expected: "exactly one of coverage and maxError" });
  }
  const coverage = numberOption(o.coverage, fn, "coverage", Number.NaN, { min: 0, max: 1, minOpen: true });
  const maxError = numberOption(o.maxError, fn, "maxError", Number.NaN, { min: 0, max: 1, maxOpen: true });
  const { data: p, rows, cols: k } = toMatrix(probabilities, fn, "probabilities", "a 2-D matrix (rows × classes)");
  const y = toClassIndices(labels, k, rows, fn, "labels");
  if (rows === 0 || k === 0) throw new SoftmaxError({ code: "EMPTY", fn, arg: "probabilities", expected: "at least one row and one class" });

  const score = new Float64Array(rows);
  const wrong = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const { value, index } = maxOfRow(p, i * k, k);
    score[i] = by === "probability" ? value : -entropyOfRow(p, i * k, k);
    wrong[i] = index === y[i] ? 0 : 1;
  }
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
  // Candidate cuts: after the last row of each group of equal scores.
  let kept = 0;
  let errors = 0;
  let chosen = 0;
  let chosenErrors = 0;
  for (let r = 0; r < rows; r++) {
    const i = order[r] as number;
    kept++;
    errors += wrong[i] as number;
    const last = r === rows - 1 || score[order[r + 1] as number] !== score[i];
    if (!last) continue;
    if (!Number.isNaN(coverage)) {
      if (kept / rows >= coverage) {
        chosen = kept;
        chosenErrors = errors;
        break;
      }
    } else if (errors / kept <= maxError) {
      chosen = kept;
      chosenErrors = errors;
    }
  }
  const threshold = chosen === 0 ? Number.POSITIVE_INFINITY : (score[order[chosen - 1] as number] as number);
  const abstain: AbstainRule = by === "probability" ? { minProbability: threshold } : { maxEntropy: -threshold };
  return { abstain, coverage: chosen / rows, error: chosen === 0 ? 0 : chosenErrors / chosen, answered: chosen };
}
