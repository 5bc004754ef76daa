/** Seeded shuffling for the classifier, on the family's `createRandom` (PCG32). */
import { createRandom, type Random } from "../../family.js";

export type { Random } from "../../family.js";

/** The generator of `seed` on `stream` (0: the training shuffles, 1: the validation split). */
export function seededRandom(seed: number, stream = 0): Random {
  return createRandom(seed, stream);
}

/** Fisher–Yates shuffle of `a` in place: j uniform in [0, i] from `rng.random()`. */
export function shuffleInPlace(a: Int32Array | number[], rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}
