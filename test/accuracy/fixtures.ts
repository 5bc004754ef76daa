/** Loads the fixtures written by reference/make-fixtures.mjs (`npm run fixtures`). */
import { readFileSync } from "node:fs";
import type { Format } from "./ulp.js";

export interface RowFixture {
  name: string;
  dtype: Format;
  x: number[];
  t?: number;
}

export interface SoftmaxFamilyFixtures {
  softmax: (RowFixture & { exact: string[] })[];
  logSoftmax: (RowFixture & { exact: (string | null)[] })[];
  logSumExp: (RowFixture & { exact: string })[];
  weightedLogSumExp: { name: string; x: number[]; b: number[]; exact: string | null; sign: number; absSum: string }[];
}

export interface SigmoidSet {
  dtype: Format;
  x: number[];
  sigmoid: string[];
  logSigmoid: string[];
}

export interface SigmoidFixtures {
  float64: SigmoidSet;
  float32: SigmoidSet;
}

export interface LongRowFixture {
  seed: number;
  n: number;
  distinct: number;
  logSumExp: string;
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as T;
}

export const family = (): SoftmaxFamilyFixtures => load("softmax-family.json");
export const sigmoids = (): SigmoidFixtures => load("sigmoid.json");
export const longRowFixture = (): LongRowFixture => load("long-row.json");

/** The input of a row as the library should receive it: number[] for float64 rows, Float32Array for float32 rows. */
export function inputOf(row: RowFixture): number[] | Float32Array {
  return row.dtype === "float32" ? Float32Array.from(row.x) : row.x;
}
