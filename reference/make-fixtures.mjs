#!/usr/bin/env node
/**
 * Writes the reference fixtures of the accuracy tests to test/fixtures/:
 * inputs (as JSON numbers, which round-trip doubles exactly) and exact
 * outputs as 40-digit decimal strings, computed with decimal.js at 64 digits
 * (reference/decimal.mjs). Deterministic: a fixed seed, no clock.
 *
 *   npm run fixtures
 *
 * Files: softmax-family.json (softmax, logSoftmax, logSumExp, weighted
 * logSumExp), sigmoid.json (sigmoid, logSigmoid), long-row.json (the exact
 * logSumExp of the 10^6-entry float32 row of reference/prng.mjs).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ref from "./decimal.mjs";
import { longRow, prng } from "./prng.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "test", "fixtures");
mkdirSync(outDir, { recursive: true });

const u = prng(20260125);
const f32 = Math.fround;
const uniform = (n, scale, offset = 0, round = (v) => v) => Array.from({ length: n }, () => round(offset + scale * (2 * u() - 1)));

/** Rows as { name, dtype, x, t? }. */
const rows = [];
const add = (name, x, dtype = "float64", t = undefined) => {
  const row = { name, dtype, x: dtype === "float32" ? x.map(f32) : x };
  if (t !== undefined) row.t = t;
  rows.push(row);
};

// Random rows of many scales.
for (const scale of [1e-300, 1e-8, 0.1, 1, 3, 10, 30, 100, 300, 1000, 1e6, 1e15, 1e300]) {
  for (const n of [2, 3, 5, 10, 50]) add(`uniform n=${n} scale=${scale}`, uniform(n, scale));
}
add("uniform n=300 scale=100", uniform(300, 100));
add("uniform n=2000 scale=20", uniform(2000, 20));
// Rows where x - max is not representable: a large common offset.
for (const offset of [1e15, -1e10, 1e5, 2 ** 40, -3e7]) {
  for (const scale of [1, 100, 700]) add(`offset ${offset} scale=${scale}`, uniform(5, scale, offset));
}
// Hand-picked extremes.
const fixed = [
  ["x - max not representable", [1e15 + 0.3, 0.1, -700.123]],
  ["x - max not representable, near", [1e15 + 0.3, 1e15, 1e15 - 700.7]],
  ["logSoftmax near 0", [0, -46]],
  ["logSoftmax near 0, three", [0, -46, -50]],
  ["logSoftmax near 0, deep", [0, -700]],
  ["two close", [0, -36.7]],
  ["subnormal output", [0, -720]],
  ["deep subnormal output", [0, -744]],
  ["least subnormal output", [0, -745.1]],
  ["subnormal outputs", [0, -740, -740.5, -0.25]],
  ["huge magnitudes", [1e308, -1e308, 1.7e308]],
  ["huge negative", [-1e308, -1.7e308]],
  ["subnormal inputs", [5e-324, 0, -5e-324, 2.2250738585072014e-308]],
  ["tiny inputs", [1e-300, 2e-300]],
  ["one ulp apart", [1, 1 + 2 ** -52]],
  ["naive overflow", [709, 710, 708]],
  ["all very negative", [-1000, -1000.5]],
  ["ties", [3, 3, 3]],
  ["seven equal", [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]],
  ["2^53 neighbours", [2 ** 53, 2 ** 53 + 2, 2 ** 53 - 1]],
  ["tenths", [0.1, 0.2, 0.3]],
  ["seed walk-through", [-1, 1, 2, 3]],
  ["seed numpy", [1.3, 5.1, 2.2, 0.7, 1.1]],
  ["seed cat/dog/tiger/none", [1.25, 2.44, 0.78, 0.12]],
  ["seed [13, 31, 5]", [13, 31, 5]],
  ["seed [0, 100, 0]", [0, 100, 0]],
  ["single", [42.5]],
  ["result made of subnormal terms", [745.1, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ["many subnormal terms", [0, ...Array.from({ length: 40 }, (_, i) => -745 - i / 8)]],
  ["terms below the least subnormal", [0, ...Array.from({ length: 60 }, (_, i) => -746 - i / 4)]],
  ["mass near 1 in the tail", [0, ...Array.from({ length: 20 }, () => -Math.log(20) + 1e-3 * u())]],
];
for (const [name, x] of fixed) add(name, x);
// Temperatures.
const tRow = uniform(10, 10);
for (const t of [1e-3, 0.1, 0.7, 3, 1e3, 1e10]) add(`temperature ${t}`, tRow, "float64", t);
// Float32 rows.
for (const scale of [0.1, 1, 10, 100]) {
  for (const n of [2, 5, 10, 100]) add(`float32 n=${n} scale=${scale}`, uniform(n, scale), "float32");
}
add("float32 n=1000 scale=10", uniform(1000, 10), "float32");
for (const offset of [1e5, -3e4]) add(`float32 offset ${offset}`, uniform(8, 30, offset), "float32");
add("float32 near 0", [0, -18], "float32");
add("float32 subnormal output", [0, -95], "float32");
add("float32 huge", [3e38, -3e38, 3.4e38], "float32");
add("float32 temperature 0.5", uniform(10, 10), "float32", 0.5);

const softmax = [];
const logSoftmax = [];
const logSumExp = [];
for (const row of rows) {
  const t = row.t ?? 1;
  softmax.push({ ...row, exact: ref.softmax(row.x, t).map(ref.str) });
  logSoftmax.push({ ...row, exact: ref.logSoftmax(row.x, t).map((v) => (v === null ? null : ref.str(v))) });
  logSumExp.push({ ...row, exact: ref.str(ref.logSumExp(row.x, t)) });
}

// Weighted logSumExp (SciPy's b): positive weights, and mixed signs.
const weighted = [];
for (let i = 0; i < 20; i++) {
  const x = uniform(5, 10);
  const b = uniform(5, 1, 1.5);
  weighted.push({ name: `positive weights ${i}`, x, b });
}
for (let i = 0; i < 20; i++) {
  const x = uniform(6, 5);
  const b = uniform(6, 2);
  weighted.push({ name: `mixed weights ${i}`, x, b });
}
weighted.push({ name: "weights near |s| = 1", x: [0, -30, -31], b: [1, 1, -0.5] });
weighted.push({ name: "tiny weights", x: [0, 1], b: [1e-300, 2e-300] });
weighted.push({ name: "unit weights, result made of subnormal terms", x: [0, ...Array(9).fill(-745.1)], b: Array(10).fill(1) });
weighted.push({ name: "unit weights, many subnormal terms", x: [0, ...Array.from({ length: 40 }, (_, i) => -745 - i / 8)], b: Array(41).fill(1) });
weighted.push({ name: "mixed weights, subnormal terms", x: [0, -745.2, -745.4, -744.9], b: [1, 3, -2, 0.5] });
for (const w of weighted) {
  const { value, sign } = ref.weightedLogSumExp(w.x, w.b);
  // Σ |b_k| e^{x_k - m}: the condition of the sum, to state the bound for mixed signs.
  const cond = ref.weightedLogSumExp(
    w.x,
    w.b.map((v) => Math.abs(v)),
  ).value;
  Object.assign(w, { exact: value === null ? null : ref.str(value), sign, absSum: ref.str(cond) });
}

writeFileSync(
  join(outDir, "softmax-family.json"),
  `${JSON.stringify({ generator: "reference/make-fixtures.mjs (decimal.js, 64 digits)", softmax, logSoftmax, logSumExp, weightedLogSumExp: weighted })}\n`,
);

// Sigmoid and log-sigmoid: log-uniform magnitudes of both signs, and edges.
const sig = (dtype, xs) => ({ dtype, x: xs, sigmoid: xs.map((v) => ref.str(ref.sigmoid(v))), logSigmoid: xs.map((v) => ref.str(ref.logSigmoid(v))) });
const logUniform = (n, lo, hi, round = (v) => v) => Array.from({ length: n }, () => round((u() < 0.5 ? -1 : 1) * 10 ** (lo + (hi - lo) * u())));
const edges = [
  0, 5e-324, -5e-324, 1e-300, -1e-300, 0.5, -0.5, 1, -1, 20, -20, 36, -36, 37, -37, 40, -40, 709, -709, 710, -710, 745, -745, 745.5, -745.5, 746, -746, 800,
  -800, 1e300, -1e300,
];
const edges32 = [0, 1e-45, -1e-45, 0.5, -0.5, 1, -1, 16, -16, 17, -17, 88, -88, 89, -89, 103, -103, 104, -104, 200, -200, 3e38, -3e38].map(f32);
const sigmoidFixtures = {
  generator: "reference/make-fixtures.mjs (decimal.js, 64 digits)",
  float64: sig("float64", [...edges, ...logUniform(1500, -20, 2.9)]),
  float32: sig("float32", [...edges32, ...logUniform(1000, -10, 2.3, f32)]),
};
writeFileSync(join(outDir, "sigmoid.json"), `${JSON.stringify(sigmoidFixtures)}\n`);

// The long float32 row: exact logSumExp from the counts of its distinct values.
const seed = 7;
const n = 1_000_000;
const x = longRow(seed, n);
const counts = new Map();
let m = Number.NEGATIVE_INFINITY;
for (const v of x) {
  counts.set(v, (counts.get(v) ?? 0) + 1);
  if (v > m) m = v;
}
const M = ref.exact(m);
let S = new ref.D(0);
for (const [v, c] of counts) S = S.plus(ref.exact(v).minus(M).exp().times(c));
const lse = M.plus(S.ln());
writeFileSync(
  join(outDir, "long-row.json"),
  `${JSON.stringify({ generator: "reference/make-fixtures.mjs (decimal.js, 64 digits)", row: "longRow(seed, n) of reference/prng.mjs", seed, n, distinct: counts.size, logSumExp: ref.str(lse) })}\n`,
);
console.log(
  `fixtures: ${rows.length} rows, ${weighted.length} weighted rows, ${sigmoidFixtures.float64.x.length + sigmoidFixtures.float32.x.length} sigmoid inputs, long row n=${n}`,
);
