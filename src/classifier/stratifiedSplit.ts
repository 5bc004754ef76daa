import { checkOptions } from "../api/options.js";
import { integerOption, numberOption } from "./_internals/checks.js";
import { toLabelArray } from "./_internals/matrix.js";
import { seededRandom, shuffleInPlace } from "./_internals/random.js";

/** Options of {@link stratifiedSplit}. */
export interface StratifiedSplitOptions {
  /** Fraction of each class that goes to the test side, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Seed of the shuffle (an integer ≥ 0). Default 0. The same labels and seed always give the same split. */
  seed?: number;
}

/** Row indices of the two sides, each in increasing order. */
export interface Split {
  train: number[];
  test: number[];
}

/**
 * Splits row indices into train and test so that every class keeps its proportion.
 *
 * ```ts
 * const { train, test } = stratifiedSplit(species, { testFraction: 0.3, seed: 42 });
 * ```
 *
 * **Method.** The rows of each class (classes in order of first appearance) are
 * shuffled with the seeded generator (Fisher–Yates) and the first
 * round(n_c · testFraction) go to the test side, clamped so that a class with
 * at least two rows has at least one on each side. Deterministic given the seed.
 *
 * **Accuracy.** Not numeric: per class, exactly the count above goes to test,
 * and a seed gives the same split on every engine (integer PCG32 draws,
 * `test/classifier/stratifiedSplit.test.ts`).
 *
 * **Special cases**
 * | input | output |
 * |---|---|
 * | a class with one row | that row goes to train |
 * | empty labels | `{ train: [], test: [] }` |
 *
 * @throws {SoftmaxError} INVALID_INPUT for labels that are not strings or finite numbers; INVALID_OPTION for a bad fraction or seed.
 */
export function stratifiedSplit(labels: readonly (string | number)[] | ArrayLike<number>, options?: StratifiedSplitOptions): Split {
  const fn = "stratifiedSplit";
  const o = checkOptions(options, ["testFraction", "seed"], fn);
  const fraction = numberOption(o.testFraction, fn, "testFraction", 0.2, { min: 0, max: 1, minOpen: true, maxOpen: true });
  const seed = integerOption(o.seed, fn, "seed", 0, 0);
  const y = toLabelArray(labels, fn, "labels");
  return splitIndices(y, fraction, seed);
}

/** The body of {@link stratifiedSplit}, shared with the classifier's validation split. */
export function splitIndices(y: readonly (string | number)[], fraction: number, seed: number, stream = 0): Split {
  const groups = new Map<string | number, number[]>();
  y.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  const rng = seededRandom(seed, stream);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of groups.values()) {
    shuffleInPlace(rows, rng);
    const n = rows.length;
    const t = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
    for (let i = 0; i < n; i++) (i < t ? test : train).push(rows[i] as number);
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { train, test };
}
