/**
 * WGSL numerics shared by every kernel: float classification through bit
 * patterns, an exp and a log of our own, and an accurate reciprocal/division.
 *
 * Why not WGSL's builtins: the WGSL spec lets `exp` be off by 3 + 2|x| ulp,
 * `log` by 2^-21 absolute near 1, and `/` by 2.5 ulp; and it lets an
 * implementation assume that no NaN or infinity occurs, so `x != x` or
 * `max(x, inf)` cannot be trusted. Here special values are read from the bit
 * pattern (integer operations, never folded away), and the functions below
 * are built from + - * only, which WGSL implementations round correctly.
 *
 * **Method**
 * - `expR(d, e)` = e^(d+e), d ≤ 0: k = round(d·log2 e); r = (d − k·ln2_hi) − k·ln2_lo + e
 *   (Cody–Waite, ln2_hi has 15 significant bits so k·ln2_hi is exact), |r| ≤ ln2/2;
 *   e^r = 1 + (r + r²·q(r)) with q the degree-5 Taylor tail (truncation < 2^-27 relative);
 *   scaled by `ldexp(·, k)`. d < −104 gives 0 (below the smallest float32 subnormal).
 * - `expDiff(a, b)` = e^(a−b) with the rounding error of a − b recovered exactly by
 *   Knuth's two-sum and fed to `expR` (without it, e^(a−b) for a−b ≈ −80 would lose up to 64 ulp).
 * - `logPos(s)`, s ≥ 1 normal: s = 2^k·f, f ∈ [√½, √2), log f = 2·atanh(u), u = (f−1)/(f+1)
 *   by `divAcc` with the rounding of f + 1 corrected (f − 1 is exact), odd series to u^9 (|u| ≤ 0.172, truncation < 2^-30); k·ln2 added in two parts.
 * - `divAcc(a, b)`: q = a/b then one correction q + (a − b·q)/b with b·q's error found by
 *   Dekker's product (splitting at 12 bits), so the quotient is within ~1 ulp whatever `/` does.
 *
 * **Accuracy** (measured on SwiftShader over 2^18 points each; test/webgpu/math.test.ts enforces the bounds):
 * expR 0.99 ulp (d ∈ [−87, 0], bound 1), expDiff 0.98 ulp (|a|, |b| ≤ 10^4, bound 1), logPos 1.51 ulp
 * (s ∈ [1, 2^20], bound 2), all against float64.
 *
 * - `h2f(h)`: the binary16 bits h (low 16 bits) to f32, exactly, by integer code: sign, exponent
 *   rebiased by 112, mantissa shifted; subnormal halves as f32(mantissa)·2^-24 (exact, a normal f32);
 *   ±Infinity and NaN rebuilt from the bits (a NaN keeps its payload's top bits).
 * - `f2h(v)`: f32 to binary16 bits, correctly rounded (to nearest, ties to even) by integer code,
 *   subnormal halves included; |v| ≥ 65520 gives ±Infinity, NaN a quiet NaN (0x7e00 with the sign).
 *   WGSL's `unpack2x16float` / `pack2x16float` are not used: the spec lets the conversion to f16 return
 *   either neighbour (not the nearest), makes it indeterminate outside f16's finite range (so +Infinity
 *   and overflowing values would have no defined result) and lets implementations flush subnormals.
 *
 * **Special cases**: none reach these functions: the kernels classify NaN and ±Infinity from the
 * bits first. expR(d) for d < −104 is 0; results below 2^-126 may be flushed to 0.
 */

/** WGSL source of the helpers. Kernels prepend it. */
export const MATH_WGSL = /* wgsl */ `
const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.4286068203094173e-6;
const KEY_NAN: u32 = 0xffffffffu;
const KEY_PINF: u32 = 0xff800000u;
const KEY_LAST_NINF: u32 = 0x007fffffu;
const CLS_FINITE: u32 = 0u;
const CLS_PINF: u32 = 1u;
const CLS_NAN: u32 = 2u;
const CLS_NONE: u32 = 3u;

// An order-preserving map from float bits to u32: max over keys is the float max,
// with every NaN above +Inf and -Inf below every finite value.
fn keyOf(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  if ((b & 0x7fffffffu) > 0x7f800000u) { return KEY_NAN; }
  if ((b & 0x80000000u) != 0u) { return ~b; }
  return b | 0x80000000u;
}
fn keyValue(k: u32) -> f32 {
  if ((k & 0x80000000u) != 0u) { return bitcast<f32>(k & 0x7fffffffu); }
  return bitcast<f32>(~k);
}
// The class of a slice from the max key over it.
fn classOf(k: u32) -> u32 {
  if (k == KEY_NAN) { return CLS_NAN; }
  if (k == KEY_PINF) { return CLS_PINF; }
  if (k <= KEY_LAST_NINF) { return CLS_NONE; }
  return CLS_FINITE;
}
fn isFin(v: f32) -> bool { return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u; }
fn isPinf(v: f32) -> bool { return bitcast<u32>(v) == 0x7f800000u; }

// binary16 bits (low 16 bits of h) to f32, exact for every half (subnormals, +-Infinity, NaN).
fn h2f(h: u32) -> f32 {
  let s = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0x1fu) { return bitcast<f32>(s | 0x7f800000u | (m << 13u)); }
  if (e == 0u) { return bitcast<f32>(s | bitcast<u32>(f32(m) * 5.9604644775390625e-8)); }
  return bitcast<f32>(s | ((e + 112u) << 23u) | (m << 13u));
}
// f32 to binary16 bits, rounded to nearest (ties to even); overflow to +-Infinity, NaN to a quiet NaN.
fn f2h(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  let s = (b >> 16u) & 0x8000u;
  let a = b & 0x7fffffffu;
  if (a > 0x7f800000u) { return s | 0x7e00u; }
  if (a >= 0x477ff000u) { return s | 0x7c00u; }
  if (a >= 0x38800000u) {
    let r = a - 0x38000000u;
    let h = r >> 13u;
    let rem = r & 0x1fffu;
    return s | (h + select(0u, 1u, rem > 0x1000u || (rem == 0x1000u && (h & 1u) == 1u)));
  }
  if (a < 0x33000000u) { return s; }
  let sh = 126u - (a >> 23u);
  let m = (a & 0x7fffffu) | 0x800000u;
  let h = m >> sh;
  let rem = m & ((1u << sh) - 1u);
  let half = 1u << (sh - 1u);
  return s | (h + select(0u, 1u, rem > half || (rem == half && (h & 1u) == 1u)));
}

// The rounding error of s = a + b (two-sum; exact).
fn twoSumErr(a: f32, b: f32, s: f32) -> f32 {
  let bv = s - a;
  let av = s - bv;
  return (a - av) + (b - bv);
}
// The rounding error of p = a * b (Dekker; exact barring underflow).
fn twoProdErr(a: f32, b: f32, p: f32) -> f32 {
  let ca = 4097.0 * a;
  let ah = ca - (ca - a);
  let al = a - ah;
  let cb = 4097.0 * b;
  let bh = cb - (cb - b);
  let bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}
// a / b within about 1 ulp, for finite normal a, b (one corrected step).
fn divAcc(a: f32, b: f32) -> f32 {
  let q = a / b;
  let p = b * q;
  let r = (a - p) - twoProdErr(b, q, p);
  return q + r / b;
}

// e^(d + e) for d <= 0 and |e| <= ulp(d).
fn expR(d: f32, e: f32) -> f32 {
  if (d < -104.0) { return 0.0; }
  let k = round(d * LOG2E);
  let r = ((d - k * LN2_HI) - k * LN2_LO) + e;
  let q = 0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * (0.008333333333333333 + r * (0.001388888888888889 + r * 0.0001984126984126984))));
  let p = 1.0 + (r + r * r * q);
  return ldexp(p, i32(k));
}
// e^(a - b) for finite a <= b, the rounding of a - b compensated.
fn expDiff(a: f32, b: f32) -> f32 {
  let d = a - b;
  return expR(d, twoSumErr(a, -b, d));
}
// log(s) for finite s >= 1.
fn logPos(s: f32) -> f32 {
  let bits = bitcast<u32>(s);
  var k = i32((bits >> 23u) & 0xffu) - 127;
  var f = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (f > 1.4142135) { f = f * 0.5; k = k + 1; }
  let den = f + 1.0;
  let u0 = divAcc(f - 1.0, den);
  let u = u0 - u0 * (twoSumErr(f, 1.0, den) / den);
  let u2 = u * u;
  let t = u * u2 * (0.6666666666666666 + u2 * (0.4 + u2 * (0.2857142857142857 + u2 * 0.2222222222222222)));
  let kf = f32(k);
  return kf * LN2_HI + ((2.0 * u + t) + kf * LN2_LO);
}
`;
