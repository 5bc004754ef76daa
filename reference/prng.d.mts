/** Returns a function giving uniform doubles in [0, 1) from a 32-bit seed. */
export function prng(seed: number): () => number;
/** The long float32 row of the accuracy tests (values k/256, |k| ≤ 4096). */
export function longRow(seed: number, n: number): Float32Array;
/** Seeded scale·N(0,1) float32 logits (Mulberry32 + Box–Muller; default scale 4). */
export function logits(size: number, seed: number, scale?: number): Float32Array;
