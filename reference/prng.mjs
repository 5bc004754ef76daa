/**
 * A small seeded generator (splitmix32 → uniform doubles), shared by the
 * fixture script and the tests so that both rebuild the same rows from a seed.
 */

/** Returns a function giving uniform doubles in [0, 1) from a 32-bit seed. */
export function prng(seed) {
  let s = seed >>> 0;
  const next32 = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  // 53 random bits per double.
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

/**
 * The long float32 row of the accuracy tests: n values k/256 with k uniform in
 * [-4096, 4096] (so |x| ≤ 16, exactly representable in float32, at most 8193
 * distinct values: the exact sum needs one exponential per distinct value).
 */
export function longRow(seed, n) {
  const u = prng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (Math.floor(u() * 8193) - 4096) / 256;
  return x;
}

/**
 * Seeded scale·N(0,1) float32 logits (Mulberry32 + Box–Muller; default scale 4,
 * the benchmark's 4·N(0,1)), shared by bench/run.ts and the WASM tests.
 */
export function logits(size, seed, scale = 4) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = scale * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return x;
}
