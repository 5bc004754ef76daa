import { SoftmaxError } from "../errors.js";
import { type Pcg32State, pcg32Next, pcg32Seed } from "../kernels/js/family/pcg32.js";

/** A seeded random generator (PCG32). The same seed and stream give the same values on every platform and version. */
export interface Random {
  /** A float64 uniform in [0, 1) with 53 random bits: (a·2^21 + b) / 2^53 from two uint32 draws a, b (their top 27 and 26 bits). */
  random(): number;
  /** The next uint32 of the PCG32 stream, an integer in [0, 2^32). */
  uint32(): number;
  /** A standard normal draw (Box–Muller from two `random()` values). */
  normal(): number;
  /** The generator of the same seed on stream `stream`: independent of this one, and of how far this one has advanced. */
  fork(stream: number): Random;
  /** The seed and stream this generator was created with. */
  readonly seed: number;
  readonly stream: number;
}

const TWO32 = 4294967296;

function safeUint(v: unknown, arg: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn: "createRandom", arg, expected: "an integer in [0, 2^53)", received: v });
  }
  return v;
}

/**
 * A seedable random generator with independent streams.
 *
 * ```ts
 * const rng = createRandom(42);
 * rng.random();            // 0.131703792179788: the same on every platform
 * rng.uint32();            // exact PCG32 output
 * const worker3 = rng.fork(3); // an independent stream of the same seed
 * sampleCategorical(logits, { random: rng });
 * ```
 *
 * **Method.** PCG32 (PCG-XSH-RR, 64-bit state, 32-bit output) by M. E. O'Neill
 * (https://www.pcg-random.org, "minimal C implementation"), seeded with
 * `pcg32_srandom_r(seed, stream)`: the seed is the initial state and the
 * stream selects the LCG increment (2·stream + 1), so distinct streams are
 * distinct generator sequences, 2^64 long each. 64-bit arithmetic is done
 * exactly on uint32 halves (`src/kernels/js/family/pcg32.ts`), so `uint32()`
 * and `random()` are bit-for-bit the same on every engine: pinned by the
 * reference vector of pcg-c-basic (seed 42, stream 54 → 0xa15c02b7,
 * 0x7b47f409, ...) and a snapshot in `test/family/createRandom.test.ts`.
 * `random()` = (⌊a/2^5⌋·2^26 + ⌊b/2^6⌋)/2^53 (53 bits, as MT19937's
 * genrand_res53). `normal()` = √(−2 ln(1−u₁))·cos(2πu₂): it calls Math.log and
 * Math.cos, which engines may round differently in the last bit, so normal
 * draws agree across platforms to about 1e-15 relative, not bit for bit.
 *
 * **Accuracy.** `uint32()` and `random()` are exact (integer arithmetic, the
 * reference vector and the snapshot above); `random()` takes the 2^53 values
 * k/2^53 (never 1) uniformly (chi-square over 64 bins, 64 000 draws,
 * `test/family/createRandom.test.ts`); `normal()` is within about 1e-15
 * relative of the exact Box–Muller value of its two uniforms (pinned in the same file).
 *
 * **Special cases.** | seed or stream not an integer in [0, 2^53) | throws INVALID_OPTION |
 *
 * @throws {SoftmaxError} INVALID_OPTION.
 */
export function createRandom(seed: number, stream = 0): Random {
  safeUint(seed, "seed");
  safeUint(stream, "stream");
  const g: Pcg32State = { hi: 0, lo: 0, incHi: 0, incLo: 0 };
  pcg32Seed(g, Math.floor(seed / TWO32), seed >>> 0, Math.floor(stream / TWO32), stream >>> 0);
  const uint32 = (): number => pcg32Next(g);
  const random = (): number => {
    const a = pcg32Next(g) >>> 5;
    const b = pcg32Next(g) >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };
  return {
    seed,
    stream,
    uint32,
    random,
    normal(): number {
      const u1 = 1 - random();
      const u2 = random();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    fork(s: number): Random {
      if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) {
        throw new SoftmaxError({ code: "INVALID_OPTION", fn: "Random.fork", arg: "stream", expected: "an integer in [0, 2^53)", received: s });
      }
      return createRandom(seed, s);
    },
  };
}

/** A source of uniforms in [0, 1): a function or a {@link Random}. */
export type RandomSource = (() => number) | Pick<Random, "random">;

/**
 * The uniform source of a sampler from its options: `random` (a function or a
 * Random), or `seed` (a fresh `createRandom(seed)`), or Math.random when
 * neither is given (not reproducible). Each value is checked to lie in [0, 1).
 */
export function uniformOf(o: Record<string, unknown>, fn: string): () => number {
  if (o.random !== undefined && o.seed !== undefined) {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.seed", expected: "either random or seed, not both" });
  }
  let source: () => number;
  if (o.seed !== undefined) {
    if (typeof o.seed !== "number" || !Number.isSafeInteger(o.seed) || o.seed < 0) {
      throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.seed", expected: "an integer in [0, 2^53)", received: o.seed });
    }
    source = createRandom(o.seed).random;
  } else if (typeof o.random === "function") {
    source = o.random as () => number;
  } else if (typeof o.random === "object" && o.random !== null && typeof (o.random as { random?: unknown }).random === "function") {
    const r = o.random as { random(): number };
    source = () => r.random();
  } else if (o.random === undefined) {
    source = Math.random;
  } else {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn,
      arg: "options.random",
      expected: "a function returning numbers in [0, 1) or a Random",
      received: o.random,
    });
  }
  // Gumbel draws redraw U = 0; a source stuck at 0 would loop forever. A uniform source gives 0 with probability
  // about 2^-53, so 64 zeros in a row mean a broken source.
  let zeros = 0;
  return () => {
    const u = source();
    if (typeof u !== "number" || !(u >= 0 && u < 1)) {
      throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.random", expected: "a function returning numbers in [0, 1)", received: u });
    }
    zeros = u === 0 ? zeros + 1 : 0;
    if (zeros >= 64) {
      throw new SoftmaxError({
        code: "INVALID_OPTION",
        fn,
        arg: "options.random",
        expected: "a uniform source in [0, 1) (it returned 0 64 times in a row)",
        received: u,
      });
    }
    return u;
  };
}
