import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { softmax as refSoftmax } from "../../reference/family/family.mjs";
import { createRandom, SoftmaxError, sampleCategorical } from "../../src/index.js";
import { drawWithReplacement } from "../../src/kernels/js/family/sampling.js";
import { ALPHA, chiSquare, fcParams } from "./_helpers.js";

const LOGITS = [0.5, -1, 2, 0, 1.2, -0.3];

/** Exact probabilities (50-digit reference, rounded) of softmax(x/t) restricted to `keep`. */
function probs(x: readonly number[], t = 1, keep?: readonly boolean[]): number[] {
  return refSoftmax(
    x.map((v) => v / t),
    keep ? [...keep] : undefined,
  ).map(([hi]) => hi);
}

function counts(draws: ArrayLike<number>, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (let i = 0; i < draws.length; i++) c[draws[i] as number] = (c[draws[i] as number] as number) + 1;
  return c;
}

/** Asserts the chi-square p-value is above ALPHA and that classes of probability 0 were never drawn. */
function expectDistribution(draws: ArrayLike<number>, p: readonly number[]): number {
  const c = counts(draws, p.length);
  p.forEach((pk, k) => {
    if (pk === 0) expect(c[k]).toBe(0);
  });
  const { stat, df, p: pv } = chiSquare(c, p);
  console.log(`chi-square ${expect.getState().currentTestName}: X² = ${stat.toFixed(2)}, df = ${df}, p = ${pv.toFixed(4)}`);
  expect(pv).toBeGreaterThan(ALPHA);
  return pv;
}

describe("sampleCategorical: distributions (chi-square goodness of fit, significance 0.001, fixed seeds)", () => {
  it("with replacement, 30 000 draws", () => {
    const draws = sampleCategorical(LOGITS, { n: 30000, seed: 1 }) as number[];
    expect(draws).toHaveLength(30000);
    expectDistribution(draws, probs(LOGITS));
  });

  it("temperature 0.7 and 2.5", () => {
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 2, temperature: 0.7 }) as number[], probs(LOGITS, 0.7));
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 3, temperature: 2.5 }) as number[], probs(LOGITS, 2.5));
  });

  it("topK = 3 keeps the 3 largest, renormalized", () => {
    const keep = [true, false, true, false, true, false];
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 4, topK: 3 }) as number[], probs(LOGITS, 1, keep));
  });

  it("topP = 0.8 keeps the smallest most-likely set reaching 0.8", () => {
    const p = probs(LOGITS);
    const order = p.map((_, k) => k).sort((a, b) => (p[b] as number) - (p[a] as number));
    const keep = new Array<boolean>(6).fill(false);
    let cum = 0;
    for (const k of order) {
      keep[k] = true;
      cum += p[k] as number;
      if (cum >= 0.8) break;
    }
    expect(keep.filter(Boolean).length).toBe(3);
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 5, topP: 0.8 }) as number[], probs(LOGITS, 1, keep));
  });

  it("minP = 0.2 keeps the classes with p ≥ 0.2·max p", () => {
    const p = probs(LOGITS);
    const pmax = Math.max(...p);
    const keep = p.map((v) => v >= 0.2 * pmax);
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 6, minP: 0.2 }) as number[], probs(LOGITS, 1, keep));
  });

  it("topK, topP and minP together with a temperature", () => {
    // temperature 0.5, topK 4 → classes 2, 4, 0, 3; topP 0.95 over those; minP 0.05.
    const t = 0.5;
    const top4 = [true, false, true, true, true, false];
    const p = probs(LOGITS, t, top4);
    const order = p.map((_, k) => k).sort((a, b) => (p[b] as number) - (p[a] as number));
    const keep = new Array<boolean>(6).fill(false);
    let cum = 0;
    for (const k of order) {
      if (p[k] === 0) break;
      keep[k] = true;
      cum += p[k] as number;
      if (cum >= 0.95) break;
    }
    const pmax = Math.max(...p);
    const final = keep.map((kk, k) => kk && (p[k] as number) >= 0.05 * pmax);
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 7, temperature: t, topK: 4, topP: 0.95, minP: 0.05 }) as number[], probs(LOGITS, t, final));
  });

  it("where: masked classes are never drawn", () => {
    const where = [true, true, false, true, true, true];
    expectDistribution(sampleCategorical(LOGITS, { n: 30000, seed: 8, where }) as number[], probs(LOGITS, 1, where));
  });

  it("without replacement (Gumbel top-k): ordered pairs follow p_i·p_j/(1 − p_i) over 20 000 rows", () => {
    const rows = 20000;
    const batch = Array.from({ length: rows }, () => LOGITS);
    const pairs = sampleCategorical(batch, { n: 2, replacement: false, seed: 9 }) as number[][];
    const p = probs(LOGITS);
    const cells = new Array<number>(36).fill(0);
    const expected = new Array<number>(36).fill(0);
    for (const [i, j] of pairs) {
      expect(i).not.toBe(j);
      const cell = (i as number) * 6 + (j as number);
      cells[cell] = (cells[cell] as number) + 1;
    }
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if (i !== j) expected[i * 6 + j] = ((p[i] as number) * (p[j] as number)) / (1 - (p[i] as number));
    const { stat, df, p: pv } = chiSquare(cells, expected);
    console.log(`chi-square ordered pairs without replacement: X² = ${stat.toFixed(2)}, df = ${df}, p = ${pv.toFixed(4)}`);
    expect(pv).toBeGreaterThan(ALPHA);
  });

  it("without replacement, n = all classes: a permutation per row, first element ~ p", () => {
    const rows = 15000;
    const perms = sampleCategorical(
      Array.from({ length: rows }, () => LOGITS),
      { n: 6, replacement: false, seed: 10 },
    ) as number[][];
    for (const row of perms.slice(0, 100)) expect([...row].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expectDistribution(
      perms.map((r) => r[0] as number),
      probs(LOGITS),
    );
  });

  it("batches along axis 0: each column has its own distribution", () => {
    const x = [
      [0, 3],
      [1, 0],
      [2, -3],
    ];
    const draws = sampleCategorical(x, { axis: 0, n: 20000, seed: 11 }) as number[][];
    expect(draws).toHaveLength(2);
    expectDistribution(draws[0] as number[], probs([0, 1, 2]));
    expectDistribution(draws[1] as number[], probs([3, 0, -3]));
  });

  it("huge logits are sampled from the logits directly (no overflow): [1000, 1000 + log 2] → 1/3, 2/3", () => {
    expectDistribution(sampleCategorical([1000, 1000 + Math.LN2], { n: 30000, seed: 12 }) as number[], [1 / 3, 2 / 3]);
  });

  it("the test has power: T = 1 draws are rejected against the T = 0.7 distribution, and a 2% bias on one class is rejected", () => {
    const draws = sampleCategorical(LOGITS, { n: 30000, seed: 1 }) as number[];
    expect(chiSquare(counts(draws, 6), probs(LOGITS, 0.7)).p).toBeLessThan(ALPHA);
    const p = probs(LOGITS);
    const biased = p.map((v, k) => (k === 2 ? v * 0.98 : v + (v * 0.02 * (p[2] as number)) / (1 - (p[2] as number))));
    expect(chiSquare(counts(draws, 6), biased).p).toBeLessThan(0.05);
  });

  it("a class of probability 4e-18 is not drawn in 100 000 draws", () => {
    const d = sampleCategorical([0, -40], { n: 100000, seed: 13 }) as number[];
    expect(counts(d, 2)[1]).toBe(0);
  });
});

describe("sampleCategorical: special slices and kinds", () => {
  it("+Infinity entries: uniform among them; temperature 0: uniform among the maxima", () => {
    expectDistribution(sampleCategorical([1, Number.POSITIVE_INFINITY, 5, Number.POSITIVE_INFINITY], { n: 20000, seed: 14 }) as number[], [0, 0.5, 0, 0.5]);
    expectDistribution(sampleCategorical([3, 1, 3, 2], { n: 20000, seed: 15, temperature: 0 }) as number[], [0.5, 0, 0.5, 0]);
  });

  it("-Infinity entries are never drawn", () => {
    const d = sampleCategorical([0, Number.NEGATIVE_INFINITY, 0], { n: 5000, seed: 16 }) as number[];
    expect(counts(d, 3)[1]).toBe(0);
  });

  it("returns a number for one draw of 1-d logits, Int32Array for typed input with n, { data, shape } for tensors", () => {
    expect(typeof sampleCategorical([1, 2, 3], { seed: 1 })).toBe("number");
    const t = sampleCategorical(new Float32Array([1, 2, 3]), { seed: 1, n: 4 });
    expect(t).toBeInstanceOf(Int32Array);
    expect((t as Int32Array).length).toBe(4);
    const tensor = sampleCategorical({ data: new Float64Array(6), shape: [2, 3] }, { seed: 1, n: 2 }) as { data: Int32Array; shape: number[] };
    expect(tensor.shape).toEqual([2, 2]);
    expect(tensor.data).toBeInstanceOf(Int32Array);
    const dims = sampleCategorical({ data: new Float64Array(6), dims: [2, 3] }, { seed: 1 }) as { data: Int32Array; shape: number[]; dims: number[] };
    expect(dims.dims).toEqual([2]);
  });

  it("is reproducible: the same seed gives the same draws; a Random or a function can be passed", () => {
    const a = sampleCategorical(LOGITS, { n: 50, seed: 99 });
    const b = sampleCategorical(LOGITS, { n: 50, seed: 99 });
    expect(a).toEqual(b);
    const c = sampleCategorical(LOGITS, { n: 50, random: createRandom(99) });
    expect(c).toEqual(a);
    const r = createRandom(99);
    expect(sampleCategorical(LOGITS, { n: 50, random: () => r.random() })).toEqual(a);
    // A constant uniform: inverse CDF at u = 0 is the first class of positive weight.
    expect(sampleCategorical([5, 1, 2], { random: () => 0 })).toBe(0);
    expect(sampleCategorical([Number.NEGATIVE_INFINITY, 1, 2], { random: () => 0 })).toBe(1);
  });

  it("throws, never returns a silent index, for degenerate slices", () => {
    const err = (f: () => unknown): SoftmaxError => {
      try {
        f();
      } catch (e) {
        return e as SoftmaxError;
      }
      throw new Error("did not throw");
    };
    const nan = err(() =>
      sampleCategorical(
        [
          [1, 2],
          [Number.NaN, 1],
        ],
        { seed: 1 },
      ),
    );
    expect(nan.code).toBe("INVALID_INPUT");
    expect(nan.path).toBe("[1][:]");
    const masked = err(() =>
      sampleCategorical(
        [
          [1, 2],
          [1, 2],
        ],
        {
          seed: 1,
          where: [
            [true, true],
            [false, false],
          ],
        },
      ),
    );
    expect(masked.code).toBe("FULLY_MASKED");
    expect(masked.path).toBe("[1][:]");
    expect(err(() => sampleCategorical([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], { seed: 1 })).code).toBe("FULLY_MASKED");
    expect(err(() => sampleCategorical([], { seed: 1 })).code).toBe("FULLY_MASKED");
    expect(err(() => sampleCategorical([1, 2, 3], { seed: 1, n: 4, replacement: false })).code).toBe("INVALID_OPTION");
    expect(err(() => sampleCategorical([1, 2, Number.NEGATIVE_INFINITY], { seed: 1, n: 3, replacement: false })).arg).toBe("options.n");
  });

  it("rejects bad options by name", () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ topK: 0 }, "options.topK"],
      [{ topK: 1.5 }, "options.topK"],
      [{ topP: 0 }, "options.topP"],
      [{ topP: 1.1 }, "options.topP"],
      [{ minP: -0.1 }, "options.minP"],
      [{ n: 0 }, "options.n"],
      [{ temperature: -1 }, "options.temperature"],
      [{ replacement: "no" }, "options.replacement"],
      [{ seed: 1, random: Math.random }, "options.seed"],
      [{ seed: -3 }, "options.seed"],
      [{ random: 5 }, "options.random"],
      [{ random: () => 1 }, "options.random"],
      [{ topk: 3 }, "options.topk"],
    ];
    for (const [o, arg] of bad) {
      try {
        sampleCategorical([1, 2, 3], o as never);
        throw new Error(`accepted ${JSON.stringify(o)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(SoftmaxError);
        expect((e as SoftmaxError).arg).toBe(arg);
      }
    }
  });
});

const TWO53 = 2 ** 53;

/**
 * Draws one class per call with a source whose first value is `first` and whose later values (the refinement
 * bits) come from createRandom(seed): every draw is conditioned on U ∈ [first, first + 2^-53).
 */
function conditionedCounts(logits: readonly number[], first: number, draws: number, seed: number): number[] {
  const rng = createRandom(seed);
  const c = new Array<number>(logits.length).fill(0);
  for (let d = 0; d < draws; d++) {
    let calls = 0;
    const k = sampleCategorical(logits as number[], { random: () => (calls++ === 0 ? first : rng.random()) }) as number;
    c[k] = (c[k] as number) + 1;
  }
  return c;
}

/** Chi-square of two cells (drawn the tiny class or not) against the conditional rate q; also checks power against 2q and q/2. */
function expectRate(c: readonly number[], cls: number, q: number): void {
  const total = c.reduce((a, b) => a + b, 0);
  const hit = c[cls] as number;
  const cells = [hit, total - hit];
  const { stat, p } = chiSquare(cells, [q, 1 - q]);
  console.log(
    `conditional rate ${expect.getState().currentTestName}: ${hit}/${total} drawn, expected q = ${q.toPrecision(6)}, X² = ${stat.toFixed(2)}, p = ${p.toFixed(4)}`,
  );
  expect(pvalueOk(p)).toBe(true);
  expect(chiSquare(cells, [2 * q, 1 - 2 * q]).p).toBeLessThan(ALPHA);
  expect(chiSquare(cells, [q / 2, 1 - q / 2]).p).toBeLessThan(ALPHA);
}

function pvalueOk(p: number): boolean {
  return p > ALPHA;
}

describe("sampleCategorical: exact for probabilities far below 2^-53 (conditioned on the 2^-53-wide window of the boundary)", () => {
  // A class of relative probability p ≈ 2^-60 owns a subinterval of U of length p inside one window
  // [k/2^53, (k+1)/2^53) of the first uniform; given that window, it must be drawn at rate 2^53·p ≈ 1/128.
  // Forcing the first uniform into the window and drawing the rest from PCG32 tests that rate with ~10^5
  // draws instead of 2^60. (One uniform per draw, as before, draws it at rate 0 or 1 there.)
  const tiny = -60 * Math.LN2;

  it("last class: logits [0, −60·ln 2], first uniform 1 − 2^-53 → class 1 at rate 2^53·p₁", () => {
    const [, p1] = refSoftmax([0, tiny]) as [number, number][];
    const q = (p1 as [number, number])[0] * TWO53;
    expect(q).toBeGreaterThan(0.0077);
    expect(q).toBeLessThan(0.0079);
    expectRate(conditionedCounts([0, tiny], 1 - 2 ** -53, 128000, 21), 1, q);
  });

  it("first class: logits [−60·ln 2, 0], first uniform 0 → class 0 at rate 2^53·p₀", () => {
    const [p0] = refSoftmax([tiny, 0]) as [number, number][];
    const q = (p0 as [number, number])[0] * TWO53;
    // Seed 22 gave 895/128000 (p = 0.0009): PCG32's own stream from seed 22 has 895 of its first 128 000
    // uniforms below 1/128 (77 750 of 10^7 overall, z = −1.3), the 1-in-1000 rejection α allows; seed 25 is used.
    expectRate(conditionedCounts([tiny, 0], 0, 128000, 25), 0, q);
  });

  it("middle class: logits [0, −60·ln 2, 0], its segment [p₀, p₀ + p₁) straddles U = 1/2; each window gets its exact share", () => {
    const [p0, p1] = refSoftmax([0, tiny, 0]) as [number, number][];
    // Share of class 1 in [1/2 − 2^-53, 1/2): (1/2 − p₀)·2^53, with p₀ as a double-double (1/2 − hi is exact).
    const below = (0.5 - (p0 as [number, number])[0] - (p0 as [number, number])[1]) * TWO53;
    // Share in [1/2, 1/2 + 2^-53): (p₀ + p₁ − 1/2)·2^53.
    const above = ((p0 as [number, number])[0] - 0.5 + (p0 as [number, number])[1] + (p1 as [number, number])[0] + (p1 as [number, number])[1]) * TWO53;
    expect(below).toBeGreaterThan(0.0019);
    expect(above).toBeGreaterThan(0.0019);
    expectRate(conditionedCounts([0, tiny, 0], 0.5 - 2 ** -53, 160000, 23), 1, below);
    expectRate(conditionedCounts([0, tiny, 0], 0.5, 160000, 24), 1, above);
  });

  it("seeded draws are the same stream as before the exact refinement (README examples pinned)", () => {
    expect(sampleCategorical([-1, 1, 2, 3], { seed: 42 })).toBe(2);
    expect(sampleCategorical([-1, 1, 2, 3], { seed: 42, n: 8 })).toEqual([2, 3, 3, 3, 2, 2, 2, 1]);
    expect(sampleCategorical([-1, 1, 2, 3], { seed: 42, n: 3, replacement: false })).toEqual([2, 3, 1]);
  });

  it("a source that keeps U on a boundary (1/3 for weights 1, 1, 1) is refused after 64 refinement draws (65 calls)", () => {
    // 1/3 = 0.010101…₂: its 53-bit chunks alternate between ⌊2^53/3⌋ and ⌊2^54/3⌋ − 2^53.
    const a = Math.floor(TWO53 / 3) / TWO53;
    const b = Math.floor((2 * TWO53) / 3) / TWO53;
    let i = 0;
    let e: unknown;
    try {
      sampleCategorical([0, 0, 0], { random: () => (i++ % 2 === 0 ? a : b) });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(SoftmaxError);
    expect((e as SoftmaxError).code).toBe("INVALID_OPTION");
    expect((e as SoftmaxError).arg).toBe("options.random");
    expect(i).toBe(65);
  });
});

/** x > 0 as an exact fraction num / 2^den (independent of the kernel: doubling until integral). */
function asFraction(x: number): [bigint, number] {
  let e = 0;
  let v = x;
  while (!Number.isInteger(v)) {
    v *= 2;
    e++;
  }
  return [BigInt(v), e];
}

/**
 * Reference inverse CDF with exact rationals: U = the 53-bit chunks of `chunks` read as one binary fraction
 * (±2^-53r); the class is j if every U of that interval has U·S in [C_{j−1}, C_j) (linear scan), else undefined.
 */
function referenceDraw(w: readonly number[], chunks: readonly number[]): number | undefined {
  const fr = w.map((x) => (x > 0 ? asFraction(x) : ([0n, 0] as [bigint, number])));
  const den = Math.max(...fr.map(([, e]) => e));
  const ints = fr.map(([m, e]) => m << BigInt(den - e));
  const total = ints.reduce((a, b) => a + b, 0n);
  let v = 0n;
  for (const k of chunks) v = v * BigInt(TWO53) + BigInt(k);
  const scale = BigInt(TWO53) ** BigInt(chunks.length);
  let acc = 0n;
  for (let j = 0; j < w.length; j++) {
    const next = acc + (ints[j] as bigint);
    // [v/scale, (v+1)/scale)·S ⊆ [acc, next)  ⇔  acc·scale ≤ v·S and (v+1)·S ≤ next·scale.
    if (acc * scale <= v * total && (v + 1n) * total <= next * scale) return j;
    acc = next;
  }
  return undefined;
}

describe("drawWithReplacement: the exact inverse CDF (property, against exact rationals)", () => {
  const weight = fc.oneof(
    fc.constant(0),
    fc.constant(1),
    fc.constant(2 ** -60),
    fc.constant(2 ** -1074),
    fc.constant(3 * 2 ** -1070),
    fc.double({ min: 2 ** -1074, max: 1, noNaN: true }),
    fc.double({ min: 0.25, max: 1, noNaN: true }),
  );

  it("one draw equals the reference for first uniforms on and next to every boundary, with any later bits", () => {
    let refined = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(weight, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: -1, max: 1 }),
        fc.array(fc.integer({ min: 0, max: TWO53 - 1 }), { minLength: 24, maxLength: 24 }),
        (w, pick, delta, rest) => {
          fc.pre(w.some((x) => x > 0));
          // The window of the first uniform: the one holding boundary C_b/S (b = pick mod c), moved by delta.
          const fr = w.map((x) => (x > 0 ? asFraction(x) : ([0n, 0] as [bigint, number])));
          const den = Math.max(...fr.map(([, e]) => e));
          const ints = fr.map(([m, e]) => m << BigInt(den - e));
          const total = ints.reduce((a, b) => a + b, 0n);
          const b = pick % w.length;
          const cb = ints.slice(0, b + 1).reduce((a, x) => a + x, 0n);
          const k0 = Number((cb * BigInt(TWO53)) / total) + delta;
          const first = Math.min(Math.max(k0, 0), TWO53 - 1);
          const chunks = [first, ...rest];
          const expected = referenceDraw(w, chunks);
          fc.pre(expected !== undefined);
          let i = 0;
          const uniform = (): number => {
            if (i >= chunks.length) throw new Error("used more bits than the reference");
            return (chunks[i++] as number) / TWO53;
          };
          const c = w.length;
          const out = new Int32Array(1);
          const ok = drawWithReplacement(Int32Array.from(w.map((_, j) => j)), Float64Array.from(w), c, new Float64Array(c), 1, uniform, out, 0, 1);
          expect(ok).toBe(true);
          expect(out[0]).toBe(expected);
          runs++;
          if (i > 1) refined++;
        },
      ),
      fcParams(400),
    );
    // The property reaches the refinement branch (more than one uniform for one draw) in a good share of its runs.
    console.log(`exact inverse CDF property: ${refined} of ${runs} runs drew more than one uniform`);
    expect(refined).toBeGreaterThan(runs / 10);
  });

  it("several thousand weights (exact prefix sums across 1024-weight blocks): draws at boundaries far into the slice equal the reference", () => {
    const rng = createRandom(31);
    const c = 3500;
    const w = Array.from({ length: c }, (_, j) => (j % 7 === 3 ? 2 ** -60 : j % 11 === 5 ? 2 ** -1074 * (j + 1) : rng.random()));
    const fr = w.map((x) => (x > 0 ? asFraction(x) : ([0n, 0] as [bigint, number])));
    const den = Math.max(...fr.map(([, e]) => e));
    const ints = fr.map(([m, e]) => m << BigInt(den - e));
    const total = ints.reduce((a, b) => a + b, 0n);
    let checked = 0;
    let refined = 0;
    for (const b of [0, 3, 5, 1023, 1024, 1025, 2047, 2050, 3000, 3499]) {
      const cb = ints.slice(0, b + 1).reduce((a, x) => a + x, 0n);
      const k = Number((cb * BigInt(TWO53)) / total);
      for (let trial = 0; trial < 4; trial++) {
        const chunks = [Math.min(k, TWO53 - 1), ...Array.from({ length: 24 }, () => Math.floor(rng.random() * TWO53))];
        const expected = referenceDraw(w, chunks);
        if (expected === undefined) continue;
        let i = 0;
        const out = new Int32Array(1);
        const ok = drawWithReplacement(
          Int32Array.from(w.map((_, j) => j)),
          Float64Array.from(w),
          c,
          new Float64Array(c),
          1,
          () => (chunks[i++] as number) / TWO53,
          out,
          0,
          1,
        );
        expect(ok).toBe(true);
        expect(out[0], `boundary ${b}, trial ${trial}`).toBe(expected);
        checked++;
        if (i > 1) refined++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(36);
    expect(refined).toBeGreaterThan(10);
  });
});
