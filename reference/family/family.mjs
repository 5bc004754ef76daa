/**
 * High-precision references for the family (losses, gradients, sparse maps,
 * information measures), in decimal.js at 64 significant digits. Independent
 * of src/: textbook formulas on exact decimal values of the inputs, so an
 * error in a kernel cannot hide here. Every function takes plain numbers and
 * returns double-doubles [hi, lo] (hi + lo = the value to ~106 bits), or
 * null for -Infinity, +Infinity as [Infinity, 0].
 */
import { D, exact, log1p } from "../decimal.mjs";

/** A Decimal as a double-double [hi, lo]. */
export function dd(v) {
  const hi = v.toNumber();
  if (!Number.isFinite(hi) || hi === 0) return [hi, 0];
  return [hi, v.minus(exact(hi)).toNumber()];
}

const NEG_INF = Number.NEGATIVE_INFINITY;

/** Decimal inputs: null for -Infinity or masked. */
function decimals(xs, where) {
  return xs.map((v, i) => ((where && where[i] === false) || v === NEG_INF ? null : exact(v)));
}

/** log-softmax of Decimal (or null) entries: d_k − log Σ e^{d}; null stays null. */
export function logSoftmaxD(zs) {
  let m = null;
  for (const z of zs) if (z !== null && (m === null || z.gt(m))) m = z;
  let r = new D(0);
  let first = true;
  for (const z of zs) {
    if (z === null) continue;
    if (first && z.eq(m)) {
      first = false;
      continue;
    }
    r = r.plus(z.minus(m).exp());
  }
  const L = log1p(r);
  return zs.map((z) => (z === null ? null : z.minus(m).minus(L)));
}

/** softmax of Decimal (or null) entries. */
export function softmaxD(zs) {
  return logSoftmaxD(zs).map((l) => (l === null ? new D(0) : l.exp()));
}

/** The coefficients a_k of the cross-entropy of a row (PyTorch's definition with weights and smoothing). */
function coefficients(xs, target, { weights, eps = 0, where } = {}) {
  const n = xs.length;
  const w = (k) => (weights ? exact(weights[k]) : new D(1));
  const counted = xs.map((v, k) => !(where && where[k] === false) && v !== NEG_INF);
  const kc = counted.filter(Boolean).length;
  const E = exact(eps);
  const a = [];
  for (let k = 0; k < n; k++) {
    const smooth = kc > 0 && counted[k] ? E.div(kc) : new D(0);
    if (typeof target === "number")
      a.push(
        w(k)
          .times(smooth)
          .plus(k === target ? w(k).times(new D(1).minus(E)) : 0),
      );
    else a.push(w(k).times(new D(1).minus(E).times(exact(target[k])).plus(smooth)));
  }
  return a;
}

/** Cross-entropy loss of one row as a Decimal, from Decimal logits (for finite differences). */
function ceLossD(zs, a) {
  const lp = logSoftmaxD(zs);
  let s = new D(0);
  a.forEach((ak, k) => {
    if (ak.isZero()) return;
    if (lp[k] === null) s = new D(Number.POSITIVE_INFINITY);
    else s = s.plus(ak.times(lp[k]).negated());
  });
  return s;
}

/** Cross-entropy of a row: index target (number) or probabilities (number[]). Options: weights, eps, where. */
export function crossEntropy(xs, target, options = {}) {
  return dd(ceLossD(decimals(xs, options.where), coefficients(xs, target, options)));
}

/** The gradient of the row's cross-entropy, closed form c·p − a, as Decimals. */
function ceGradD(xs, target, options = {}) {
  const a = coefficients(xs, target, options);
  const p = softmaxD(decimals(xs, options.where));
  const c = a.reduce((s, v) => s.plus(v), new D(0));
  return { g: p.map((pk, k) => c.times(pk).minus(a[k])), a, c, p };
}

/** Closed-form gradient and the scale max(c·p_k, a_k) of each entry (for ulp bounds). */
export function crossEntropyGrad(xs, target, options = {}) {
  const { g, a, c, p } = ceGradD(xs, target, options);
  return g.map((v, k) => ({ value: dd(v), scale: D.max(c.times(p[k]), a[k]).toNumber() }));
}

/** Central finite differences (h = 1e-25, in 64 digits) of the row's cross-entropy with respect to each logit. */
export function crossEntropyFD(xs, target, options = {}) {
  const a = coefficients(xs, target, options);
  const h = new D("1e-25");
  return xs.map((_, k) => {
    const up = decimals(xs, options.where);
    const dn = decimals(xs, options.where);
    if (up[k] === null) return 0;
    up[k] = up[k].plus(h);
    dn[k] = dn[k].minus(h);
    return ceLossD(up, a).minus(ceLossD(dn, a)).div(h.times(2)).toNumber();
  });
}

/** Binary cross-entropy with logits of one element: −[pw·t·log σ(x) + (1−t)·log σ(−x)]. */
export function bce(x, t, pw = 1) {
  const logSig = (v) => log1p(v.negated().exp()).negated();
  const X = exact(x);
  const T = exact(t);
  let s = new D(0);
  if (t !== 0 && pw !== 0) s = s.minus(exact(pw).times(T).times(logSig(X)));
  if (t !== 1) s = s.minus(new D(1).minus(T).times(logSig(X.negated())));
  return dd(s);
}

/** Entropy of softmax(xs). */
export function entropyOfLogits(xs, where) {
  const lp = logSoftmaxD(decimals(xs, where));
  let h = new D(0);
  for (const l of lp) if (l !== null) h = h.minus(l.exp().times(l));
  return dd(h);
}

/** −Σ p log p of given probabilities. */
export function entropyOfProbabilities(ps) {
  let h = new D(0);
  for (const p of ps) if (p !== 0) h = h.minus(exact(p).times(exact(p).ln()));
  return dd(h);
}

/** KL(softmax(a) ‖ softmax(b)) and the scale Σ P(|log P| + |log Q|). */
export function klOfLogits(as, bs) {
  const la = logSoftmaxD(decimals(as));
  const lb = logSoftmaxD(decimals(bs));
  let s = new D(0);
  let scale = new D(0);
  la.forEach((l, k) => {
    if (l === null) return;
    const p = l.exp();
    s = s.plus(p.times(l.minus(lb[k])));
    scale = scale.plus(p.times(l.abs().plus(lb[k].abs())));
  });
  return { value: dd(s), scale: scale.toNumber() };
}

/** KL(p ‖ q) of probabilities. */
export function klOfProbabilities(ps, qs) {
  let s = new D(0);
  ps.forEach((p, k) => {
    if (p !== 0) s = s.plus(exact(p).times(exact(p).div(exact(qs[k])).ln()));
  });
  return dd(s);
}

/** log(1 + r) for tiny r of either sign (series). */
function log1p1(r) {
  return r.minus(r.pow(2).div(2)).plus(r.pow(3).div(3));
}

/** log((1/n) Σ e^x) over the unmasked entries. */
export function logMeanExp(xs, where) {
  const zs = decimals(xs, where);
  const n = xs.filter((_, i) => !(where && where[i] === false)).length;
  let m = null;
  for (const z of zs) if (z !== null && (m === null || z.gt(m))) m = z;
  // Σ (e^{d} − 1) with a series for tiny d: e^{d} itself would round to 1 in 64 digits.
  const expm1 = (d) => (d.abs().lt("1e-20") ? d.plus(d.pow(2).div(2)).plus(d.pow(3).div(6)) : d.exp().minus(1));
  let e = new D(0);
  for (const z of zs) if (z !== null) e = e.plus(expm1(z.minus(m)));
  // Masked entries are not in n; -Infinity entries are (their e^{d} − 1 is −1).
  const minusOnes = xs.filter((v, i) => v === NEG_INF && !(where && where[i] === false)).length;
  const q1 = e.minus(minusOnes).div(n);
  const L = q1.abs().lt("1e-20") ? log1p1(q1) : q1.plus(1).ln();
  return dd(m.plus(L));
}

/** log Σ e^x of a row. */
export function logSumExp(xs) {
  const zs = decimals(xs);
  let m = null;
  for (const z of zs) if (z !== null && (m === null || z.gt(m))) m = z;
  let s = new D(0);
  for (const z of zs) if (z !== null) s = s.plus(z.minus(m).exp());
  return dd(m.plus(s.ln()));
}

/** softmax of a row, as double-doubles. */
export function softmax(xs, where) {
  return softmaxD(decimals(xs, where)).map(dd);
}

/** sparsemax of Decimal entries (sort, support, threshold). */
function sparsemaxD(zs) {
  const live = zs.filter((z) => z !== null).sort((a, b) => b.comparedTo(a));
  let cs = new D(0);
  let tau = null;
  live.forEach((z, j) => {
    cs = cs.plus(z);
    if (
      z
        .times(j + 1)
        .plus(1)
        .gt(cs)
    )
      tau = cs.minus(1).div(j + 1);
  });
  return zs.map((z) => (z === null || !z.gt(tau) ? new D(0) : z.minus(tau)));
}

/** 1.5-entmax of Decimal entries: p = max(z/2 − τ, 0)², τ from the closed form on the largest valid support. */
function entmax15D(zs) {
  const u = zs
    .filter((z) => z !== null)
    .map((z) => z.div(2))
    .sort((a, b) => b.comparedTo(a));
  let sum = new D(0);
  let sq = new D(0);
  let tau = null;
  u.forEach((v, j) => {
    const k = j + 1;
    sum = sum.plus(v);
    sq = sq.plus(v.times(v));
    const mean = sum.div(k);
    const delta = new D(1).minus(sq.minus(sum.times(mean))).div(k);
    if (delta.isNeg()) return;
    const t = mean.minus(delta.sqrt());
    if (t.lte(v)) tau = t;
  });
  return zs.map((z) => {
    if (z === null) return new D(0);
    const d = z.div(2).minus(tau);
    return d.isPos() && !d.isZero() ? d.times(d) : new D(0);
  });
}

/** sparsemax of a row as double-doubles, and τ-scale max|x| for the absolute bound. */
export function sparsemax(xs, where) {
  return sparsemaxD(decimals(xs, where)).map(dd);
}

/** 1.5-entmax of a row as double-doubles. */
export function entmax15(xs, where) {
  return entmax15D(decimals(xs, where)).map(dd);
}

/** Finite differences (h = 1e-25) of Σ dy·f(x) for f = "softmax" | "logSoftmax" | "sparsemax" | "entmax15". */
export function vjpFD(kind, xs, dy) {
  const f = { softmax: softmaxD, logSoftmax: logSoftmaxD, sparsemax: sparsemaxD, entmax15: entmax15D }[kind];
  const h = new D("1e-25");
  const L = (zs) => f(zs).reduce((s, v, k) => s.plus(exact(dy[k]).times(v)), new D(0));
  return xs.map((_, k) => {
    const up = decimals(xs);
    const dn = decimals(xs);
    up[k] = up[k].plus(h);
    dn[k] = dn[k].minus(h);
    return L(up).minus(L(dn)).div(h.times(2)).toNumber();
  });
}

/**
 * The inner products of the backward passes are compensated (Dot2): accurate
 * like a twice-precision sum, i.e. up to about 2^-100 of Σ|terms| when the
 * sum cancels. The scales below include that floor (and the 64-digit
 * reference itself cannot resolve a cancellation deeper than ~10^-60).
 */
const FLOOR = 2 ** -100;

/** y ⊙ (dy − Σ dy·y) for the given y, dy, with the scale |y_k|·max(|dy_k|, |s|). */
export function softmaxBackward(ys, dys) {
  const s = ys.reduce((acc, y, k) => acc.plus(exact(y).times(exact(dys[k]))), new D(0));
  const floor = FLOOR * ys.reduce((acc, y, k) => acc + Math.abs(y * dys[k]), 0);
  return ys.map((y, k) => ({
    value: dd(exact(y).times(exact(dys[k]).minus(s))),
    scale: Math.abs(y) * Math.max(Math.abs(dys[k]), Math.abs(s.toNumber()), floor),
  }));
}

/** dy − e^y Σ dy for the given y, dy. */
export function logSoftmaxBackward(ys, dys) {
  const s = dys.reduce((acc, v) => acc.plus(exact(v)), new D(0));
  return ys.map((y, k) => {
    const p = exact(y).exp();
    const floor = FLOOR * p.toNumber() * dys.reduce((acc, v) => acc + Math.abs(v), 0);
    return { value: dd(exact(dys[k]).minus(p.times(s))), scale: Math.max(Math.abs(dys[k]), p.times(s).abs().toNumber(), floor) };
  });
}

/** dy − mean_S dy on the support of the given y. */
export function sparsemaxBackward(ys, dys) {
  const S = ys.map((y) => y > 0);
  const size = S.filter(Boolean).length;
  const mean = dys.reduce((acc, v, k) => (S[k] ? acc.plus(exact(v)) : acc), new D(0)).div(size);
  const floor = (FLOOR * dys.reduce((acc, v, k) => (S[k] ? acc + Math.abs(v) : acc), 0)) / size;
  return ys.map((_, k) => ({
    value: S[k] ? dd(exact(dys[k]).minus(mean)) : [0, 0],
    scale: S[k] ? Math.max(Math.abs(dys[k]), Math.abs(mean.toNumber()), floor) : 0,
  }));
}

/** s ⊙ dy − s (Σ s dy)/Σ s with s = √y, for the given y, dy. */
export function entmax15Backward(ys, dys) {
  const s = ys.map((y) => (y > 0 ? exact(y).sqrt() : new D(0)));
  const sdy = s.reduce((acc, v, k) => acc.plus(v.times(exact(dys[k]))), new D(0));
  const ss = s.reduce((acc, v) => acc.plus(v), new D(0));
  const q = sdy.div(ss);
  const floor = (FLOOR * s.reduce((acc, v, k) => acc + v.toNumber() * Math.abs(dys[k]), 0)) / ss.toNumber();
  return ys.map((_, k) => ({
    value: dd(s[k].times(exact(dys[k]).minus(q))),
    scale: s[k].toNumber() * Math.max(Math.abs(dys[k]), Math.abs(q.toNumber()), floor),
  }));
}
