/** Every worked example of the tutorials in `shared/seeds/`, as a preset: its logits, its labels and the rounding the tutorial used. */
import type { Decimals } from "./format.js";

export interface Preset {
  /** A stable id (used by the select and the tests). */
  id: string;
  /** What the select shows. */
  name: string;
  logits: number[];
  labels: string[];
  decimals: Decimals;
  /** Where the example comes from and what it printed. */
  source: string;
}

export const PRESETS: readonly Preset[] = [
  {
    id: "walkthrough",
    name: "[-1, 1, 2, 3]: the walk-through",
    logits: [-1, 1, 2, 3],
    labels: ["cat", "dog", "alligator", "onion"],
    decimals: 2,
    source: "Seed 000 (DEV Community): e^x 0.36, 2.72, 7.39, 20.09; sum 30.56; p 0.01, 0.09, 0.24, 0.66. (e^-1 = 0.3679: the tutorial cut it to 0.36.)",
  },
  {
    id: "five",
    name: "[1.3, 5.1, 2.2, 0.7, 1.1]: five classes",
    logits: [1.3, 5.1, 2.2, 0.7, 1.1],
    labels: ["class 0", "class 1", "class 2", "class 3", "class 4"],
    decimals: 2,
    source: "Seed 001 (Towards Data Science): sum 181.73 (its text also says 181.37, a typo); p 0.02019046, 0.90253769, 0.04966053, 0.01108076, 0.01653055.",
  },
  {
    id: "cat-dog",
    name: "cat / dog / tiger / none",
    logits: [1.25, 2.44, 0.78, 0.12],
    labels: ["cat", "dog", "tiger", "none"],
    decimals: "full",
    source: "Seed 002: p(cat) 0.19101770813831334, p(dog) 0.627890718698843, p(tiger) 0.11938650086860875, p(none) 0.061705072294234845.",
  },
  {
    id: "seal-panda-duck",
    name: "z1 = [0.25, 1.23, -0.8]: seal / panda / duck",
    logits: [0.25, 1.23, -0.8],
    labels: ["seal", "panda", "duck"],
    decimals: 3,
    source: "Seed 003: softmax(z) = [0.249, 0.664, 0.087] (its text also says 0.294, a typo); argmax 1 (panda).",
  },
  {
    id: "z2",
    name: "z2 = [-0.25, 1, -0.75]: sums to zero",
    logits: [-0.25, 1, -0.75],
    labels: ["seal", "panda", "duck"],
    decimals: 3,
    source: "Seed 003: divide-by-sum gives [-inf, inf, -inf]; softmax has no such problem.",
  },
  {
    id: "z3",
    name: "z3 = [0.1, 0.9, 0.2]",
    logits: [0.1, 0.9, 0.2],
    labels: ["seal", "panda", "duck"],
    decimals: 3,
    source: "Seed 003: divide-by-sum [0.083, 0.75, 0.167]; softmax [0.231, 0.514, 0.255].",
  },
  {
    id: "z4",
    name: "z4 = [0, 0.9, 0.1]",
    logits: [0, 0.9, 0.1],
    labels: ["seal", "panda", "duck"],
    decimals: 3,
    source: "Seed 003: divide-by-sum [0, 0.9, 0.1]; softmax [0.219, 0.539, 0.242].",
  },
  {
    id: "13-31-5",
    name: "[13, 31, 5]: nearly certain",
    logits: [13, 31, 5],
    labels: ["first", "second", "third"],
    decimals: "full",
    source: "Seed 004: [1.52299795e-08, 9.99999985e-01, 5.10908895e-12].",
  },
  {
    id: "0-100-0",
    name: "[0, 100, 0]: not quite 1",
    logits: [0, 100, 0],
    labels: ["first", "second", "third"],
    decimals: "full",
    source: "Seed 004: [3.72007598e-44, 1.00000000e+00, 3.72007598e-44].",
  },
];

/** The seed 003 vectors for the divide-by-sum comparison (negative entries, a zero sum, all positive, a zero entry). */
export const DIV_BY_SUM_EXAMPLES: readonly { name: string; z: number[] }[] = [
  { name: "z1", z: [0.25, 1.23, -0.8] },
  { name: "z2", z: [-0.25, 1, -0.75] },
  { name: "z3", z: [0.1, 0.9, 0.2] },
  { name: "z4", z: [0, 0.9, 0.1] },
];
