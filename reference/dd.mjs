/**
 * A second, independent reference in double-double arithmetic (about 106
 * bits), fast enough for rows of 10^6 entries and for property tests, where
 * decimal.js (~190 µs per exponential) is too slow. It is checked against the
 * decimal.js fixtures in test/accuracy/reference.test.ts.
 *
 * Its exponential is its own (argument reduction by ln 2 in double-double, a
 * Taylor series of 2^-10 · r, ten squarings), not Math.exp, and its results
 * keep a separate power of two so that subnormal outputs lose nothing:
 * an `Exact` is { hi, lo, k } with value (hi + lo) · 2^k.
 *
 * References: T. J. Dekker (1971); D. H. Bailey's QD library (the
 * double-double algorithms, written from their description, not copied).
 */

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a, b) {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function split(a) {
  const t = SPLITTER * a;
  const h = t - (t - a);
  return [h, a - h];
}

function twoProd(a, b) {
  // Above 2^996 SPLITTER · a overflows: multiply a scaled copy, then scale back by 2^28 (exact).
  if (Number.isFinite(a) && Number.isFinite(b) && (Math.abs(a) > 6.69692879491417e299 || Math.abs(b) > 6.69692879491417e299)) {
    const [p, e] = Math.abs(a) > 6.69692879491417e299 ? twoProd(a * 3.725290298461914e-9, b) : twoProd(a, b * 3.725290298461914e-9);
    return [p * 268435456, e * 268435456];
  }
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, al * bl - (p - ah * bh - al * bh - ah * bl)];
}

/** Double-double sum (hi, lo) of two double-doubles. */
export function add(a, b) {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [u, g] = twoSum(s, e + t);
  return twoSum(u, g + f);
}

/** Double-double product. */
export function mul(a, b) {
  const [p, e] = twoProd(a[0], b[0]);
  return twoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

/** Double-double quotient (two correction steps). */
export function div(a, b) {
  // Above 2^1000 the products q·b below could round past the largest double: divide a scaled copy.
  if (Math.abs(a[0]) > 2 ** 1000 && Number.isFinite(a[0])) {
    const q = div([a[0] * 2 ** -64, a[1] * 2 ** -64], b);
    return [q[0] * 2 ** 64, q[1] * 2 ** 64];
  }
  const q1 = a[0] / b[0];
  let r = add(a, neg(mul([q1, 0], b)));
  const q2 = r[0] / b[0];
  r = add(r, neg(mul([q2, 0], b)));
  const q3 = r[0] / b[0];
  return add(twoSum(q1, q2), [q3, 0]);
}

/** -a. */
export function neg(a) {
  return [-a[0], -a[1]];
}

/** The exact difference of two doubles as a double-double. */
export function sub(a, b) {
  return twoSum(a, -b);
}

const LN2 = [Math.LN2, 2.3190468138462996e-17];
const INV_FACT = [];
{
  let f = [1, 0];
  for (let j = 1; j <= 14; j++) {
    f = div(f, [j, 0]);
    INV_FACT[j] = f;
  }
}

function times2k(a, k) {
  // a · 2^k in steps that never overflow an intermediate power of two.
  let hi = a[0];
  let lo = a[1];
  while (k !== 0) {
    const s = Math.max(-1000, Math.min(1000, k));
    const p = 2 ** s;
    hi *= p;
    lo *= p;
    k -= s;
  }
  return [hi, lo];
}

/** e^a for a double-double a, as an Exact { hi, lo, k }: value (hi + lo)·2^k. */
export function expScaled(a) {
  // Below -2^20 the value is under 2^-1500000: zero for every purpose here (and n·ln2 would lose a).
  if (a[0] < -1048576) return { hi: 0, lo: 0, k: 0 };
  const n = Math.round(a[0] / LN2[0]);
  let r = add(a, neg(mul([n, 0], LN2)));
  r = [r[0] / 1024, r[1] / 1024];
  // Taylor series of e^r - 1 for |r| < 3.4e-4: 14 terms is far beyond 2^-106.
  let s = [0, 0];
  let p = [1, 0];
  for (let j = 1; j <= 14; j++) {
    p = mul(p, r);
    s = add(s, mul(p, INV_FACT[j]));
  }
  // (1 + s)^1024 via ten squarings of 1 + s, kept as s to avoid losing bits: (1+s)^2 = 1 + (2s + s^2).
  for (let j = 0; j < 10; j++) s = add(add(s, s), mul(s, s));
  const v = add([1, 0], s);
  return { hi: v[0], lo: v[1], k: n };
}

/** e^a as a plain double-double (underflows gracefully below 2^-1000). */
export function exp(a) {
  const e = expScaled(a);
  return times2k([e.hi, e.lo], e.k);
}

/** log(1 + r) for a double-double r ≥ 0. */
export function log1p(r) {
  if (r[0] === 0) return [0, 0];
  if (r[0] < 1e-9) {
    // r - r²/2 + r³/3 - r⁴/4: the next term is below 2^-106 · r.
    const r2 = mul(r, r);
    const r3 = mul(r2, r);
    const r4 = mul(r2, r2);
    return add(add(r, neg(div(r2, [2, 0]))), add(div(r3, [3, 0]), neg(div(r4, [4, 0]))));
  }
  // Newton on e^y = 1 + r from y0 = Math.log1p: y ← y + (1 + r)·e^{-y} - 1.
  const one = add([1, 0], r);
  let y = [Math.log1p(r[0] + r[1]), 0];
  for (let j = 0; j < 2; j++) y = add(y, add(mul(one, exp(neg(y))), [-1, 0]));
  return y;
}

function rowParts(xs, t) {
  let m = Number.NEGATIVE_INFINITY;
  let am = -1;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] > m) {
      m = xs[i];
      am = i;
    }
  }
  const d = new Array(xs.length);
  const e = new Array(xs.length);
  let K = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === Number.NEGATIVE_INFINITY) {
      d[i] = null;
      e[i] = { hi: 0, lo: 0, k: 0 };
      continue;
    }
    let di = sub(xs[i], m);
    // x - m beyond the double range: -Infinity, the correctly rounded difference.
    if (di[0] === Number.NEGATIVE_INFINITY) di = [di[0], 0];
    else if (t !== 1) di = div(di, [t, 0]);
    if (!Number.isFinite(di[0])) di = [Number.NEGATIVE_INFINITY, 0];
    d[i] = di;
    e[i] = expScaled(di);
    if (i !== am && e[i].hi !== 0 && e[i].k > K) K = e[i].k;
  }
  // r = Σ_{i≠argmax} e_i = rs · 2^K, summed at a common scale so that a subnormal r keeps its digits.
  let rs = [0, 0];
  if (K !== Number.NEGATIVE_INFINITY) {
    for (let i = 0; i < xs.length; i++) if (i !== am && e[i].k > K - 1100) rs = add(rs, times2k([e[i].hi, e[i].lo], e[i].k - K));
  } else {
    K = 0;
  }
  // Below 2^-900, log1p(r) = r to far beyond 2^-106, and r is kept scaled.
  const tiny = K < -900;
  const r = tiny ? [0, 0] : times2k(rs, K);
  return { m, d, e, r, rs, K, tiny };
}

/** softmax(x/t) of a row of finite numbers and -Infinity (at least one finite), as Exacts. */
export function softmax(xs, t = 1) {
  const { e, r } = rowParts(xs, t);
  const S = add([1, 0], r);
  return e.map((ei) => {
    const q = div([ei.hi, ei.lo], S);
    return { hi: q[0], lo: q[1], k: ei.k };
  });
}

/** logSoftmax(x/t) as Exacts; hi = -Infinity for -Infinity entries. */
export function logSoftmax(xs, t = 1) {
  const { d, r, rs, K, tiny } = rowParts(xs, t);
  const L = log1p(r);
  return d.map((di) => {
    if (di === null || di[0] === Number.NEGATIVE_INFINITY) return { hi: Number.NEGATIVE_INFINITY, lo: 0, k: 0 };
    // With r below 2^-900 every d ≠ 0 is below -623, and d - r = d to double-double precision.
    if (tiny) return di[0] === 0 ? { hi: -rs[0], lo: -rs[1], k: K } : { hi: di[0], lo: di[1], k: 0 };
    const v = add(di, neg(L));
    return { hi: v[0], lo: v[1], k: 0 };
  });
}

/** logSumExp(x/t)·t = m + t·log1p(r) as an Exact. */
export function logSumExp(xs, t = 1) {
  const { m, r, rs, K, tiny } = rowParts(xs, t);
  if (tiny && m === 0) {
    const v = mul(rs, [t, 0]);
    return { hi: v[0], lo: v[1], k: K };
  }
  const v = add([m, 0], mul([t, 0], tiny ? times2k(rs, K) : log1p(r)));
  return { hi: v[0], lo: v[1], k: 0 };
}
