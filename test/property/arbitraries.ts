/**
 * Generators for the property tests. Adversarial on purpose (fast-check's
 * defaults): -0, subnormals, the largest doubles, and, where the property
 * allows, NaN and ±Infinity.
 */
import fc from "fast-check";

/** Any finite double, from fast-check's full range: -0, subnormals, ±1.79e308 included. */
export const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });

/** Finite logits biased to the interesting places: moderate values, huge magnitudes, subnormals, the exp thresholds. */
export const logit = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -60, max: 60, noNaN: true }) },
  { weight: 2, arbitrary: finiteDouble },
  { weight: 1, arbitrary: fc.double({ min: -800, max: 800, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e308, -1e308, 745.1, -745.1, 709.8, 1e15 + 0.3) },
);

/** Logits that may also be NaN, +Infinity or -Infinity. */
export const special = fc.oneof(
  { weight: 6, arbitrary: logit },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);

/** A non-empty finite row. */
export const finiteRow = fc.array(logit, { minLength: 1, maxLength: 40 });

/** A non-empty row that may hold special values. */
export const specialRow = fc.array(special, { minLength: 1, maxLength: 30 });

/** A shape of 1 to 4 dimensions, each of length 0 to 4, and data of that size. */
export const tensor = (values: fc.Arbitrary<number>) =>
  fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 })
    .chain((shape) =>
      fc.tuple(fc.constant(shape), fc.array(values, { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) })),
    );

/** Row-major slice `s` of `data` along `axis`: its flat indices. */
export function sliceIndices(shape: readonly number[], axis: number): number[][] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i] as number;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i] as number;
  const n = shape[axis] as number;
  const slices: number[][] = [];
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) slices.push(Array.from({ length: n }, (_, k) => o * n * inner + j + k * inner));
  return slices;
}

/** ulp of a double (2^-1074 for subnormals and 0). */
export function ulp(v: number): number {
  const a = Math.abs(v);
  if (a < 2.2250738585072014e-308) return 5e-324;
  return 2 ** (Math.floor(Math.log2(a)) - 52) * (2 ** Math.floor(Math.log2(a)) > a ? 0.5 : 1);
}
