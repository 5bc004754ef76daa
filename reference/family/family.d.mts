import type { Decimal } from "decimal.js";

/** A double-double [hi, lo]: hi + lo is the exact value to ~106 bits. */
export type DD = [number, number];
/** A Decimal as a double-double [hi, lo]. */
export function dd(v: Decimal): DD;
/** A value with the magnitude its error bound is measured against. */
export interface Scaled {
  value: DD;
  scale: number;
}
export interface CeOptions {
  weights?: readonly number[];
  eps?: number;
  where?: readonly boolean[];
}
export function crossEntropy(xs: readonly number[], target: number | readonly number[], options?: CeOptions): DD;
export function crossEntropyGrad(xs: readonly number[], target: number | readonly number[], options?: CeOptions): Scaled[];
export function crossEntropyFD(xs: readonly number[], target: number | readonly number[], options?: CeOptions): number[];
export function bce(x: number, t: number, pw?: number): DD;
export function entropyOfLogits(xs: readonly number[], where?: readonly boolean[]): DD;
export function entropyOfProbabilities(ps: readonly number[]): DD;
export function klOfLogits(as: readonly number[], bs: readonly number[]): Scaled;
export function klOfProbabilities(ps: readonly number[], qs: readonly number[]): DD;
export function logMeanExp(xs: readonly number[], where?: readonly boolean[]): DD;
export function logSumExp(xs: readonly number[]): DD;
export function softmax(xs: readonly number[], where?: readonly boolean[]): DD[];
export function sparsemax(xs: readonly number[], where?: readonly boolean[]): DD[];
export function entmax15(xs: readonly number[], where?: readonly boolean[]): DD[];
export function vjpFD(kind: "softmax" | "logSoftmax" | "sparsemax" | "entmax15", xs: readonly number[], dy: readonly number[]): number[];
export function softmaxBackward(ys: readonly number[], dys: readonly number[]): Scaled[];
export function logSoftmaxBackward(ys: readonly number[], dys: readonly number[]): Scaled[];
export function sparsemaxBackward(ys: readonly number[], dys: readonly number[]): Scaled[];
export function entmax15Backward(ys: readonly number[], dys: readonly number[]): Scaled[];
