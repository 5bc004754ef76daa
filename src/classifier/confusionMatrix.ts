import { SoftmaxError } from "../errors.js";
import { toLabelArray } from "./_internals/matrix.js";

/** A confusion matrix: `counts[i][j]` rows of true class `classes[i]` predicted as `classes[j]`; abstentions (null predictions) counted apart. */
export interface ConfusionMatrix<L extends string | number = string | number> {
  classes: L[];
  counts: number[][];
  /** Per true class, the rows predicted as null ("none of the above"). */
  abstained: number[];
}

/**
 * Counts of (true class, predicted class) pairs.
 *
 * ```ts
 * confusionMatrix(yTest, model.predict(Xtest), model.classes).counts; // [[15, 0, 0], [0, 14, 1], [0, 0, 15]]
 * ```
 *
 * **Method.** One pass over the pairs, looking each label up in a map of the
 * classes (labels compared with ===, so 1 and "1" are different classes).
 *
 * **Accuracy.** Exact: integer counts (below 2^53 rows).
 *
 * **Special cases**
 * | input | output |
 * |---|---|
 * | a `null` prediction (abstention) | counted in `abstained` of its true class |
 * | `classes` not given | the sorted union of the labels seen (actual and predicted) |
 * | empty lists | `classes` as given (or []), all counts 0 |
 *
 * @throws {SoftmaxError} SHAPE_MISMATCH when the two lists differ in length; INVALID_INPUT for a label not in `classes`.
 */
export function confusionMatrix<L extends string | number>(actual: readonly L[], predicted: readonly (L | null)[], classes?: readonly L[]): ConfusionMatrix<L> {
  const fn = "confusionMatrix";
  const a = toLabelArray(actual, fn, "actual") as L[];
  if (!Array.isArray(predicted))
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "predicted", expected: "an array of labels or null", received: predicted });
  if (predicted.length !== a.length) {
    throw new SoftmaxError({ code: "SHAPE_MISMATCH", fn, arg: "predicted", expected: `${a.length} predictions (one per label), got ${predicted.length}` });
  }
  const cls = classes
    ? (toLabelArray(classes, fn, "classes") as L[])
    : [...new Set([...a, ...(predicted.filter((v) => v !== null) as L[])])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const index = new Map<L, number>(cls.map((c, i) => [c, i]));
  const counts = cls.map(() => cls.map(() => 0));
  const abstained = cls.map(() => 0);
  a.forEach((t, r) => {
    const i = index.get(t);
    if (i === undefined) throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "actual", path: `[${r}]`, expected: "one of the classes", received: t });
    const p = predicted[r] as L | null;
    if (p === null) {
      abstained[i] = (abstained[i] as number) + 1;
      return;
    }
    const j = index.get(p);
    if (j === undefined)
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "predicted", path: `[${r}]`, expected: "one of the classes or null", received: p });
    const row = counts[i] as number[];
    row[j] = (row[j] as number) + 1;
  });
  return { classes: cls, counts, abstained };
}
