/** A double-double (hi, lo): hi + lo exactly, |lo| ≤ ulp(hi)/2. */
export type DD = [number, number];
/** A value (hi + lo) · 2^k: keeps subnormal results exact. */
export interface Exact {
  hi: number;
  lo: number;
  k: number;
}
export function add(a: DD, b: DD): DD;
export function mul(a: DD, b: DD): DD;
export function div(a: DD, b: DD): DD;
export function neg(a: DD): DD;
export function sub(a: number, b: number): DD;
export function expScaled(a: DD): Exact;
export function exp(a: DD): DD;
export function log1p(r: DD): DD;
export function softmax(xs: ArrayLike<number>, t?: number): Exact[];
export function logSoftmax(xs: ArrayLike<number>, t?: number): Exact[];
export function logSumExp(xs: ArrayLike<number>, t?: number): Exact;
