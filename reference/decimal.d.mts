import type { Decimal } from "decimal.js";
/** decimal.js with 64 significant digits. */
export const D: typeof Decimal;
/** 2^k as a Decimal (cached). */
export function pow2(k: number): Decimal;
/** The exact value of a finite double as a Decimal. */
export function exact(x: number): Decimal;
/** log(1 + r) for r ≥ 0 without losing a tiny r. */
export function log1p(r: Decimal): Decimal;
/** softmax(x/t) of a row. */
export function softmax(xs: readonly number[], t?: number, where?: readonly boolean[]): Decimal[];
/** logSoftmax(x/t); null where the result is -Infinity. */
export function logSoftmax(xs: readonly number[], t?: number, where?: readonly boolean[]): (Decimal | null)[];
/** logSumExp(x/t)·t. */
export function logSumExp(xs: readonly number[], t?: number, where?: readonly boolean[]): Decimal;
/** Weighted logSumExp; value null when the sum is exactly 0. */
export function weightedLogSumExp(xs: readonly number[], bs: readonly number[]): { value: Decimal | null; sign: number };
/** σ(x). */
export function sigmoid(x: number): Decimal;
/** log σ(x). */
export function logSigmoid(x: number): Decimal;
/** 40 significant digits. */
export function str(v: Decimal): string;
