/**
 * PCG32 (PCG-XSH-RR 64/32), M. E. O'Neill, "PCG: A Family of Simple Fast
 * Space-Efficient Statistically Good Algorithms for Random Number
 * Generation", HMC-CS-2014-0905 (2014), https://www.pcg-random.org, the
 * "minimal C implementation" (pcg-c-basic: pcg32_srandom_r, pcg32_random_r).
 *
 * The 64-bit state and increment are kept as pairs of uint32 halves and
 * multiplied with 16-bit limbs, so every operation is an exact integer
 * operation: the stream of uint32 values is the same on every platform and
 * JavaScript engine, bit for bit. Compute only.
 */

/** The state of one generator: 64-bit state and odd 64-bit increment, as uint32 halves. */
export interface Pcg32State {
  hi: number;
  lo: number;
  incHi: number;
  incLo: number;
}

// The PCG 64-bit LCG multiplier 6364136223846793005 = 0x5851F42D_4C957F2D.
const MUL_HI = 0x5851f42d;
const MUL_LO = 0x4c957f2d;

/** Advances the LCG: state = state · MUL + inc (mod 2^64). */
function step(g: Pcg32State): void {
  const a = g.lo;
  // Full 64-bit product of the low halves, a · MUL_LO, from 16-bit limbs (each partial product < 2^32, exact).
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = MUL_LO & 0xffff;
  const b1 = MUL_LO >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const low = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  let high = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
  high = (high + Math.imul(g.hi, MUL_LO) + Math.imul(a, MUL_HI)) >>> 0;
  // + inc, with the carry out of the low half.
  const sumLo = low + g.incLo;
  g.lo = sumLo >>> 0;
  g.hi = (high + g.incHi + (sumLo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** The next uint32 (pcg32_random_r): output function XSH-RR of the old state, then one LCG step. */
export function pcg32Next(g: Pcg32State): number {
  const hi = g.hi;
  const lo = g.lo;
  step(g);
  // xorshifted = (uint32)(((old >> 18) ^ old) >> 27); rot = old >> 59.
  const xhi = hi ^ (hi >>> 18);
  const xlo = lo ^ ((lo >>> 18) | (hi << 14));
  const v = ((xlo >>> 27) | (xhi << 5)) >>> 0;
  const rot = hi >>> 27;
  return ((v >>> rot) | (v << (-rot & 31))) >>> 0;
}

/** pcg32_srandom_r(initstate, initseq) with each 64-bit argument as (hi, lo) uint32 halves. */
export function pcg32Seed(g: Pcg32State, stateHi: number, stateLo: number, seqHi: number, seqLo: number): void {
  g.hi = 0;
  g.lo = 0;
  // inc = (initseq << 1) | 1
  g.incHi = ((seqHi << 1) | (seqLo >>> 31)) >>> 0;
  g.incLo = ((seqLo << 1) | 1) >>> 0;
  pcg32Next(g);
  const sumLo = g.lo + stateLo;
  g.lo = sumLo >>> 0;
  g.hi = (g.hi + stateHi + (sumLo > 0xffffffff ? 1 : 0)) >>> 0;
  pcg32Next(g);
}
