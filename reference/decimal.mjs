/**
 * The high-precision reference: the softmax family in decimal.js at 64
 * significant digits. Independent of the library: it shares no code with
 * src/ and uses the textbook formulas (no tricks beyond a log1p series), so an
 * error in the kernels cannot hide in it.
 *
 * Inputs are JavaScript numbers converted EXACTLY (`exact`), not through their
 * shortest decimal form: new Decimal(0.1) is 0.1, but the double 0.1 is
 * 0.1000000000000000055511151231257827...
 */
import Decimal from "decimal.js";

/** decimal.js with 64 significant digits and an exponent range that holds every double. */
export const D = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_EVEN, minE: -9e15, maxE: 9e15 });

const TWO = new D(2);
const pow2Cache = new Map();

/** 2^k as a Decimal (cached). */
export function pow2(k) {
  let p = pow2Cache.get(k);
  if (p === undefined) {
    p = TWO.pow(k);
    pow2Cache.set(k, p);
  }
  return p;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite double as a Decimal (mantissa · 2^exponent, 64 digits kept). */
export function exact(x) {
  if (!Number.isFinite(x)) throw new Error(`exact: ${x} is not finite`);
  if (x === 0) return new D(0);
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e;
  if (biased === 0) {
    e = -1074;
  } else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  const v = new D(mant.toString()).times(pow2(e));
  return x < 0 ? v.negated() : v;
}

/** log(1 + r) for r > -1 without losing r when |r| is tiny. */
export function log1p(r) {
  if (r.isZero()) return new D(0);
  if (r.abs().lt("1e-20")) return r.minus(r.pow(2).div(2)).plus(r.pow(3).div(3));
  return r.plus(1).ln();
}

function counted(xs, where) {
  return xs.map((_, i) => where === undefined || where[i] !== false);
}

/**
 * The parts shared by the softmax family for a row of finite numbers and
 * -Infinity (at least one finite): the maximum m (as a double), the first
 * argmax, d_k = (x_k - m)/t exactly (null for -Infinity / masked), e_k = e^{d_k}
 * and r = Σ_{k ≠ argmax} e_k.
 */
export function parts(xs, t = 1, where) {
  const keep = counted(xs, where);
  let m = Number.NEGATIVE_INFINITY;
  let am = -1;
  xs.forEach((v, i) => {
    if (keep[i] && v > m) {
      m = v;
      am = i;
    }
  });
  const M = exact(m);
  const T = exact(t);
  const d = xs.map((v, i) => (keep[i] && v !== Number.NEGATIVE_INFINITY ? exact(v).minus(M).div(T) : null));
  const e = d.map((di) => (di === null ? new D(0) : di.exp()));
  let r = new D(0);
  e.forEach((ei, i) => {
    if (i !== am) r = r.plus(ei);
  });
  return { m, M, am, d, e, r, T };
}

/** softmax(x/t) of a row (finite entries and -Infinity, at least one finite). */
export function softmax(xs, t = 1, where) {
  const { e, r } = parts(xs, t, where);
  const S = r.plus(1);
  return e.map((ei) => ei.div(S));
}

/** logSoftmax(x/t): d_k - log1p(r); null for -Infinity entries (the result is -Infinity). */
export function logSoftmax(xs, t = 1, where) {
  const { d, r } = parts(xs, t, where);
  const L = log1p(r);
  return d.map((di) => (di === null ? null : di.minus(L)));
}

/** logSumExp: m + t·log1p(r). */
export function logSumExp(xs, t = 1, where) {
  const { M, r, T } = parts(xs, t, where);
  return M.plus(T.times(log1p(r)));
}

/** Weighted logSumExp (SciPy's b): { value: log|Σ b_k e^{x_k}|, sign }; b_k = 0 entries do not count. */
export function weightedLogSumExp(xs, bs) {
  let m = Number.NEGATIVE_INFINITY;
  xs.forEach((v, i) => {
    if (bs[i] !== 0 && v > m) m = v;
  });
  const M = exact(m);
  // s = B + t: B = Σ b_k over the maxima (e^0 = 1, exact), t the rest, so that
  // log|s| = log1p(|s| - 1) keeps a tiny t when |B| = 1 (64 digits would round 1 + t to 1).
  let B = new D(0);
  let t = new D(0);
  xs.forEach((v, i) => {
    if (bs[i] === 0 || v === Number.NEGATIVE_INFINITY) return;
    if (v === m) B = B.plus(exact(bs[i]));
    else t = t.plus(exact(bs[i]).times(exact(v).minus(M).exp()));
  });
  const s = B.plus(t);
  if (s.isZero()) return { value: null, sign: 0 };
  const sign = s.isNeg() ? -1 : 1;
  const c = sign > 0 ? B.minus(1).plus(t) : B.negated().minus(1).minus(t);
  return { value: M.plus(c.abs().lt(0.5) ? log1p(c) : s.abs().ln()), sign };
}

/** σ(x) = 1/(1 + e^{-x}). */
export function sigmoid(x) {
  return new D(1).div(exact(-x).exp().plus(1));
}

/** log σ(x) = -log1p(e^{-x}), written x - log1p(e^x) for x < 0 (e^{-x} overflows decimal.js at x = -1e300). */
export function logSigmoid(x) {
  if (x < 0) return exact(x).minus(log1p(exact(x).exp()));
  return log1p(exact(-x).exp()).negated();
}

/** A Decimal as a string of 40 significant digits (plenty to decide float32 and float64 rounding). */
export function str(v) {
  return v.toSignificantDigits(40).toString();
}
