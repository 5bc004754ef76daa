/**
 * Generates the WebAssembly text (WAT) of the SIMD softmax kernels.
 *
 * The kernels are written here as WAT with a little JavaScript templating:
 * the same instruction sequence is emitted for several independent f64x2
 * vectors per loop iteration (interleaved statement by statement, so the CPU
 * has 4 exp evaluations in flight), and for the two precision modes.
 * `scripts/build-wasm.mjs` assembles the text with the `wabt` package.
 *
 * Every kernel works on float32 rows stored in the module's memory (byte
 * offsets), computes in float64 and rounds once to float32.
 *
 * Exports (per mode M = exact | fast):
 * - softmax_M(x, y, s, st, rows, n) → special rows. Row r at x + 4·r·n; y may equal x;
 *   s is float64 scratch of n; st receives 4 float64 per row: m, rh, rl, flag.
 * - stats_M(x, st, rows, n) → special rows: only m and r = Σ_{x_k ≠ m} e^{x_k - m} + (count - 1).
 * - logsoftmax_M(x, y, st, rows, n): y = (x - m) - L with L read from st[1] (written by JS: log1p(r)).
 * - scale_M(s, y, n, c): y = e·c over one row (worker threads scale the chunks of a long row).
 * - transpose(src, dst, rows, cols, spitch, dpitch): float32 4 × 4 SIMD tiles; slices along a non-last axis
 *   become rows this way (a cache-sized strip of columns at a time).
 * - softmax_cols_fast(x, rows, cols, pitch, st, a) → special slices: fast softmax across short slices of a non-last
 *   axis (the columns of a strip, four per vector), in place, without transposing.
 * - stats_cols_fast(x, rows, cols, pitch, st, a) → special slices: stats_fast's m and r across slices, likewise.
 * - logsoftmax_cols_fast(x, rows, cols, pitch, a): y = (x - m) - L across slices, m and L given per slice at a.
 * - softmax_rows_fast / logsoftmax_rows_fast / logsumexp_rows_fast(x, y, st, rows, n) → flagged rows: short rows along
 *   the last axis four per vector (lanes gathered from four consecutive rows), fused (log1p in WASM); see rowsFastFunc.
 * The fast row kernels end each row with a partial vector (loadPart / storePart: only the row's floats are read and
 * written), never in scalar code.
 * A row is special (flag 1) when its maximum is NaN, +Infinity or -Infinity: the caller redoes it in JS.
 *
 * Pass 2 runs one of two loops per row: the direct loop (m in a range: exact |K| ≤ ~1000-2000, fast m in
 * [-43.7, 175.4], K = round(m/ln2)) reduces each x itself against ln 2 and scales the terms by e^{-K·ln2}, which
 * cancels in the normalisation (no x - m, no TwoSum: 9 fewer float32 / 8 fewer float64 vector operations per vector);
 * the general loop (any m) keeps the exact difference x - m (TwoSum). See pass2Fast and pass2.
 *
 * Two variants of the module: SIMD128, and relaxed SIMD (`generateWat(shared, true)`), whose multiply-adds in the
 * polynomials and Cody–Waite steps may be fused (see `madd`).
 */

// Exp constants (Cody–Waite reduction d = k·ln2 + r, |r| ≤ ln2/2).
const INV_LN2 = "1.4426950408889634";
const LN2 = "0.6931471805599453";
const LN2_HI = "0.6931471803691238"; // 0x3fe62e42fee00000: k·LN2_HI exact for |k| < 2^11
const LN2_LO = "1.9082149292705877e-10";
const SHIFT = "6755399441056767"; // 1.5·2^52 + 1023: t = d/ln2 + SHIFT holds k + 1023 in its low mantissa bits
// Differences are clamped here: k = -1023 puts 0 in the exponent field, so e^d is exactly 0 for d ≤ -709 (and for
// -Infinity); above, 2^k is normal. e^-709 ≈ 1.2e-308 is far below anything a float32 result can see.
const CLAMP = "-709";

/**
 * Degree-11 near-minimax (exact mode), c0 = c1 = 1: relative error 1.2e-17 (2^-56.2) on |r| ≤ 1.0005·ln2/2,
 * fitted by scripts/fit-exp.py (Lawson's weighted least squares, 50 digits).
 */
const MINIMAX11 = [
  "1",
  "1",
  "0.5000000000000012",
  "0.16666666666666216",
  "0.04166666666651722",
  "0.008333333333550588",
  "0.0013888888946527156",
  "0.00019841269435529486",
  "2.480149044136463e-05",
  "2.7557627354041033e-06",
  "2.763110832115019e-07",
  "2.499136003771974e-08",
];
/** Degree-6 near-minimax (fast mode), c0 = 1 exactly: relative error 2.0e-9 (2^-28.9) on |r| ≤ 1.0005·ln2/2 (scripts/fit-exp.py). */
const MINIMAX6 = ["1", "1.0000000322639326", "0.499999941905899", "0.1666643078292771", "0.04166800487099315", "0.00837419676324095", "0.0013843602475973671"];

/**
 * f64x2 vectors per iteration (exact mode), set per variant by generateWat: 8 (16 floats) for SIMD128, 4 for relaxed
 * SIMD, where the fused multiply-adds leave fewer values in flight (measured with `npm run bench:kernels`-style timings on
 * the raw kernels: relaxed V = 4 1.03-1.10× faster than V = 8; SIMD128 V = 4 0.8× of V = 8).
 */
let V = 8;
const VF = 4; // f32x4 vectors per iteration (fast mode): 16 floats (2 and 8 measured slower)
/** Every f64x2 constant used in a loop lives in a local set once per call (V8 rebuilds a v128.const at each use). */
const constants = new Map();
const constant = (text) => {
  if (!constants.has(text)) constants.set(text, `K${constants.size}`);
  return `(local.get $${constants.get(text)})`;
};
const splat = (c) => constant(`f64x2 ${c} ${c}`);
const splatF = (c) => constant(`f32x4 ${c} ${c} ${c} ${c}`);
/** Declarations and initialisations of the constants used by `body` (call after generating it). */
function constantLocals() {
  const decl = [...constants.values()].map((n) => `(local $${n} v128)`).join(" ");
  const init = [...constants.entries()].map(([c, n]) => `(local.set $${n} (v128.const ${c}))`).join("\n    ");
  constants.clear();
  return { decl, init };
}
/**
 * Relaxed SIMD (`generateWat(shared, true)`): a·b + c and c - a·b as f32x4/f64x2.relaxed_madd / relaxed_nmadd, which
 * an engine may run fused (one rounding: x64 with FMA3, arm64) or as a multiply then an add (two roundings, exactly the
 * SIMD128 instructions emitted otherwise). They are used only where every accuracy bound holds both ways: the
 * Cody–Waite steps (k·LN2_HI is exact, so that step gives the same bits; the others only lose the rounding of the
 * product), the magic-number rounding (k = d/ln2 rounded to an integer either way; |r| stays within the polynomial's
 * interval) and the polynomials (Horner steps, each at most as far off fused as unfused). The error-free transforms
 * (TwoSum of x - m) never use them.
 */
const relaxed = { on: false };
const madd = (shape, a, b, c) => (relaxed.on ? `(${shape}.relaxed_madd ${a} ${b} ${c})` : `(${shape}.add (${shape}.mul ${a} ${b}) ${c})`);
const nmadd = (shape, a, b, c) => (relaxed.on ? `(${shape}.relaxed_nmadd ${a} ${b} ${c})` : `(${shape}.sub ${c} (${shape}.mul ${a} ${b}))`);
const get = (n) => `(local.get $${n})`;
const set = (n, e) => `(local.set $${n} ${e})`;
const lanes = (f) => Array.from({ length: V }, (_, j) => f(j)).join("\n");
/** Byte indices of i8x16.shuffle picking 32-bit lanes (second operand's lanes are 4-7). */
const lanes32 = (...l) => l.flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]).join(" ");
const HIGH = "8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7";
const LOWS = "0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23";

/** Rounds y0..y(V-1) (float64) to 2V floats stored at $q. */
function store8() {
  const out = [];
  for (let i = 0; i < V / 2; i++) {
    out.push(
      `(v128.store offset=${16 * i} (local.get $q) (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero ${get(`y${2 * i}`)}) (f32x4.demote_f64x2_zero ${get(`y${2 * i + 1}`)})))`,
    );
  }
  return out.join("\n");
}

/** d_j ← e^{d_j} (times 1 + dl_j in exact mode) for the V vectors, interleaved. */
function expV(exact, direct = false) {
  const c = exact ? MINIMAX11 : MINIMAX6;
  const deg = c.length - 1;
  // direct: d holds x itself (clamped at $CV), the magic number is $S1V = SHIFT - K (see pass2)
  const shift = direct ? get("S1V") : splat(SHIFT);
  const out = [
    lanes((j) => set(`d${j}`, `(f64x2.pmax ${get(`d${j}`)} ${direct ? get("CV") : splat(CLAMP)})`)),
    lanes((j) => set(`t${j}`, madd("f64x2", get(`d${j}`), splat(INV_LN2), shift))),
    lanes((j) => set(`k${j}`, `(f64x2.sub ${get(`t${j}`)} ${shift})`)),
    lanes((j) => set(`d${j}`, nmadd("f64x2", get(`k${j}`), splat(LN2_HI), get(`d${j}`)))),
    lanes((j) => set(`d${j}`, nmadd("f64x2", get(`k${j}`), splat(LN2_LO), get(`d${j}`)))),
    lanes((j) => set(`k${j}`, madd("f64x2", get(`d${j}`), splat(c[deg]), splat(c[deg - 1])))),
  ];
  for (let i = deg - 2; i >= 0; i--) out.push(lanes((j) => set(`k${j}`, madd("f64x2", get(`k${j}`), get(`d${j}`), splat(c[i])))));
  out.push(lanes((j) => set(`d${j}`, `(f64x2.mul ${get(`k${j}`)} (i64x2.shl ${get(`t${j}`)} (i32.const 52)))`)));
  if (exact && !direct)
    out.push(
      lanes((j) =>
        set(
          `d${j}`,
          relaxed.on ? madd("f64x2", get(`d${j}`), get(`l${j}`), get(`d${j}`)) : `(f64x2.add ${get(`d${j}`)} (f64x2.mul ${get(`d${j}`)} ${get(`l${j}`)}))`,
        ),
      ),
    );
  return out.join("\n");
}

/** Scalar e^{x - K·ln2} for the tails of exact mode's direct loop: the vector loop's instructions ($c = clamp, $s1 = SHIFT - K). */
function expDirectFunc() {
  const c = MINIMAX11;
  const deg = c.length - 1;
  let poly = `(f64.const ${c[deg]})`;
  for (let i = deg - 1; i >= 0; i--) poly = `(f64.add (f64.mul ${poly} (local.get $r)) (f64.const ${c[i]}))`;
  return `
  (func $exp_direct (param $x f64) (param $c f64) (param $s1 f64) (result f64) (local $t f64) (local $r f64)
    (local.set $x (f64.max (local.get $x) (local.get $c)))
    (local.set $t (f64.add (f64.mul (local.get $x) (f64.const ${INV_LN2})) (local.get $s1)))
    (local.set $r (f64.sub (local.get $t) (local.get $s1)))
    (local.set $r (f64.sub (f64.sub (local.get $x) (f64.mul (local.get $r) (f64.const ${LN2_HI}))) (f64.mul (local.get $r) (f64.const ${LN2_LO}))))
    (f64.mul ${poly} (f64.reinterpret_i64 (i64.shl (i64.reinterpret_f64 (local.get $t)) (i64.const 52)))))`;
}

/** The floats of a row's last, partial vector (n & 3 of them, 1 to 3): the fast kernels' tails (see loadPart). */
const REM = "(i32.and (local.get $n) (i32.const 3))";
/**
 * The last `rem` (1 to 3) floats of a row at `p` as a vector whose other lanes are -Infinity (a neutral element for
 * maxima and sums of exponentials), loading those floats only: a kernel never reads past a row's end, so no buffer
 * needs slack (the arena's views, the threads' chunks).
 */
const loadPart = (p, rem) => `(if (result v128) (i32.eq ${rem} (i32.const 1))
    (then (v128.load32_lane 0 ${p} (v128.const f32x4 -inf -inf -inf -inf)))
    (else (if (result v128) (i32.eq ${rem} (i32.const 2))
      (then (v128.load64_lane 0 ${p} (v128.const f32x4 -inf -inf -inf -inf)))
      (else (v128.load32_lane offset=8 2 ${p} (v128.load64_lane 0 ${p} (v128.const f32x4 -inf -inf -inf -inf)))))))`;
/** Stores lanes [0, rem) of `v` at `p` (rem 1 to 3): never past a row's end (kernels run in place on consecutive rows). */
const storePart = (p, v, rem) => `(if (i32.eq ${rem} (i32.const 1))
    (then (v128.store32_lane 0 ${p} ${v}))
    (else (v128.store64_lane 0 ${p} ${v}) (if (i32.eq ${rem} (i32.const 3)) (then (v128.store32_lane offset=8 2 ${p} ${v})))))`;

/**
 * The maximum of n floats at $p (NaN if any is NaN), with no scalar code: a loop of 16 floats, then one vector at a
 * time, then the partial last vector (lanes past the row -Infinity, see loadPart). pmax is one instruction (f32x4.max's
 * NaN rules cost several), so NaNs are tracked apart: an OR of x ≠ x.
 */
const ROWMAX = `
  (func $rowmax (param $p i32) (param $n i32) (result f32)
    (local $end i32) (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $u v128) (local $v v128) (local $m f32)
    (local.set $m0 (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $m1 (local.get $m0)) (local.set $m2 (local.get $m0)) (local.set $m3 (local.get $m0))
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (v128.load (local.get $p)))
      (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $v)))
      (local.set $u (v128.or (local.get $u) (f32x4.ne (local.get $v) (local.get $v))))
      (local.set $v (v128.load offset=16 (local.get $p)))
      (local.set $m1 (f32x4.pmax (local.get $m1) (local.get $v)))
      (local.set $u (v128.or (local.get $u) (f32x4.ne (local.get $v) (local.get $v))))
      (local.set $v (v128.load offset=32 (local.get $p)))
      (local.set $m2 (f32x4.pmax (local.get $m2) (local.get $v)))
      (local.set $u (v128.or (local.get $u) (f32x4.ne (local.get $v) (local.get $v))))
      (local.set $v (v128.load offset=48 (local.get $p)))
      (local.set $m3 (f32x4.pmax (local.get $m3) (local.get $v)))
      (local.set $u (v128.or (local.get $u) (f32x4.ne (local.get $v) (local.get $v))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 12)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (v128.load (local.get $p)))
      (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $v)))
      (local.set $u (v128.or (local.get $u) (f32x4.ne (local.get $v) (local.get $v))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $next)))
    (if ${REM} (then
      (local.set $v ${loadPart("(local.get $p)", REM)})
      (local.set $m1 (f32x4.pmax (local.get $m1) (local.get $v)))
      (local.set $u (v128.or (local.get $u) (f32x4.ne (local.get $v) (local.get $v))))))
    ;; lanes combined with pmax too (one instruction each; NaNs are tracked in $u, and the sign of a zero maximum never
    ;; shows in any result: x - m and the count of maxima are the same for m = +0 and m = -0)
    (local.set $m0 (f32x4.pmax (f32x4.pmax (local.get $m0) (local.get $m1)) (f32x4.pmax (local.get $m2) (local.get $m3))))
    (local.set $m0 (f32x4.pmax (local.get $m0) (i8x16.shuffle ${lanes32(2, 3, 0, 1)} (local.get $m0) (local.get $m0))))
    (local.set $m0 (f32x4.pmax (local.get $m0) (i8x16.shuffle ${lanes32(1, 0, 3, 2)} (local.get $m0) (local.get $m0))))
    (local.set $m (f32x4.extract_lane 0 (local.get $m0)))
    (if (v128.any_true (local.get $u)) (then (local.set $m (f32.const nan))))
    (local.get $m))`;

const VEC_LOCALS = [
  "X0",
  "X1",
  "X2",
  "X3",
  "MF",
  "NMF",
  ...["a", "d", "l", "t", "k", "q", "s", "c", "z", "y", "xf", "df", "lf", "tf", "kf", "qf", "zf"].flatMap((p) =>
    Array.from({ length: Math.max(V, VF) }, (_, j) => `${p}${j}`),
  ),
]
  .map((n) => `(local $${n} v128)`)
  .join(" ");

/**
 * Pass 2 over a row (exact mode): e_k = e^{x_k - m} (stored as float64 at $s when `store`), r' = Σ_{x_k ≠ m} e_k, count
 * of x_k = m. The difference is an exact double-double (TwoSum), e^{dh}·(1 + dl) (general loop), or x is reduced
 * itself (direct loop, see below); the sum is compensated (each iteration's terms summed as a tree, then added with
 * Neumaier's correction, order by max/min since every term is ≥ 0). Leaves rh, rl, cnt in locals.
 *
 * Tails run the vector code too: a row of n ≥ 2V that is not a multiple of 2V ends with one iteration over its last 2V
 * floats, the lanes that the main loop already summed masked out of the sum and the count (their stored terms are
 * written again with the same bits); a shorter row runs pairs of floats through a one-vector copy of the loop
 * (v128.load64_zero), then an odd float (v128.load32_zero, its empty lane masked). Nothing is read or written outside
 * the row (and its scratch).
 */
function pass2(exact, store, direct = "(i32.const 0)") {
  if (!exact) throw new Error("pass2: exact mode only (fast mode: pass2Fast)");
  // Softmax (`store`) needs only S = 1 + r: the vector body sums every term, maxima included (e^0 is exactly 1), and
  // skips the count; log-softmax / log-sum-exp keep r = Σ_{x ≠ m} e + (count - 1) for the digits of log1p(r).
  const count = !store;
  /**
   * One iteration over V vectors: a_j from load(j), terms stored by storeTerms (softmax), summed. valid(j): a mask of
   * the lanes to sum and count (tails), or null.
   */
  const iteration = (straight, load, valid, storeTerms) => {
    const out = [lanes((j) => set(`a${j}`, load(j)))];
    if (count)
      out.push(lanes((j) => set(`q${j}`, valid ? `(v128.and (f64x2.eq ${get(`a${j}`)} ${get("M")}) ${valid(j)})` : `(f64x2.eq ${get(`a${j}`)} ${get("M")})`)));
    if (straight) {
      out.push(
        lanes((j) => set(`d${j}`, get(`a${j}`))),
        expV(true, true),
      );
    } else {
      out.push(lanes((j) => set(`d${j}`, `(f64x2.add ${get(`a${j}`)} ${get("NM")})`)));
      out.push(lanes((j) => set(`t${j}`, `(f64x2.sub ${get(`d${j}`)} ${get(`a${j}`)})`)));
      out.push(
        lanes((j) =>
          set(`l${j}`, `(f64x2.add (f64x2.sub ${get(`a${j}`)} (f64x2.sub ${get(`d${j}`)} ${get(`t${j}`)})) (f64x2.sub ${get("NM")} ${get(`t${j}`)}))`),
        ),
      );
      // dl is NaN only for x = -Infinity (d = -Infinity): zero it (NaN ≠ NaN).
      out.push(lanes((j) => set(`l${j}`, `(v128.and ${get(`l${j}`)} (f64x2.eq ${get(`l${j}`)} ${get(`l${j}`)}))`)));
      out.push(expV(true));
    }
    if (store) out.push(storeTerms);
    // the maxima's terms out of the sum (counted instead), and a tail's lanes that are not new
    if (count) out.push(lanes((j) => set(`d${j}`, `(v128.andnot ${get(`d${j}`)} ${get(`q${j}`)})`)));
    if (valid) out.push(lanes((j) => set(`d${j}`, `(v128.and ${get(`d${j}`)} ${valid(j)})`)));
    // one count accumulator: the masks (-1 per maximum) of the iteration summed as a tree
    const qtree = (lo, hi) => (hi - lo === 1 ? get(`q${lo}`) : `(i64x2.add ${qtree(lo, (lo + hi) / 2)} ${qtree((lo + hi) / 2, hi)})`);
    if (count) out.push(set("z0", `(i64x2.sub ${get("z0")} ${qtree(0, V)})`));
    // Terms of one iteration summed as a tree (error ≤ 2^-52 of their sum), then added to one compensated accumulator.
    const tree = (lo, hi) => (hi - lo === 1 ? get(`d${lo}`) : `(f64x2.add ${tree(lo, (lo + hi) / 2)} ${tree((lo + hi) / 2, hi)})`);
    out.push(set("d0", tree(0, V)));
    out.push(set("t0", "(f64x2.pmax (local.get $s0) (local.get $d0))"));
    out.push(set("k0", "(f64x2.pmin (local.get $s0) (local.get $d0))"));
    out.push(set("s0", "(f64x2.add (local.get $t0) (local.get $k0))"));
    out.push(set("c0", "(f64x2.add (local.get $c0) (f64x2.sub (local.get $k0) (f64x2.sub (local.get $s0) (local.get $t0))))"));
    return out.join("\n");
  };
  const both = (load, valid, storeTerms) =>
    `(if (local.get $direct) (then ${iteration(true, load, valid, storeTerms)}) (else ${iteration(false, load, valid, storeTerms)}))`;
  const fromP = (j) => `(f64x2.promote_low_f32x4 (v128.load64_zero offset=${8 * j} (local.get $p)))`;
  const storeW = lanes((j) => `(v128.store offset=${16 * j} (local.get $w) ${get(`d${j}`)})`);
  const loop = (straight) => `(block $done (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            ${iteration(straight, fromP, null, storeW)}
            (local.set $p (i32.add (local.get $p) (i32.const ${8 * V})))
            (local.set $w (i32.add (local.get $w) (i32.const ${16 * V})))
            (br $next)))`;
  // the window's lane i (0 ≤ i < 2V) is new when i > 2V - 1 - t, t = n mod 2V: $tv holds 2V - 1 - t
  const windowValid = (j) => `(i64x2.gt_s ${constant(`i64x2 ${2 * j} ${2 * j + 1}`)} (local.get $tv))`;
  const window = both(fromP, windowValid, storeW);
  // short rows (n < 2V): one vector at a time
  const saveV = V;
  V = 1;
  const pair = both(fromP, null, "(v128.store (local.get $w) (local.get $d0))");
  const odd = both(
    () => "(f64x2.promote_low_f32x4 (v128.load32_zero (local.get $p)))",
    () => constant("i64x2 -1 0"),
    "(v128.store64_lane 0 (local.get $w) (local.get $d0))",
  );
  V = saveV;
  // Lane reduction: Neumaier over the 2 partial sums (their compensations added to rl).
  const reduce = [];
  for (let lane = 0; lane < 2; lane++) {
    reduce.push(`(local.set $cnt (i64.add (local.get $cnt) (i64x2.extract_lane ${lane} ${get("z0")})))`);
    reduce.push(`(local.set $e (f64x2.extract_lane ${lane} ${get("s0")}))`);
    reduce.push(`(local.set $sh (f64.add (local.get $rh) (local.get $e)))`);
    reduce.push(
      `(local.set $rl (f64.add (local.get $rl) (f64.sub (f64.min (local.get $rh) (local.get $e)) (f64.sub (local.get $sh) (f64.max (local.get $rh) (local.get $e))))))`,
    );
    reduce.push(`(local.set $rh (local.get $sh))`);
    reduce.push(`(local.set $rl (f64.add (local.get $rl) (f64x2.extract_lane ${lane} ${get("c0")})))`);
  }
  return `
      ;; pass 2: exponentials and their sum
      (local.set $M (f64x2.splat (local.get $m)))
      (local.set $NM (f64x2.splat (f64.neg (local.get $m))))
      ${set("s0", splat(0))} ${set("c0", splat(0))} ${set("z0", splat(0))}
      (local.set $p (local.get $xr))
      (local.set $w (local.get $s))
      (local.set $end (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const ${-2 * V})) (i32.const 2))))
      ;; direct loop (exact mode: K = round(m/ln2) in [-1000, 2000]): terms e^{x - K·ln2} reduced from x itself, no
      ;; TwoSum (see pass2Fast); clamp at K·ln2 - 709 (exponent field 0: the term is exactly 0), magic SHIFT - K
      (local.set $K (f64.nearest (f64.mul (local.get $m) (f64.const ${INV_LN2}))))
      (local.set $direct (i32.and ${direct} (i32.and (f64.ge (local.get $K) (f64.const -1000)) (f64.le (local.get $K) (f64.const 2000)))))
      (local.set $em (f64.const 1))
      (if (local.get $direct)
        (then
          (local.set $KL (f64.sub (f64.mul (local.get $K) (f64.const ${LN2})) (f64.const 709)))
          (local.set $sft (f64.sub (f64.const ${SHIFT}) (local.get $K)))
          (local.set $CV (f64x2.splat (local.get $KL)))
          (local.set $S1V (f64x2.splat (local.get $sft)))
          (local.set $em (call $exp_direct (local.get $m) (local.get $KL) (local.get $sft)))
          ${loop(true)})
        (else ${loop(false)}))
      ;; tail
      (if (i32.and (local.get $n) (i32.const ${2 * V - 1}))
        (then
          (if (i32.ge_u (local.get $n) (i32.const ${2 * V}))
            (then
              ;; the row's last 2V floats, the t = n mod 2V new ones summed
              (local.set $p (i32.sub (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))) (i32.const ${8 * V})))
              (local.set $w (i32.sub (i32.add (local.get $s) (i32.shl (local.get $n) (i32.const 3))) (i32.const ${16 * V})))
              (local.set $tv (i64x2.splat (i64.extend_i32_u (i32.sub (i32.const ${2 * V - 1}) (i32.and (local.get $n) (i32.const ${2 * V - 1}))))))
              ${window})
            (else
              (local.set $end (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
              (block $done (loop $next
                (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
                ${pair}
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $w (i32.add (local.get $w) (i32.const 16)))
                (br $next)))
              (if (i32.lt_u (local.get $p) (local.get $end)) (then ${odd}))))))
      (local.set $rh (f64.const 0)) (local.set $rl (f64.const 0)) (local.set $cnt (i64.const 0))
      ${reduce.join("\n")}
      ${
        store
          ? `;; S' = r' + 1 (every term summed, the maxima's included): r = S' - 1 (general loop); the direct loop keeps S'
      ;; (in units of em) in rh + rl, and its caller divides
      (local.set $e (select (f64.const 0) (f64.const -1) (local.get $direct)))`
          : `;; direct: r' is in units of em = e^{m - K·ln2}
      (local.set $rh (f64.div (local.get $rh) (local.get $em)))
      (local.set $rl (f64.div (local.get $rl) (local.get $em)))
      ;; r = (count - 1) + r'
      (local.set $e (f64.convert_i64_s (i64.sub (local.get $cnt) (i64.const 1))))`
      }
      (local.set $sh (f64.add (local.get $rh) (local.get $e)))
      (local.set $bb (f64.sub (local.get $sh) (local.get $rh)))
      (local.set $rl (f64.add (local.get $rl) (f64.add (f64.sub (local.get $rh) (f64.sub (local.get $sh) (local.get $bb))) (f64.sub (local.get $e) (local.get $bb)))))
      (local.set $rh (local.get $sh))`;
}

// Fast mode works in float32 lanes (four per vector): Cody–Waite with ln2 split for float32 (Cephes' constants),
// results scaled by 2^64 so that e^d stays a normal float32 down to d = -131 (below -104 every float32 result is 0).
const INV_LN2_F = "1.44269502";
const LN2_HI_F = "0.693145751953125"; // 0x3f317200: k·LN2_HI_F exact for |k| < 2^8
const LN2_LO_F = "1.428606765330187e-06";
const SHIFT_F = "12583103"; // 1.5·2^23 + 127 + 64
const CLAMP_F = "-132.5"; // k + 191 = 0: e^d·2^64 is exactly 0 for d ≤ -132.5; above, normal float32 down to d = -131.8
const TWO64 = "18446744073709551616";

/**
 * Fast pass 2 in float32 lanes, 16 floats per iteration: e·2^64 with the degree-6 polynomial, stored in place when
 * `store`, summed in float64 (promoted). Leaves r = S - 1 in rh: for log-softmax / log-sum-exp (no `store`) as
 * Σ_{x ≠ m} e + (count - 1), which keeps the digits of a tiny r; $em holds the scale of the terms (see below).
 *
 * Two loops, chosen per row:
 * - direct (K = round(m/ln2) in [-63, 253], and `direct` true): no subtraction of m at all. Softmax is invariant under
 *   a common factor, so each term is e^{x - K·ln2}·2^64, reduced straight from the exact x (x = k·ln2 + r, k·LN2_HI_F
 *   exact for |k| < 2^8, which K's range guarantees for every x ≥ K·ln2 - 132.5): the exponent field k - K + 191 comes
 *   from the magic number 1.5·2^23 + 191 - K. Inputs are clamped from below at K·ln2 - 132.5, where the exponent field is
 *   0 and the term exactly 0 (x = -Infinity included), so no mask is needed. The terms then carry the factor
 *   em = e^{m - K·ln2}·2^64 (in [2^63.5, 2^64.5]), divided out of r (its own error 2^-28.9, a hundredth of an ulp).
 *   Nine vector operations fewer per 4 floats than the general loop (the TwoSum, its mask, the difference).
 * - general (any finite m): d = x - m exact as a float32 pair (TwoSum), Cody–Waite from d, terms e^{d}·2^64 (em = 2^64).
 * The reduced argument has the same rounding in both loops (one rounding of r - k·LN2_LO_F, r = x - k·LN2_HI_F exact).
 */
function pass2Fast(store, direct) {
  // Softmax only needs S = 1 + r: it sums every term (maxima included) and skips the count.
  const count = !store;
  const c = MINIMAX6;
  /**
   * The loop bodies on nv vectors (16·nv bytes at $p). `tail`: one vector that may be the row's last, partial one
   * (p ≥ $q: only its n & 3 floats are loaded, the other lanes -Infinity, whose terms are exactly 0 in both loops and
   * never equal m; only those floats are stored back), so that no row ends in scalar code.
   */
  const vectors = (nv, tail) => {
    const L = (f) => Array.from({ length: nv }, (_, j) => f(j)).join("\n");
    const head = [
      tail
        ? set("xf0", `(if (result v128) (i32.lt_u (local.get $p) (local.get $q)) (then (v128.load (local.get $p))) (else ${loadPart("(local.get $p)", REM)}))`)
        : L((j) => set(`xf${j}`, `(v128.load offset=${16 * j} (local.get $p))`)),
      count ? L((j) => set(`qf${j}`, `(f32x4.eq ${get(`xf${j}`)} ${get("MF")})`)) : "",
    ];
    const general = [
      ...head,
      L((j) => set(`df${j}`, `(f32x4.sub ${get(`xf${j}`)} ${get("MF")})`)),
      L((j) => set(`tf${j}`, `(f32x4.sub ${get(`df${j}`)} ${get(`xf${j}`)})`)),
      L((j) =>
        set(`lf${j}`, `(f32x4.add (f32x4.sub ${get(`xf${j}`)} (f32x4.sub ${get(`df${j}`)} ${get(`tf${j}`)})) (f32x4.sub ${get("NMF")} ${get(`tf${j}`)}))`),
      ),
      // dl is zeroed where d = x - m is clamped below: it may be huge there (x = 7.9e6, m = 1.4e14 made e·2^64 overflow
      // and the row NaN), or NaN (d = -Infinity: x = -Infinity, or a difference beyond the float32 range).
      L((j) => set(`lf${j}`, `(v128.and ${get(`lf${j}`)} (f32x4.gt ${get(`df${j}`)} ${splatF(CLAMP_F)}))`)),
      L((j) => set(`df${j}`, `(f32x4.pmax ${get(`df${j}`)} ${splatF(CLAMP_F)})`)),
      L((j) => set(`tf${j}`, madd("f32x4", get(`df${j}`), splatF(INV_LN2_F), splatF(SHIFT_F)))),
      L((j) => set(`kf${j}`, `(f32x4.sub ${get(`tf${j}`)} ${splatF(SHIFT_F)})`)),
      L((j) => set(`df${j}`, nmadd("f32x4", get(`kf${j}`), splatF(LN2_HI_F), get(`df${j}`)))),
      L((j) => set(`df${j}`, `(f32x4.add ${get(`df${j}`)} ${nmadd("f32x4", get(`kf${j}`), splatF(LN2_LO_F), get(`lf${j}`))})`)),
    ];
    const straight = [
      ...head,
      L((j) => set(`xf${j}`, `(f32x4.pmax ${get(`xf${j}`)} ${get("CF")})`)),
      L((j) => set(`tf${j}`, madd("f32x4", get(`xf${j}`), splatF(INV_LN2_F), get("S1F")))),
      L((j) => set(`kf${j}`, `(f32x4.sub ${get(`tf${j}`)} ${get("S1F")})`)),
      L((j) => set(`df${j}`, nmadd("f32x4", get(`kf${j}`), splatF(LN2_HI_F), get(`xf${j}`)))),
      L((j) => set(`df${j}`, nmadd("f32x4", get(`kf${j}`), splatF(LN2_LO_F), get(`df${j}`)))),
    ];
    const body = [L((j) => set(`kf${j}`, madd("f32x4", get(`df${j}`), splatF(c[6]), splatF(c[5]))))];
    for (let i = 4; i >= 0; i--) body.push(L((j) => set(`kf${j}`, madd("f32x4", get(`kf${j}`), get(`df${j}`), splatF(c[i])))));
    body.push(L((j) => set(`kf${j}`, `(f32x4.mul ${get(`kf${j}`)} (i32x4.shl ${get(`tf${j}`)} (i32.const 23)))`)));
    if (store && tail) {
      body.push(
        `(if (i32.lt_u (local.get $p) (local.get $q)) (then (v128.store (local.get $p) ${get("kf0")})) (else ${storePart("(local.get $p)", get("kf0"), REM)}))`,
      );
    } else if (store) body.push(L((j) => `(v128.store offset=${16 * j} (local.get $p) ${get(`kf${j}`)})`));
    if (count) body.push(L((j) => set(`kf${j}`, `(v128.andnot ${get(`kf${j}`)} ${get(`qf${j}`)})`)));
    const tree = (op, leaf, lo, hi) => (hi - lo === 1 ? leaf(lo) : `(${op} ${tree(op, leaf, lo, (lo + hi) / 2)} ${tree(op, leaf, (lo + hi) / 2, hi)})`);
    if (count) body.push(set("zf0", `(i32x4.sub (local.get $zf0) ${tree("i32x4.add", (j) => get(`qf${j}`), 0, nv)})`));
    const wide = (j) =>
      `(f64x2.add (f64x2.promote_low_f32x4 ${get(`kf${j}`)}) (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get(`kf${j}`)} ${get(`kf${j}`)})))`;
    body.push(set("s0", `(f64x2.add (local.get $s0) ${tree("f64x2.add", wide, 0, nv)})`));
    return { general: [...general, ...body], straight: [...straight, ...body] };
  };
  // The maximum's own term, by the loop's instructions on a splat of m (so the same value: the correction below).
  const one = [
    set("ux", `(f32x4.pmax (f32x4.splat (local.get $mf)) ${get("CF")})`),
    set("ut", madd("f32x4", get("ux"), splatF(INV_LN2_F), get("S1F"))),
    set("uk", `(f32x4.sub ${get("ut")} ${get("S1F")})`),
    set("ur", nmadd("f32x4", get("uk"), splatF(LN2_HI_F), get("ux"))),
    set("ur", nmadd("f32x4", get("uk"), splatF(LN2_LO_F), get("ur"))),
    set("uk", madd("f32x4", get("ur"), splatF(c[6]), splatF(c[5]))),
  ];
  for (let i = 4; i >= 0; i--) one.push(set("uk", madd("f32x4", get("uk"), get("ur"), splatF(c[i]))));
  one.push(`(local.set $emc (f64.promote_f32 (f32x4.extract_lane 0 (f32x4.mul ${get("uk")} (i32x4.shl ${get("ut")} (i32.const 23))))))`);
  const reduce = [];
  for (let lane = 0; lane < 2; lane++) reduce.push(`(local.set $rh (f64.add (local.get $rh) (f64x2.extract_lane ${lane} ${get("s0")})))`);
  for (let lane = 0; lane < 4; lane++) reduce.push(`(local.set $cnt (i64.add (local.get $cnt) (i64.extend_i32_u (i32x4.extract_lane ${lane} ${get("zf0")}))))`);
  const loop = (b, step) => `(block $done (loop $next
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          ${b.join("\n")}
          (local.set $p (i32.add (local.get $p) (i32.const ${step})))
          (br $next)))`;
  const main = vectors(VF, false);
  const last = vectors(1, true);
  // After the loop of VF vectors: one vector at a time up to the row's end, the last one partial ($q: the end of the
  // whole vectors, $end: the row's end).
  const tails = (b) => `
          (local.set $q (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
          (local.set $end (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
          ${loop(b, 16)}`;
  return `
      ;; pass 2 (fast, float32 lanes): exponentials ·2^64 (times e^{m - K·ln2} on the direct loop) and their sum in float64
      (local.set $MF (f32x4.splat (local.get $mf)))
      (local.set $NMF (f32x4.splat (f32.neg (local.get $mf))))
      (local.set $K (f64.nearest (f64.mul (local.get $m) (f64.const ${INV_LN2}))))
      (local.set $direct (i32.and ${direct} (i32.and (f64.ge (local.get $K) (f64.const -63)) (f64.le (local.get $K) (f64.const 253)))))
      (if (local.get $direct)
        (then
          (local.set $KL (f64.mul (local.get $K) (f64.const ${LN2})))
          ;; em = e^{m - K·ln2}·2^64, |m - K·ln2| ≤ ln2/2: the degree-6 polynomial alone (no reduction needed)
          (local.set $xa (f64.sub (local.get $m) (local.get $KL)))
          (local.set $em (f64.mul ${MINIMAX6.slice(0, -1).reduceRight((acc, ci) => `(f64.add (f64.mul ${acc} (local.get $xa)) (f64.const ${ci}))`, `(f64.const ${MINIMAX6[6]})`)} (f64.const ${TWO64})))
          (local.set $CF (f32x4.splat (f32.demote_f64 (f64.sub (local.get $KL) (f64.const 132.5)))))
          (local.set $S1F (f32x4.splat (f32.demote_f64 (f64.sub (f64.const ${SHIFT_F}) (local.get $K)))))
          ${store ? one.join("\n          ") : "(local.set $emc (local.get $em))"})
        (else (local.set $KL (local.get $m)) (local.set $em (f64.const ${TWO64})) (local.set $emc (local.get $em))))
      ${set("s0", "(v128.const i64x2 0 0)")} ${set("zf0", "(v128.const i64x2 0 0)")}
      (local.set $p (local.get $xr))
      (local.set $end (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const ${-4 * VF})) (i32.const 2))))
      (if (local.get $direct)
        (then ${loop([...main.straight], 16 * VF)} ${tails(last.straight)})
        (else ${loop([...main.general], 16 * VF)} ${tails(last.general)}))
      (local.set $rh (f64.const 0)) (local.set $rl (f64.const 0)) (local.set $cnt (i64.const 0))
      ${reduce.join("\n")}
      ${
        store
          ? `;; softmax sums the maxima too: one maximum's float32 term (emc, with the polynomial's rounding errors: every
      ;; term, the row's last partial vector included, comes from the same vector instructions) is replaced by its
      ;; accurate value em, as the general loop's e^0 = 1 is exact
      (local.set $rh (f64.add (local.get $rh) (f64.sub (local.get $em) (local.get $emc))))`
          : ""
      }
      ;; r = (count - 1) + r'/em (em = 2^64 on the general loop: exact); sh keeps the sum of the terms
      (local.set $sh (local.get $rh))
      (local.set $rh (f64.add (f64.div (local.get $rh) (local.get $em)) (f64.convert_i64_s (i64.sub (local.get $cnt) (i64.const 1)))))`;
}

/** Fast softmax: pass 2 in float32 lanes (e·2^64 stored in place), pass 3 y = e·(2^-64/S) in float64, rounded once. */
function softmaxFastFunc() {
  return `
  (func (export "softmax_fast") (param $x i32) (param $y i32) (param $s i32) (param $st i32) (param $rows i32) (param $n i32) (param $noscale i32) (result i32)
    ${ROW_LOCALS} @@DECL@@
    @@INIT@@
    (local.set $yr (local.get $y))
    ${ROW_BEGIN}
      ${pass2Fast(true, "(i32.const 1)")}
      (f64.store offset=8 (local.get $str) (local.get $rh))
      (f64.store offset=16 (local.get $str) (f64.const 0))
      ;; c = 1/Σ terms (= 1/(em·S))
      (local.set $e (f64.div (f64.const 1) (local.get $sh)))
      (if (i32.eqz (local.get $noscale)) (then ${pass3Fast()})
        ;; unscaled (a worker thread's chunk of a long row): the terms carry the unit u = em·2^-64 = e^{m - K·ln2}, which
        ;; the caller divides out of its scale factor; written as -u in the flag slot (0 on the general loop: u = 1)
        (else (if (local.get $direct) (then (f64.store offset=24 (local.get $str) (f64.neg (f64.mul (local.get $em) (f64.const ${1 / 2 ** 64}))))))))
    ${ROW_END(true)}`;
}

function statsFastFunc() {
  return `
  (func (export "stats_fast") (param $x i32) (param $st i32) (param $rows i32) (param $n i32) (result i32)
    ${ROW_LOCALS} @@DECL@@
    @@INIT@@
    ${ROW_BEGIN}
      ${pass2Fast(false, "(i32.const 1)")}
      (f64.store offset=8 (local.get $str) (local.get $rh))
      (f64.store offset=16 (local.get $str) (f64.const 0))
    ${ROW_END(false)}`;
}

/** Pass 3 of fast softmax: y = e·c for the float32 e·2^64 at $xr ($e = c = 2^-64/S), in float64, rounded once. */
function pass3Fast() {
  const L4 = (f) => Array.from({ length: VF }, (_, j) => f(j)).join("\n");
  const loop = (body) => `(block $done (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ${L4((j) => set(`xf${j}`, `(v128.load offset=${16 * j} (local.get $p))`))}
        ${body}
        (local.set $p (i32.add (local.get $p) (i32.const ${16 * VF})))
        (local.set $q (i32.add (local.get $q) (i32.const ${16 * VF})))
        (br $next)))`;
  const wide = loop(
    L4(
      (j) =>
        `(v128.store offset=${16 * j} (local.get $q) (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 ${get(`xf${j}`)}) ${get("C")})) (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get(`xf${j}`)} ${get(`xf${j}`)})) ${get("C")}))))`,
    ),
  );
  // Relaxed SIMD, where relaxed_madd is fused (checked by this very function on each call: 1 + 2^-12 squared minus
  // 1 + 2^-11 is 2^-24 fused and 0 unfused; the operand comes from $n so that it cannot be folded): y = e·c in float32
  // lanes, c·2^64 split as CH + CL (two float32): y' = fma(e, CH, e·CL) is e·c·2^64 with one rounding (the product e·CL
  // is 2^-24 of it: its own rounding moves y' by 2^-48), and y = y'·2^-64 is exact unless y is subnormal (then one
  // more rounding, to the subnormal grid: still within half an ulp plus 2^-24 of one). 3 operations per 4 floats instead
  // of 7; unfused, the float64 loop above runs.
  const fused = loop(
    L4(
      (j) =>
        `(v128.store offset=${16 * j} (local.get $q) (f32x4.mul (f32x4.relaxed_madd ${get(`xf${j}`)} ${get("CH")} (f32x4.mul ${get(`xf${j}`)} ${get("CL")})) ${splatF("5.421010862427522e-20")}))`,
    ),
  );
  return `
      (local.set $C (f64x2.splat (local.get $e)))
      (local.set $p (local.get $xr))
      (local.set $q (local.get $yr))
      (local.set $end (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const ${-4 * VF})) (i32.const 2))))
      ${
        relaxed.on
          ? `(local.set $CH (f32x4.splat (f32.add (f32.const 1.000244140625) (f32.convert_i32_u (i32.shr_u (local.get $n) (i32.const 31))))))
      (if (v128.any_true (f32x4.relaxed_madd ${get("CH")} ${get("CH")} ${splatF("-1.00048828125")}))
        (then
          (local.set $sh (f64.mul (local.get $e) (f64.const ${TWO64})))
          (local.set $CH (f32x4.splat (f32.demote_f64 (local.get $sh))))
          (local.set $CL (f32x4.splat (f32.demote_f64 (f64.sub (local.get $sh) (f64.promote_f32 (f32.demote_f64 (local.get $sh)))))))
          ${fused})
        (else ${wide}))`
          : wide
      }
      ;; then one vector at a time (float64 products, rounded once), the row's last one partial: only its n & 3 floats
      ;; are read and written (see loadPart)
      (local.set $w (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
      (local.set $end (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $xf0 (if (result v128) (i32.lt_u (local.get $p) (local.get $w)) (then (v128.load (local.get $p))) (else ${loadPart("(local.get $p)", REM)})))
        (local.set $kf0 (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 ${get("xf0")}) ${get("C")})) (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get("xf0")} ${get("xf0")})) ${get("C")}))))
        (if (i32.lt_u (local.get $p) (local.get $w)) (then (v128.store (local.get $q) ${get("kf0")})) (else ${storePart("(local.get $q)", get("kf0"), REM)}))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $next)))
`;
}

/**
 * Pass 3 of exact softmax: y = e·c for the float64 e at $s ($e = c), rounded once. Tail (as in pass 2): a row of
 * n ≥ 2V that is not a multiple of 2V ends with one iteration over its last 2V floats (the overlap written again with
 * the same values: only the scratch is read); shorter rows run pairs, then an odd float (store64_lane / store32_lane).
 */
function pass3Exact() {
  const iteration = `
        ${lanes((j) => set(`y${j}`, `(f64x2.mul (v128.load offset=${16 * j} (local.get $w)) ${get("C")})`))}
        ${store8()}`;
  return `
      (local.set $C (f64x2.splat (local.get $e)))
      ;; pass 3: y = e·c, rounded once
      (local.set $w (local.get $s))
      (local.set $q (local.get $yr))
      (local.set $end (i32.add (local.get $yr) (i32.shl (i32.and (local.get $n) (i32.const ${-2 * V})) (i32.const 2))))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        ${iteration}
        (local.set $q (i32.add (local.get $q) (i32.const ${8 * V})))
        (local.set $w (i32.add (local.get $w) (i32.const ${16 * V})))
        (br $next)))
      (if (i32.and (local.get $n) (i32.const ${2 * V - 1}))
        (then
          (if (i32.ge_u (local.get $n) (i32.const ${2 * V}))
            (then
              (local.set $q (i32.sub (i32.add (local.get $yr) (i32.shl (local.get $n) (i32.const 2))) (i32.const ${8 * V})))
              (local.set $w (i32.sub (i32.add (local.get $s) (i32.shl (local.get $n) (i32.const 3))) (i32.const ${16 * V})))
              ${iteration})
            (else
              (local.set $end (i32.add (local.get $yr) (i32.shl (local.get $n) (i32.const 2))))
              (block $done (loop $next
                (br_if $done (i32.gt_u (i32.add (local.get $q) (i32.const 8)) (local.get $end)))
                (v128.store64_lane 0 (local.get $q) (f32x4.demote_f64x2_zero (f64x2.mul (v128.load (local.get $w)) ${get("C")})))
                (local.set $q (i32.add (local.get $q) (i32.const 8)))
                (local.set $w (i32.add (local.get $w) (i32.const 16)))
                (br $next)))
              (if (i32.lt_u (local.get $q) (local.get $end))
                (then (v128.store32_lane 0 (local.get $q) (f32x4.demote_f64x2_zero (f64x2.mul (v128.load64_zero (local.get $w)) ${get("C")})))))))))
`;
}

/** y = e·c over one row (the last pass of softmax alone: worker threads scale the chunks of a long row). */
function scaleFunc(exact) {
  return `
  (func (export "scale_${exact ? "exact" : "fast"}") (param $src i32) (param $y i32) (param $n i32) (param $c f64) (local $s i32) ${ROW_LOCALS} @@DECL@@
    @@INIT@@
    (local.set $xr (local.get $src))
    (local.set $s (local.get $src))
    (local.set $yr (local.get $y))
    (local.set $e (local.get $c))
    ${exact ? pass3Exact() : pass3Fast()})`;
}

const ROW_LOCALS =
  "(local $row i32) (local $xr i32) (local $yr i32) (local $str i32) (local $p i32) (local $q i32) (local $w i32) (local $end i32) (local $specials i32) " +
  "(local $m f64) (local $mf f32) (local $K f64) (local $KL f64) (local $em f64) (local $emc f64) (local $mt i32) (local $direct i32) (local $sft f64) (local $CV v128) (local $S1V v128) (local $CF v128) (local $S1F v128) (local $ux v128) (local $ut v128) (local $uk v128) (local $ur v128) (local $rh f64) (local $rl f64) (local $sh f64) (local $bb f64) (local $e f64) (local $xa f64) (local $dh f64) (local $dl f64) (local $cnt i64) " +
  "(local $M v128) (local $NM v128) (local $C v128) (local $L v128) (local $CH v128) (local $CL v128) " +
  VEC_LOCALS;

/** Row loop header: pass 1 (maximum) and the special-row check. */
const ROW_BEGIN = `
    (local.set $xr (local.get $x))
    (local.set $str (local.get $st))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $mf (call $rowmax (local.get $xr) (local.get $n)))
      (local.set $m (f64.promote_f32 (local.get $mf)))
      (f64.store (local.get $str) (local.get $m))
      (f64.store offset=24 (local.get $str) (f64.const 0))
      (block $row_done
        (if (i32.or (f64.ne (local.get $m) (local.get $m)) (f64.eq (f64.abs (local.get $m)) (f64.const inf)))
          (then
            (f64.store offset=24 (local.get $str) (f64.const 1))
            (local.set $specials (i32.add (local.get $specials) (i32.const 1)))
            (br $row_done)))`;

const ROW_END = (advanceY) => `)
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (local.set $xr (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
      ${advanceY ? "(local.set $yr (i32.add (local.get $yr) (i32.shl (local.get $n) (i32.const 2))))" : ""}
      (local.set $str (i32.add (local.get $str) (i32.const 32)))
      (br $rows)))
    (local.get $specials))`;

function softmaxFunc(exact) {
  const mode = exact ? "exact" : "fast";
  return `
  (func (export "softmax_${mode}") (param $x i32) (param $y i32) (param $s i32) (param $st i32) (param $rows i32) (param $n i32) (param $noscale i32) (result i32)
    (local $tv v128) ${ROW_LOCALS} @@DECL@@
    @@INIT@@
    (local.set $yr (local.get $y))
    ${ROW_BEGIN}
      ${pass2(exact, true, "(i32.const 1)")}
      (if (local.get $direct)
        (then
          ;; the whole sum S' of the terms e^{x - K·ln2} is rh + rl: c = 1/S'; r = S'/em - 1 (to float64) for the record
          (f64.store offset=8 (local.get $str) (f64.sub (f64.div (f64.add (local.get $rh) (local.get $rl)) (local.get $em)) (f64.const 1)))
          (f64.store offset=16 (local.get $str) (f64.const 0))
          (local.set $sh (local.get $rh))
          (local.set $bb (local.get $rl)))
        (else
          (f64.store offset=8 (local.get $str) (local.get $rh))
          (f64.store offset=16 (local.get $str) (local.get $rl))
          ;; S = 1 + r as a double-double (sh, bb)
          (local.set $sh (f64.add (f64.const 1) (local.get $rh)))
          (local.set $bb (f64.add (f64.sub (f64.const 1) (f64.sub (local.get $sh) (local.get $rh))) (local.get $rl)))))
      ;; c = 1/S as (1/sh)(1 - bb/sh)
      (local.set $e (f64.div (f64.const 1) (local.get $sh)))
      (local.set $e (f64.sub (local.get $e) (f64.mul (local.get $e) (f64.div (local.get $bb) (local.get $sh)))))
      (if (i32.eqz (local.get $noscale)) (then ${pass3Exact()})
        ;; unscaled: the unit u = em of the direct loop's terms, as -u in the flag slot (see softmax_fast)
        (else (if (local.get $direct) (then (f64.store offset=24 (local.get $str) (f64.neg (local.get $em)))))))
    ${ROW_END(true)}`;
}

function statsFunc(exact) {
  const mode = exact ? "exact" : "fast";
  return `
  (func (export "stats_${mode}") (param $x i32) (param $st i32) (param $rows i32) (param $n i32) (result i32)
    (local $s i32) (local $tv v128) ${ROW_LOCALS} @@DECL@@
    @@INIT@@
    ${ROW_BEGIN}
      ${pass2(exact, false, "(i32.const 1)")}
      (f64.store offset=8 (local.get $str) (local.get $rh))
      (f64.store offset=16 (local.get $str) (local.get $rl))
      ;; r = 0 while an entry other than the maximum lies within 768 of m: its term (below e^-709) was clamped to 0, but
      ;; the JavaScript kernel keeps such terms (log-softmax -0 at the maximum, not +0; 768 > 745 + ln 2^31, so that no
      ;; sum of such terms is left out): the row is left to it
      (if (f64.eq (local.get $rh) (f64.const 0))
        (then
          (local.set $e (f64.sub (local.get $m) (f64.const 768)))
          (local.set $p (local.get $xr))
          (local.set $end (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
          (block $done (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $xa (f64.promote_f32 (f32.load (local.get $p))))
            (if (i32.and (f64.ge (local.get $xa) (local.get $e)) (f64.ne (local.get $xa) (local.get $m)))
              (then
                (f64.store offset=24 (local.get $str) (f64.const 1))
                (local.set $specials (i32.add (local.get $specials) (i32.const 1)))
                (br $done)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $next)))))
    ${ROW_END(false)}`;
}

/**
 * Exact log-softmax's last pass, y = (dh - L) + dl rounded to float32 (dh + dl = x - m exactly, TwoSum), by a fast path:
 * y1 = (x - m) - L in float64 (the fast kernel's two operations), whose float32 rounding is the same unless y1 lies
 * within one float64 ulp of a float32 rounding boundary. Since x ≤ m and L = log1p(r) ≥ 0, |y1| ≥ |dh|, so
 * |dl| ≤ ulp(dh)/2 ≤ ulp(y1)/2 and (y1 + dl) rounds to y1 or one of its two neighbours; a float32 boundary (a
 * midpoint: low 29 bits of the float64 equal to 2^28, the overflow threshold included) among those three shows as low
 * bits in [2^28 - 1, 2^28 + 1]. The test, ((low 32 bits + 2^28 + 1) & 0x1ffffffc) = 0, flags [2^28 - 1, 2^28 + 2]
 * (about 2^-27 of random outputs); a flagged iteration is recomputed with the TwoSum. Subnormal float32 outputs need no
 * test: there x - m is tiny, hence exact (dl = 0). Tails: rows of n ≥ 2V end with one full iteration over their last
 * 2V floats (loaded before the main loop, so that an in-place call reads x; the overlap is written twice with the same
 * values), shorter rows run pairs of floats (v128.load64_zero / store64_lane, then load32_zero / store32_lane for an odd
 * one), so nothing is read or written outside the row.
 */
function logSoftmaxExactFunc() {
  const fast = (j) => set(`y${j}`, `(f64x2.sub (f64x2.sub ${get(`a${j}`)} ${get("M")}) ${get("L")})`);
  const slow = (j) =>
    [
      set(`d${j}`, `(f64x2.add ${get(`a${j}`)} ${get("NM")})`),
      set(`t${j}`, `(f64x2.sub ${get(`d${j}`)} ${get(`a${j}`)})`),
      set(`l${j}`, `(f64x2.add (f64x2.sub ${get(`a${j}`)} (f64x2.sub ${get(`d${j}`)} ${get(`t${j}`)})) (f64x2.sub ${get("NM")} ${get(`t${j}`)}))`),
      // dl is NaN for x = -Infinity: zero it (NaN ≠ NaN).
      set(`l${j}`, `(v128.and ${get(`l${j}`)} (f64x2.eq ${get(`l${j}`)} ${get(`l${j}`)}))`),
      set(`y${j}`, `(f64x2.add (f64x2.sub ${get(`d${j}`)} ${get("L")}) ${get(`l${j}`)})`),
    ].join("\n");
  // w = (low 32 bits of y + 2^28 + 1) & 0x1ffffffc: 0 flags a lane near a float32 rounding boundary
  const near = (v) =>
    `(v128.and (i32x4.add ${v} ${constant("i32x4 268435457 268435457 268435457 268435457")}) ${constant("i32x4 536870908 536870908 536870908 536870908")})`;
  const lows = (j) => `(i8x16.shuffle ${lanes32(0, 2, 4, 6)} ${get(`y${2 * j}`)} ${get(`y${2 * j + 1}`)})`;
  const minTree = (lo, hi) => (hi - lo === 1 ? near(lows(lo)) : `(i32x4.min_u ${minTree(lo, (lo + hi) / 2)} ${minTree((lo + hi) / 2, hi)})`);
  /** One iteration: a_j from `load(j)`, y_j by the fast path (the TwoSum when a lane is flagged), stored by store8 at $q. */
  const block = (load) => `
          ${lanes((j) => set(`a${j}`, load(j)))}
          ${lanes(fast)}
          (if (i32.eqz (i32x4.all_true ${minTree(0, V / 2)})) (then
            ${lanes(slow)}))
          ${store8()}`;
  /** One f64x2 of the short-row tail: 2 floats (load64_zero) or 1 (load32_zero). */
  const pair = (bits) => `
            ${set("a0", `(f64x2.promote_low_f32x4 (v128.load${bits}_zero (local.get $p)))`)}
            ${fast(0)}
            (if (i32.eqz (i32x4.all_true ${near(`(i8x16.shuffle ${lanes32(0, 2, 0, 2)} ${get("y0")} ${get("y0")})`)})) (then
              ${slow(0)}))
            (v128.store${bits}_lane 0 (local.get $q) (f32x4.demote_f64x2_zero ${get("y0")}))`;
  const tailLoads = Array.from({ length: V / 2 }, (_, i) => set(`X${i}`, `(v128.load offset=${16 * i} (local.get $w))`)).join("\n");
  const fromX = (j) =>
    j % 2 === 0
      ? `(f64x2.promote_low_f32x4 ${get(`X${j >> 1}`)})`
      : `(f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get(`X${j >> 1}`)} ${get(`X${j >> 1}`)}))`;
  return `
  (func (export "logsoftmax_exact") (param $x i32) (param $y i32) (param $st i32) (param $rows i32) (param $n i32)
    ${ROW_LOCALS} @@DECL@@
    @@INIT@@
    (local.set $xr (local.get $x))
    (local.set $yr (local.get $y))
    (local.set $str (local.get $st))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (if (f64.eq (f64.load offset=24 (local.get $str)) (f64.const 0)) (then
        (local.set $m (f64.load (local.get $str)))
        (local.set $sh (f64.load offset=8 (local.get $str)))
        (local.set $M (f64x2.splat (local.get $m)))
        (local.set $NM (f64x2.splat (f64.neg (local.get $m))))
        (local.set $L (f64x2.splat (local.get $sh)))
        (local.set $p (local.get $xr))
        (local.set $q (local.get $yr))
        (local.set $end (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const ${-2 * V})) (i32.const 2))))
        ;; the last 2V floats of the row, read before the main loop may overwrite them (in place)
        (local.set $w (i32.sub (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))) (i32.const ${8 * V})))
        (local.set $mt (i32.and (i32.ne (local.get $p) (local.get $end)) (i32.ne (i32.and (local.get $n) (i32.const ${2 * V - 1})) (i32.const 0))))
        (if (local.get $mt) (then ${tailLoads}))
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          ${block((j) => `(f64x2.promote_low_f32x4 (v128.load64_zero offset=${8 * j} (local.get $p)))`)}
          (local.set $p (i32.add (local.get $p) (i32.const ${8 * V})))
          (local.set $q (i32.add (local.get $q) (i32.const ${8 * V})))
          (br $next)))
        (if (local.get $mt)
          (then
            ;; n ≥ 2V, not a multiple: one iteration on the row's last 2V floats
            (local.set $q (i32.sub (i32.add (local.get $yr) (i32.shl (local.get $n) (i32.const 2))) (i32.const ${8 * V})))
            ${block(fromX)})
          (else
            ;; n < 2V: pairs, then an odd float
            (local.set $end (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
            (block $done (loop $next
              (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
              ${pair(64)}
              (local.set $p (i32.add (local.get $p) (i32.const 8)))
              (local.set $q (i32.add (local.get $q) (i32.const 8)))
              (br $next)))
            (if (i32.lt_u (local.get $p) (local.get $end)) (then ${pair(32)}))))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (local.set $xr (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $yr (i32.add (local.get $yr) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $str (i32.add (local.get $str) (i32.const 32)))
      (br $rows))))`;
}

/** logsoftmax_exact (the fast kernel is logSoftmaxFastFunc). */
function logSoftmaxFunc(exact) {
  if (!exact) throw new Error("logSoftmaxFunc: exact mode only (fast mode: logSoftmaxFastFunc)");
  return logSoftmaxExactFunc();
}

/**
 * Fast log-softmax's last pass: y = (x - m) - L per row (m, L from st[0], st[1]; L written by JS: log1p(r)) in float32
 * lanes, two operations per 4 floats: 16 floats per iteration, then one vector at a time, the row's last one partial
 * (see loadPart), so that short rows and tails run no scalar code.
 *
 * Error: d = x - m ≤ 0 and -L ≤ 0 have the same sign, so |d| ≤ |y| and L ≤ |y|: the rounding of d (half an ulp of d),
 * of L to float32 (half an ulp of L) and of the difference (half an ulp of y) add up to at most 1.5 ulps of y, plus
 * L's own error (the terms' relative error ε moves L by at most ε·|y|: (S - 1)/S ≤ log S). The float64 version of this
 * pass (promote, two subtractions, demote: eleven operations per 4 floats) was within 0.85 ulp and 1.3× slower on
 * 1000 × 1000 through the API.
 */
function logSoftmaxFastFunc() {
  const y = (j) => `(f32x4.sub (f32x4.sub ${get(`xf${j}`)} ${get("M")}) ${get("L")})`;
  const L4 = (f) => Array.from({ length: VF }, (_, j) => f(j)).join("\n");
  return `
  (func (export "logsoftmax_fast") (param $x i32) (param $y i32) (param $st i32) (param $rows i32) (param $n i32)
    ${ROW_LOCALS} @@DECL@@
    @@INIT@@
    (local.set $xr (local.get $x))
    (local.set $yr (local.get $y))
    (local.set $str (local.get $st))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (if (f64.eq (f64.load offset=24 (local.get $str)) (f64.const 0)) (then
        ;; m is a float32 (the row's maximum): exact in float32 lanes
        (local.set $M (f32x4.splat (f32.demote_f64 (f64.load (local.get $str)))))
        (local.set $L (f32x4.splat (f32.demote_f64 (f64.load offset=8 (local.get $str)))))
        (local.set $p (local.get $xr))
        (local.set $q (local.get $yr))
        (local.set $end (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const ${-4 * VF})) (i32.const 2))))
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          ${L4((j) => set(`xf${j}`, `(v128.load offset=${16 * j} (local.get $p))`))}
          ${L4((j) => `(v128.store offset=${16 * j} (local.get $q) ${y(j)})`)}
          (local.set $p (i32.add (local.get $p) (i32.const ${16 * VF})))
          (local.set $q (i32.add (local.get $q) (i32.const ${16 * VF})))
          (br $next)))
        (local.set $w (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
        (local.set $end (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $xf0 (if (result v128) (i32.lt_u (local.get $p) (local.get $w)) (then (v128.load (local.get $p))) (else ${loadPart("(local.get $p)", REM)})))
          (local.set $kf0 ${y(0)})
          (if (i32.lt_u (local.get $p) (local.get $w)) (then (v128.store (local.get $q) ${get("kf0")})) (else ${storePart("(local.get $q)", get("kf0"), REM)}))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (br $next)))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (local.set $xr (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $yr (i32.add (local.get $yr) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $str (i32.add (local.get $str) (i32.const 32)))
      (br $rows))))`;
}

/**

/**
 * dst (cols × rows) = transpose of src (rows × cols), float32, by 4 × 4 tiles (eight shuffles per tile) with
 * scalar edges; src rows are `$spitch` floats apart, dst rows `$dpitch` floats apart (so that a strip of columns of a
 * wider block can be transposed). Slices along a non-last axis become rows this way, inside WASM memory.
 */
const TRANSPOSE = `
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $spitch i32) (param $dpitch i32)
    (local $r i32) (local $c i32) (local $r4 i32) (local $c4 i32) (local $sp i32) (local $dp i32) (local $rs i32) (local $cs i32)
    (local $a v128) (local $b v128) (local $e v128) (local $f v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rs (i32.shl (local.get $spitch) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $dpitch) (i32.const 2)))
    (block $rdone (loop $rnext
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $r4)))
      (local.set $c (i32.const 0))
      (block $cdone (loop $cnext
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $c4)))
        (local.set $sp (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $spitch)) (local.get $c)) (i32.const 2))))
        (local.set $a (v128.load (local.get $sp)))
        (local.set $b (v128.load (i32.add (local.get $sp) (local.get $rs))))
        (local.set $e (v128.load (i32.add (local.get $sp) (i32.shl (local.get $rs) (i32.const 1)))))
        (local.set $f (v128.load (i32.add (local.get $sp) (i32.mul (local.get $rs) (i32.const 3)))))
        (local.set $t0 (i8x16.shuffle ${lanes32(0, 4, 1, 5)} (local.get $a) (local.get $b)))
        (local.set $t1 (i8x16.shuffle ${lanes32(2, 6, 3, 7)} (local.get $a) (local.get $b)))
        (local.set $t2 (i8x16.shuffle ${lanes32(0, 4, 1, 5)} (local.get $e) (local.get $f)))
        (local.set $t3 (i8x16.shuffle ${lanes32(2, 6, 3, 7)} (local.get $e) (local.get $f)))
        (local.set $dp (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dpitch)) (local.get $r)) (i32.const 2))))
        (v128.store (local.get $dp) (i8x16.shuffle ${lanes32(0, 1, 4, 5)} (local.get $t0) (local.get $t2)))
        (v128.store (i32.add (local.get $dp) (local.get $cs)) (i8x16.shuffle ${lanes32(2, 3, 6, 7)} (local.get $t0) (local.get $t2)))
        (v128.store (i32.add (local.get $dp) (i32.shl (local.get $cs) (i32.const 1))) (i8x16.shuffle ${lanes32(0, 1, 4, 5)} (local.get $t1) (local.get $t3)))
        (v128.store (i32.add (local.get $dp) (i32.mul (local.get $cs) (i32.const 3))) (i8x16.shuffle ${lanes32(2, 3, 6, 7)} (local.get $t1) (local.get $t3)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cnext)))
      ;; the columns past the last full tile, for these four rows
      (block $edone (loop $enext
        (br_if $edone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $sp (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $spitch)) (local.get $c)) (i32.const 2))))
        (local.set $dp (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dpitch)) (local.get $r)) (i32.const 2))))
        (f32.store (local.get $dp) (f32.load (local.get $sp)))
        (f32.store offset=4 (local.get $dp) (f32.load (i32.add (local.get $sp) (local.get $rs))))
        (f32.store offset=8 (local.get $dp) (f32.load (i32.add (local.get $sp) (i32.shl (local.get $rs) (i32.const 1)))))
        (f32.store offset=12 (local.get $dp) (f32.load (i32.add (local.get $sp) (i32.mul (local.get $rs) (i32.const 3)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $enext)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rnext)))
    ;; the rows past the last full tile, every column
    (block $rdone (loop $rnext
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $cdone (loop $cnext
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dpitch)) (local.get $r)) (i32.const 2)))
                   (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $spitch)) (local.get $c)) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cnext)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rnext))))`;

/**
 * The fast kernels' e^{x - m}·2^64 of one vector, the general loop: x in $xf0, m in $MF, -m given as `negM`; d = x - m
 * exact as a float32 pair (TwoSum), Cody–Waite, the degree-6 polynomial; the term in $kf0 (uses $df0, $tf0, $lf0).
 */
function expTwoSumF(negM) {
  const c = MINIMAX6;
  const out = [
    set("df0", `(f32x4.sub ${get("xf0")} ${get("MF")})`),
    set("tf0", `(f32x4.sub ${get("df0")} ${get("xf0")})`),
    set("lf0", `(f32x4.add (f32x4.sub ${get("xf0")} (f32x4.sub ${get("df0")} ${get("tf0")})) (f32x4.sub ${negM} ${get("tf0")}))`),
    // dl is zeroed where d is clamped (below -132.5 it may be huge: e·2^64 must stay 0) or -Infinity (dl NaN).
    set("lf0", `(v128.and ${get("lf0")} (f32x4.gt ${get("df0")} ${splatF(CLAMP_F)}))`),
    set("df0", `(f32x4.pmax ${get("df0")} ${splatF(CLAMP_F)})`),
    set("tf0", madd("f32x4", get("df0"), splatF(INV_LN2_F), splatF(SHIFT_F))),
    set("kf0", `(f32x4.sub ${get("tf0")} ${splatF(SHIFT_F)})`),
    set("df0", nmadd("f32x4", get("kf0"), splatF(LN2_HI_F), get("df0"))),
    set("df0", `(f32x4.add ${get("df0")} ${nmadd("f32x4", get("kf0"), splatF(LN2_LO_F), get("lf0"))})`),
    set("kf0", madd("f32x4", get("df0"), splatF(c[6]), splatF(c[5]))),
  ];
  for (let i = 4; i >= 0; i--) out.push(set("kf0", madd("f32x4", get("kf0"), get("df0"), splatF(c[i]))));
  out.push(set("kf0", `(f32x4.mul ${get("kf0")} (i32x4.shl ${get("tf0")} (i32.const 23)))`));
  return out;
}

/**
 * softmax_cols_fast(x, rows, cols, pitch, st, a): fast softmax across slices (a non-last axis, no transpose). The
 * slices are the columns [0, cols) (cols a multiple of 4) of a strip whose rows are $pitch bytes apart, so one f32x4
 * load takes element k of four slices: lanes hold different slices. Each pass sweeps the strip row by row (contiguous,
 * so prefetched), with the per-slice accumulators in memory at $a (maxima and NaN masks: 8·cols bytes; float64 sums,
 * then scale factors: 8·cols bytes). The passes are those of the row kernel: maximum; e·2^64 in float32 lanes with the
 * exact difference, stored in place, summed in float64; y = e·(2^-64/S) in float64, rounded once. Writes m, r, 0,
 * flag per slice to $st (as the row kernels do) and returns the number of special slices (maximum NaN or ±Infinity),
 * whose outputs are garbage for the JavaScript kernel to redo.
 */
function colsFastFunc(stats = false) {
  const sweep = (body) => `
    (local.set $r (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $pitch))))
    (block $rdone (loop $rnext
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $end)))
      (local.set $p (local.get $r))
      (local.set $q (local.get $a))
      (local.set $cend (i32.add (local.get $r) (local.get $cb)))
      (block $cdone (loop $cnext
        (br_if $cdone (i32.ge_u (local.get $p) (local.get $cend)))
        ${body}
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $cnext)))
      (local.set $r (i32.add (local.get $r) (local.get $pitch)))
      (br $rnext)))`;
  const exp = [set("xf0", "(v128.load (local.get $p))"), set("MF", "(v128.load (local.get $q))"), ...expTwoSumF("(f32x4.neg (local.get $MF))")];
  if (stats) {
    // log-softmax / log-sum-exp: the maxima's terms are left out and counted (i32x4 counts at a + 4·cols, where the NaN
    // masks were), so that r = Σ_{x ≠ m} e + (count - 1) keeps the digits of a tiny r, as in the row kernels
    exp.push(set("tf0", `(f32x4.eq ${get("xf0")} ${get("MF")})`));
    exp.push(set("kf0", `(v128.andnot ${get("kf0")} ${get("tf0")})`));
    exp.push(`(local.set $w (i32.add (local.get $q) (local.get $cb)))`);
    exp.push(`(v128.store (local.get $w) (i32x4.sub (v128.load (local.get $w)) ${get("tf0")}))`);
  } else exp.push("(v128.store (local.get $p) (local.get $kf0))");
  exp.push(`(local.set $w (i32.add (local.get $s) (i32.shl (i32.sub (local.get $q) (local.get $a)) (i32.const 1))))`);
  exp.push(`(v128.store (local.get $w) (f64x2.add (v128.load (local.get $w)) (f64x2.promote_low_f32x4 ${get("kf0")})))`);
  exp.push(
    `(v128.store offset=16 (local.get $w) (f64x2.add (v128.load offset=16 (local.get $w)) (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get("kf0")} ${get("kf0")}))))`,
  );
  const scale = `
        (local.set $xf0 (v128.load (local.get $p)))
        (local.set $w (i32.add (local.get $s) (i32.shl (i32.sub (local.get $q) (local.get $a)) (i32.const 1))))
        (v128.store (local.get $p) (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 ${get("xf0")}) (v128.load (local.get $w))))
          (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get("xf0")} ${get("xf0")})) (v128.load offset=16 (local.get $w))))))`;
  return `
  (func (export "${stats ? "stats" : "softmax"}_cols_fast") (param $x i32) (param $rows i32) (param $cols i32) (param $pitch i32) (param $st i32) (param $a i32) (result i32)
    (local $r i32) (local $p i32) (local $q i32) (local $w i32) (local $s i32) (local $end i32) (local $cend i32) (local $cb i32) (local $j i32)
    (local $m f64) (local $f i32) (local $specials i32)
    (local $MF v128) (local $xf0 v128) (local $df0 v128) (local $tf0 v128) (local $lf0 v128) (local $kf0 v128) @@DECL@@
    @@INIT@@
    (local.set $cb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $s (i32.add (local.get $a) (i32.shl (local.get $cb) (i32.const 1))))
    ;; accumulators: maxima -Infinity, NaN masks 0, sums 0
    (local.set $j (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $j) (local.get $cb)))
      (v128.store (i32.add (local.get $a) (local.get $j)) (v128.const f32x4 -inf -inf -inf -inf))
      (v128.store (i32.add (i32.add (local.get $a) (local.get $cb)) (local.get $j)) (v128.const i64x2 0 0))
      (v128.store (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 1))) (v128.const i64x2 0 0))
      (v128.store offset=16 (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 1))) (v128.const i64x2 0 0))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $next)))
    ;; pass 1: maxima (NaNs tracked apart)
    ${sweep(`
        (local.set $xf0 (v128.load (local.get $p)))
        (v128.store (local.get $q) (f32x4.pmax (v128.load (local.get $q)) (local.get $xf0)))
        (local.set $w (i32.add (local.get $q) (local.get $cb)))
        (v128.store (local.get $w) (v128.or (v128.load (local.get $w)) (f32x4.ne (local.get $xf0) (local.get $xf0))))`)}
    (local.set $j (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $j) (local.get $cb)))
      (local.set $w (i32.add (local.get $a) (local.get $j)))
      (v128.store (local.get $w) (v128.bitselect (v128.const f32x4 nan nan nan nan) (v128.load (local.get $w)) (v128.load (i32.add (local.get $w) (local.get $cb)))))
      ${stats ? "(v128.store (i32.add (local.get $w) (local.get $cb)) (v128.const i64x2 0 0))" : ""}
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $next)))
    ;; pass 2: e·2^64 ${stats ? "(maxima counted apart)" : "in place"}, sums in float64
    ${sweep(exp.join("\n        "))}
    ;; per slice: statistics, flag, scale factor 2^-64/S (in place of the sum)
    (local.set $j (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $j) (local.get $cols)))
      (local.set $m (f64.promote_f32 (f32.load (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $w (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3))))
      (f64.store (local.get $st) (local.get $m))
      (f64.store offset=8 (local.get $st) ${
        stats
          ? `(f64.add (f64.mul (f64.load (local.get $w)) (f64.const ${1 / 2 ** 64}))
          (f64.convert_i32_s (i32.sub (i32.load (i32.add (i32.add (local.get $a) (local.get $cb)) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 1))))`
          : `(f64.sub (f64.mul (f64.load (local.get $w)) (f64.const ${1 / 2 ** 64})) (f64.const 1))`
      })
      (f64.store offset=16 (local.get $st) (f64.const 0))
      (local.set $f (i32.or (f64.ne (local.get $m) (local.get $m)) (f64.eq (f64.abs (local.get $m)) (f64.const inf))))
      (f64.store offset=24 (local.get $st) (f64.convert_i32_u (local.get $f)))
      (local.set $specials (i32.add (local.get $specials) (local.get $f)))
      ${stats ? "" : `(f64.store (local.get $w) (f64.div (f64.const ${1 / 2 ** 64}) (f64.mul (f64.load (local.get $w)) (f64.const ${1 / 2 ** 64}))))`}
      (local.set $st (i32.add (local.get $st) (i32.const 32)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $next)))
    ${
      stats
        ? ""
        : `;; pass 3: y = e·c in float64, rounded once
    ${sweep(scale)}`
    }
    (local.get $specials))`;
}

/**
 * logsoftmax_cols_fast(x, rows, cols, pitch, a): y = (x - m) - L in float64, rounded once, in place across slices (the
 * columns of a strip, as in softmax_cols_fast), with m and L of slice j as float64 at a + 8·j and a + 8·(cols + j)
 * (written by the caller from stats_cols_fast's statistics: L = log1p(r)).
 */
const LOGSOFTMAX_COLS = `
  (func (export "logsoftmax_cols_fast") (param $x i32) (param $rows i32) (param $cols i32) (param $pitch i32) (param $a i32)
    (local $r i32) (local $p i32) (local $w i32) (local $end i32) (local $cend i32) (local $cb i32) (local $x0 v128)
    (local.set $cb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $r (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $pitch))))
    (block $rdone (loop $rnext
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $end)))
      (local.set $p (local.get $r))
      (local.set $w (local.get $a))
      (local.set $cend (i32.add (local.get $r) (local.get $cb)))
      (block $cdone (loop $cnext
        (br_if $cdone (i32.ge_u (local.get $p) (local.get $cend)))
        (local.set $x0 (v128.load (local.get $p)))
        (v128.store (local.get $p) (i8x16.shuffle ${LOWS}
          (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x0)) (v128.load (local.get $w)))
            (v128.load (i32.add (local.get $w) (i32.shl (local.get $cb) (i32.const 1))))))
          (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} (local.get $x0) (local.get $x0))) (v128.load offset=16 (local.get $w)))
            (v128.load offset=16 (i32.add (local.get $w) (i32.shl (local.get $cb) (i32.const 1))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $w (i32.add (local.get $w) (i32.const 32)))
        (br $cnext)))
      (local.set $r (i32.add (local.get $r) (local.get $pitch)))
      (br $rnext))))`;

/**
 * Exact mode across slices (no transpose), the columns of a strip as in softmax_cols_fast (cols a multiple of 4, rows
 * $pitch bytes apart). Each f32x4 load takes element k of four neighbouring slices, widened to two f64x2 vectors (two
 * slices each); a block of 4·G slices (G f32x4 columns, G = 1) is carried through every pass down its rows with its
 * per-slice values in locals, so the block's rows and its float64 terms (softmax: 32·G bytes a row at $a) stay in L1.
 * The exp loop takes U rows of the block per iteration (U = 8 on SIMD128, 4 on relaxed SIMD: 2·U vectors in flight, as
 * the row kernels' V; then 2 rows, then 1), their terms of each slice summed as a tree and then compensated, as the
 * row kernels sum an iteration's terms. Measured on the raw kernels (ns per element, softmax, n = 32 / 64): U = 1 5.21 /
 * 5.09, U = 4 3.37 / 3.27, U = 8 2.83 / 2.71 on SIMD128; relaxed U = 4 2.30 / 2.22, U = 8 2.53 / 2.45; G = 2 no faster
 * (more per-slice values live). The math is the exact row kernels' (softmax_exact, stats_exact),
 * per lane: maximum (NaNs tracked apart); K = round(m/ln2); when every slice of the block has K in [-1000, 2000], the
 * direct loop e^{x - K·ln2} (clamp K·ln2 - 709, magic SHIFT - K, per lane), else the general one e^{dh}·(1 + dl) with
 * dh + dl = x - m exactly (TwoSum); degree-11 polynomial; Neumaier-compensated float64 sums per slice; softmax
 * c = 1/S as a double-double and y = e·c rounded once; stats r = Σ_{x ≠ m} e^{x-m} + (count - 1) as (rh, rl).
 * Writes m, rh, rl, flag per slice to $st (32 bytes each) and returns the number of special slices (maximum NaN or
 * ±Infinity; computed with m = 0, their outputs are garbage for the JavaScript kernel to redo).
 */
/** Blocks of four slices per pass of the exact across-slices kernels (more measured no faster). */
const colsGroups = () => 1;
const each = (count, f) => Array.from({ length: count }, (_, j) => f(j)).join("\n");
const COLS_VEC = ["A", "R", "M", "NM", "CV", "SF", "S", "C", "Z", "D", "T", "P", "L", "Q", "F", "E"];

/** e^{d} of the vectors vD0..vD(v-1) (times 1 + vL in the general loop), mirroring expV per lane. */
function expCols(v, direct, sl = (j) => j) {
  const c = MINIMAX11;
  const deg = c.length - 1;
  const J = (f) => each(v, f);
  const shift = (j) => (direct ? get(`vSF${sl(j)}`) : splat(SHIFT));
  const out = [
    J((j) => set(`vD${j}`, `(f64x2.pmax ${get(`vD${j}`)} ${direct ? get(`vCV${sl(j)}`) : splat(CLAMP)})`)),
    J((j) => set(`vT${j}`, madd("f64x2", get(`vD${j}`), splat(INV_LN2), shift(j)))),
    J((j) => set(`vP${j}`, `(f64x2.sub ${get(`vT${j}`)} ${shift(j)})`)),
    J((j) => set(`vD${j}`, nmadd("f64x2", get(`vP${j}`), splat(LN2_HI), get(`vD${j}`)))),
    J((j) => set(`vD${j}`, nmadd("f64x2", get(`vP${j}`), splat(LN2_LO), get(`vD${j}`)))),
    J((j) => set(`vP${j}`, madd("f64x2", get(`vD${j}`), splat(c[deg]), splat(c[deg - 1])))),
  ];
  for (let i = deg - 2; i >= 0; i--) out.push(J((j) => set(`vP${j}`, madd("f64x2", get(`vP${j}`), get(`vD${j}`), splat(c[i])))));
  out.push(J((j) => set(`vD${j}`, `(f64x2.mul ${get(`vP${j}`)} (i64x2.shl ${get(`vT${j}`)} (i32.const 52)))`)));
  if (!direct)
    out.push(
      J((j) =>
        set(
          `vD${j}`,
          relaxed.on
            ? madd("f64x2", get(`vD${j}`), get(`vL${j}`), get(`vD${j}`))
            : `(f64x2.add ${get(`vD${j}`)} (f64x2.mul ${get(`vD${j}`)} ${get(`vL${j}`)}))`,
        ),
      ),
    );
  return out.join("\n");
}

/** Sweeps the rows of the current block (base $b, end $end): $p the row, $w the block's scratch row at $a. */
const colsRows = (v, body) => `
      (local.set $p (local.get $b))
      (local.set $w (local.get $a))
      (block $rdone (loop $rnext
        (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
        ${body}
        (local.set $p (i32.add (local.get $p) (local.get $pitch)))
        (local.set $w (i32.add (local.get $w) (i32.const ${16 * v})))
        (br $rnext)))`;

/** Loads U rows of the block at $p (G f32x4 each) widened into vA0..vA(2GU-1) (row u: vA(2Gu)..). */
const colsLoad = (G, U = 1) =>
  each(U * G, (i) => {
    const u = Math.floor(i / G);
    const g = i % G;
    const at = u === 0 ? "(local.get $p)" : `(i32.add (local.get $p) (local.get $pu${u}))`;
    return [
      set(`XF${i}`, `(v128.load offset=${16 * g} ${at})`),
      set(`vA${2 * i}`, `(f64x2.promote_low_f32x4 ${get(`XF${i}`)})`),
      set(`vA${2 * i + 1}`, `(f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get(`XF${i}`)} ${get(`XF${i}`)}))`),
    ].join("\n");
  });

/** Rows per iteration of the across-slices exp loop (several rows of the same slices in flight: their terms are summed as a tree, then compensated). */
const colsUnroll = () => (relaxed.on ? 4 : 8);

/** One block of 4·G slices at $b, statistics at $st (softmax: `store`; stats otherwise). */
function colsExactBlock(G, store) {
  const v = 2 * G;
  const J = (f) => each(v, f);
  const count = !store;
  const pass2 = (direct, U) => {
    const N = U * v;
    const I = (f) => each(N, f);
    const sl = (i) => i % v;
    const body = [colsLoad(G, U)];
    if (count) body.push(I((i) => set(`vQ${i}`, `(f64x2.eq ${get(`vA${i}`)} ${get(`vM${sl(i)}`)})`)));
    if (direct) body.push(I((i) => set(`vD${i}`, get(`vA${i}`))));
    else {
      body.push(I((i) => set(`vD${i}`, `(f64x2.add ${get(`vA${i}`)} ${get(`vNM${sl(i)}`)})`)));
      body.push(I((i) => set(`vT${i}`, `(f64x2.sub ${get(`vD${i}`)} ${get(`vA${i}`)})`)));
      body.push(
        I((i) =>
          set(
            `vL${i}`,
            `(f64x2.add (f64x2.sub ${get(`vA${i}`)} (f64x2.sub ${get(`vD${i}`)} ${get(`vT${i}`)})) (f64x2.sub ${get(`vNM${sl(i)}`)} ${get(`vT${i}`)}))`,
          ),
        ),
      );
      // dl is NaN only for x = -Infinity: zero it (NaN ≠ NaN)
      body.push(I((i) => set(`vL${i}`, `(v128.and ${get(`vL${i}`)} (f64x2.eq ${get(`vL${i}`)} ${get(`vL${i}`)}))`)));
    }
    body.push(expCols(N, direct, sl));
    if (store) body.push(I((i) => `(v128.store offset=${16 * i} (local.get $w) ${get(`vD${i}`)})`));
    if (count) {
      body.push(I((i) => set(`vD${i}`, `(v128.andnot ${get(`vD${i}`)} ${get(`vQ${i}`)})`)));
      body.push(I((i) => set(`vZ${sl(i)}`, `(i64x2.sub ${get(`vZ${sl(i)}`)} ${get(`vQ${i}`)})`)));
    }
    // the U rows' terms of each slice summed as a tree, then added with Neumaier's correction (order by max/min: every
    // term is ≥ 0), as the row kernel sums each iteration's terms
    const tree = (j, lo, hi) => (hi - lo === 1 ? get(`vD${lo * v + j}`) : `(f64x2.add ${tree(j, lo, (lo + hi) >> 1)} ${tree(j, (lo + hi) >> 1, hi)})`);
    if (U > 1) body.push(J((j) => set(`vD${j}`, tree(j, 0, U))));
    body.push(J((j) => set(`vT${j}`, `(f64x2.pmax ${get(`vS${j}`)} ${get(`vD${j}`)})`)));
    body.push(J((j) => set(`vP${j}`, `(f64x2.pmin ${get(`vS${j}`)} ${get(`vD${j}`)})`)));
    body.push(J((j) => set(`vS${j}`, `(f64x2.add ${get(`vT${j}`)} ${get(`vP${j}`)})`)));
    body.push(J((j) => set(`vC${j}`, `(f64x2.add ${get(`vC${j}`)} (f64x2.sub ${get(`vP${j}`)} (f64x2.sub ${get(`vS${j}`)} ${get(`vT${j}`)})))`)));
    return body.join("\n");
  };
  const U = colsUnroll();
  // U rows per iteration, then 2 (when U > 2), then 1
  const unrolls = [...new Set([U, Math.min(U, 2), 1])];
  const pass2Loops = (direct) => `
      (local.set $p (local.get $b))
      (local.set $w (local.get $a))
      ${unrolls
        .map(
          (u) => `(block $done${u} (loop $next${u}
        (br_if $done${u} (i32.ge_u ${u > 1 ? `(i32.add (local.get $p) (local.get $pu${u - 1}))` : "(local.get $p)"} (local.get $end)))
        ${pass2(direct, u)}
        (local.set $p (i32.add (local.get $p) (local.get $pu${u})))
        (local.set $w (i32.add (local.get $w) (i32.const ${16 * v * u})))
        (br $next${u})))`,
        )
        .join("\n")}`;
  // em = e^{m - K·ln2} by the direct loop's instructions on m (vE), for r' in units of em
  const em = [J((j) => set(`vD${j}`, get(`vM${j}`))), expCols(v, true), J((j) => set(`vE${j}`, get(`vD${j}`)))].join("\n");
  const lane = (j, l, what) => `(f64x2.extract_lane ${l} ${get(`${what}${j}`)})`;
  const stores = J((j) =>
    [0, 1]
      .map(
        (l) => `(local.set $o (i32.add (local.get $st) (i32.const ${32 * (2 * j + l)})))
      (f64.store (local.get $o) ${lane(j, l, "vR")})
      (f64.store offset=8 (local.get $o) ${lane(j, l, "vS")})
      (f64.store offset=16 (local.get $o) ${lane(j, l, "vC")})
      (f64.store offset=24 (local.get $o) ${lane(j, l, "vF")})`,
      )
      .join("\n"),
  );
  // r = (count - 1) + r' as (vS, vC) (TwoSum of the sum's high part and count - 1)
  const plusCount = [
    J((j) =>
      set(
        `vT${j}`,
        count
          ? `(f64x2.replace_lane 1 (f64x2.splat (f64.convert_i64_s (i64.sub (i64x2.extract_lane 0 ${get(`vZ${j}`)}) (i64.const 1)))) (f64.convert_i64_s (i64.sub (i64x2.extract_lane 1 ${get(`vZ${j}`)}) (i64.const 1))))`
          : splat(-1),
      ),
    ),
    J((j) => set(`vP${j}`, `(f64x2.add ${get(`vS${j}`)} ${get(`vT${j}`)})`)),
    J((j) => set(`vL${j}`, `(f64x2.sub ${get(`vP${j}`)} ${get(`vS${j}`)})`)),
    J((j) =>
      set(
        `vC${j}`,
        `(f64x2.add ${get(`vC${j}`)} (f64x2.add (f64x2.sub ${get(`vS${j}`)} (f64x2.sub ${get(`vP${j}`)} ${get(`vL${j}`)})) (f64x2.sub ${get(`vT${j}`)} ${get(`vL${j}`)})))`,
      ),
    ),
    J((j) => set(`vS${j}`, get(`vP${j}`))),
  ].join("\n");
  return `
      (local.set $end (i32.add (local.get $b) (local.get $rp)))
      ;; pass 1: maxima (NaNs tracked apart)
      ${each(G, (g) => `${set(`MF${g}`, "(v128.const f32x4 -inf -inf -inf -inf)")} ${set(`UF${g}`, "(v128.const i64x2 0 0)")}`)}
      ${colsRows(
        v,
        each(
          G,
          (g) => `${set(`XF${g}`, `(v128.load offset=${16 * g} (local.get $p))`)}
        ${set(`MF${g}`, `(f32x4.pmax ${get(`MF${g}`)} ${get(`XF${g}`)})`)}
        ${set(`UF${g}`, `(v128.or ${get(`UF${g}`)} (f32x4.ne ${get(`XF${g}`)} ${get(`XF${g}`)}))`)}`,
        ),
      )}
      ${each(G, (g) => set(`MF${g}`, `(v128.bitselect (v128.const f32x4 nan nan nan nan) ${get(`MF${g}`)} ${get(`UF${g}`)})`))}
      ${each(G, (g) => `${set(`vA${2 * g}`, `(f64x2.promote_low_f32x4 ${get(`MF${g}`)})`)} ${set(`vA${2 * g + 1}`, `(f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get(`MF${g}`)} ${get(`MF${g}`)}))`)}`)}
      ${J((j) => set(`vR${j}`, get(`vA${j}`)))}
      ;; special slices (m NaN or ±Infinity) flagged, computed with m = 0
      ${J((j) => set(`vF${j}`, `(v128.or (f64x2.ne ${get(`vA${j}`)} ${get(`vA${j}`)}) (f64x2.eq (f64x2.abs ${get(`vA${j}`)}) ${splat("inf")}))`))}
      ${J((j) => set("SP", `(i64x2.sub ${get("SP")} ${get(`vF${j}`)})`))}
      ${J((j) => set(`vM${j}`, `(v128.andnot ${get(`vA${j}`)} ${get(`vF${j}`)})`))}
      ${J((j) => set(`vNM${j}`, `(f64x2.neg ${get(`vM${j}`)})`))}
      ;; direct loop when K = round(m/ln2) is in [-1000, 2000] for every slice of the block
      ${J((j) => set(`vT${j}`, `(f64x2.nearest (f64x2.mul ${get(`vM${j}`)} ${splat(INV_LN2)}))`))}
      (local.set $direct (i64x2.all_true ${J((j) => `(v128.and (f64x2.ge ${get(`vT${j}`)} ${splat(-1000)}) (f64x2.le ${get(`vT${j}`)} ${splat(2000)}))`)
        .split("\n")
        .reduce((acc, t) => (acc === "" ? t : `(v128.and ${acc} ${t})`), "")}))
      ${J((j) => `${set(`vS${j}`, splat(0))} ${set(`vC${j}`, splat(0))} ${set(`vZ${j}`, splat(0))}`)}
      (if (local.get $direct)
        (then
          ${J((j) => set(`vCV${j}`, `(f64x2.sub (f64x2.mul ${get(`vT${j}`)} ${splat(LN2)}) ${splat(709)})`))}
          ${J((j) => set(`vSF${j}`, `(f64x2.sub ${splat(SHIFT)} ${get(`vT${j}`)})`))}
          ${pass2Loops(true)}
          ${em}
          ${
            store
              ? `;; S = (vS, vC); r = S/em - 1 for the record
          ${J((j) => set(`vP${j}`, `(f64x2.sub (f64x2.div (f64x2.add ${get(`vS${j}`)} ${get(`vC${j}`)}) ${get(`vE${j}`)}) ${splat(1)})`))}`
              : `;; r' in units of em
          ${J((j) => `${set(`vS${j}`, `(f64x2.div ${get(`vS${j}`)} ${get(`vE${j}`)})`)} ${set(`vC${j}`, `(f64x2.div ${get(`vC${j}`)} ${get(`vE${j}`)})`)}`)}`
          })
        (else ${pass2Loops(false)}))
      ${
        store
          ? `;; c = 1/S as (1/sh)(1 - bb/sh), S = (vS, vC)
      ${J((j) => set(`vQ${j}`, `(f64x2.div ${splat(1)} ${get(`vS${j}`)})`))}
      ${J((j) => set(`vQ${j}`, `(f64x2.sub ${get(`vQ${j}`)} (f64x2.mul ${get(`vQ${j}`)} (f64x2.div ${get(`vC${j}`)} ${get(`vS${j}`)})))`))}
      ;; statistics: m, r (direct: computed above, rl = 0; general: S - 1 as a double-double), flag
      (if (local.get $direct)
        (then ${J((j) => `${set(`vS${j}`, get(`vP${j}`))} ${set(`vC${j}`, splat(0))}`)})
        (else ${plusCount}))
      ${J((j) => set(`vF${j}`, `(v128.and ${get(`vF${j}`)} ${splat(1)})`))}
      ${stores}
      ;; pass 3: y = e·c, rounded once
      ${colsRows(
        v,
        [
          J((j) => set(`vD${j}`, `(f64x2.mul (v128.load offset=${16 * j} (local.get $w)) ${get(`vQ${j}`)})`)),
          each(
            G,
            (g) =>
              `(v128.store offset=${16 * g} (local.get $p) (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero ${get(`vD${2 * g}`)}) (f32x4.demote_f64x2_zero ${get(`vD${2 * g + 1}`)})))`,
          ),
        ].join("\n"),
      )}`
          : `${plusCount}
      ;; r = 0 while an entry lies within 746 of m: its term e^{x - m} (below e^-709) was clamped to 0, but the JavaScript
      ;; kernel keeps such terms (log-softmax -0 at the maximum, not +0): the slice is left to it
      ${J((j) => set(`vT${j}`, `(f64x2.eq ${get(`vS${j}`)} ${splat(0)})`))}
      (if (v128.any_true ${J((j) => get(`vT${j}`))
        .split("\n")
        .reduce((acc, t) => (acc === "" ? t : `(v128.or ${acc} ${t})`), "")})
        (then
          ${J((j) => `${set(`vL${j}`, `(f64x2.sub ${get(`vM${j}`)} ${splat(746)})`)} ${set(`vQ${j}`, splat(0))}`)}
          ${colsRows(
            v,
            [
              colsLoad(G),
              J((j) =>
                set(
                  `vQ${j}`,
                  `(v128.or ${get(`vQ${j}`)} (v128.and (f64x2.ge ${get(`vA${j}`)} ${get(`vL${j}`)}) (f64x2.ne ${get(`vA${j}`)} ${get(`vM${j}`)})))`,
                ),
              ),
            ].join("\n"),
          )}
          ${J((j) => set(`vQ${j}`, `(v128.andnot (v128.and ${get(`vT${j}`)} ${get(`vQ${j}`)}) ${get(`vF${j}`)})`))}
          ${J((j) => `${set("SP", `(i64x2.sub ${get("SP")} ${get(`vQ${j}`)})`)} ${set(`vF${j}`, `(v128.or ${get(`vF${j}`)} ${get(`vQ${j}`)})`)}`)}))
      ${J((j) => set(`vF${j}`, `(v128.and ${get(`vF${j}`)} ${splat(1)})`))}
      ${stores}`
      }`;
}

/** Loops over the blocks of a strip: 4·G slices at a time, then 4 at a time. */
function colsBlocks(G, block) {
  const loop = (g) => `
    (block $bdone (loop $bnext
      (br_if $bdone (i32.gt_u (i32.add (local.get $c0) (i32.const ${16 * g})) (local.get $cb)))
      (local.set $b (i32.add (local.get $x) (local.get $c0)))
      ${block(g)}
      (local.set $c0 (i32.add (local.get $c0) (i32.const ${16 * g})))
      (local.set $st (i32.add (local.get $st) (i32.const ${128 * g})))
      (br $bnext)))`;
  return `
    (local.set $cb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $rp (i32.mul (local.get $rows) (local.get $pitch)))
    ${Array.from({ length: colsUnroll() }, (_, u) => `(local.set $pu${u + 1} (i32.mul (local.get $pitch) (i32.const ${u + 1})))`).join(" ")}
    ${loop(G)}
    ${G > 1 ? loop(1) : ""}`;
}

function colsLocals(G) {
  const U = colsUnroll();
  const v = 2 * G * U;
  return (
    [
      "SP",
      ...["XF", "MF", "UF"].flatMap((p) => Array.from({ length: G * U }, (_, g) => `${p}${g}`)),
      ...COLS_VEC.flatMap((p) => Array.from({ length: v }, (_, j) => `v${p}${j}`)),
    ]
      .map((n) => `(local $${n} v128)`)
      .join(" ") + Array.from({ length: U }, (_, u) => ` (local $pu${u + 1} i32)`).join("")
  );
}

/**
 * softmax_cols_exact(x, rows, cols, pitch, st, a) → special slices: exact softmax across slices in place (a: 32·G·rows
 * bytes of float64 terms, at most 128·rows). stats_cols_exact(x, rows, cols, pitch, st, a) → special slices: stats_exact's
 * m, rh, rl (a unused).
 */
function colsExactFunc(store) {
  const G = colsGroups();
  return `
  (func (export "${store ? "softmax" : "stats"}_cols_exact") (param $x i32) (param $rows i32) (param $cols i32) (param $pitch i32) (param $st i32) (param $a i32) (result i32)
    (local $p i32) (local $w i32) (local $b i32) (local $o i32) (local $end i32) (local $c0 i32) (local $cb i32) (local $rp i32) (local $direct i32)
    ${colsLocals(G)} @@DECL@@
    @@INIT@@
    ${colsBlocks(G, (g) => colsExactBlock(g, store))}
    (i32.wrap_i64 (i64.add (i64x2.extract_lane 0 ${get("SP")}) (i64x2.extract_lane 1 ${get("SP")}))))`;
}

/**
 * logsoftmax_cols_exact(x, rows, cols, pitch, a): y = (dh - L) + dl (dh + dl = x - m exactly, TwoSum) across slices in
 * place, m and L of slice j as float64 at a + 8·j and a + 8·(cols + j) (as logsoftmax_cols_fast), rounded once.
 */
function logSoftmaxColsExactFunc() {
  const G = colsGroups();
  const block = (g) => {
    const v = 2 * g;
    const J = (f) => each(v, f);
    return `
      (local.set $end (i32.add (local.get $b) (local.get $rp)))
      (local.set $o (i32.add (local.get $a) (i32.shl (local.get $c0) (i32.const 1))))
      ${J((j) => set(`vM${j}`, `(v128.load offset=${16 * j} (local.get $o))`))}
      (local.set $o (i32.add (local.get $o) (i32.shl (local.get $cb) (i32.const 1))))
      ${J((j) => set(`vE${j}`, `(v128.load offset=${16 * j} (local.get $o))`))}
      ${J((j) => set(`vNM${j}`, `(f64x2.neg ${get(`vM${j}`)})`))}
      ${colsRows(
        v,
        [
          colsLoad(g),
          J((j) => set(`vD${j}`, `(f64x2.add ${get(`vA${j}`)} ${get(`vNM${j}`)})`)),
          J((j) => set(`vT${j}`, `(f64x2.sub ${get(`vD${j}`)} ${get(`vA${j}`)})`)),
          J((j) =>
            set(
              `vL${j}`,
              `(f64x2.add (f64x2.sub ${get(`vA${j}`)} (f64x2.sub ${get(`vD${j}`)} ${get(`vT${j}`)})) (f64x2.sub ${get(`vNM${j}`)} ${get(`vT${j}`)}))`,
            ),
          ),
          J((j) => set(`vL${j}`, `(v128.and ${get(`vL${j}`)} (f64x2.eq ${get(`vL${j}`)} ${get(`vL${j}`)}))`)),
          J((j) => set(`vD${j}`, `(f64x2.add (f64x2.sub ${get(`vD${j}`)} ${get(`vE${j}`)}) ${get(`vL${j}`)})`)),
          each(
            g,
            (q) =>
              `(v128.store offset=${16 * q} (local.get $p) (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero ${get(`vD${2 * q}`)}) (f32x4.demote_f64x2_zero ${get(`vD${2 * q + 1}`)})))`,
          ),
        ].join("\n"),
      )}`;
  };
  return `
  (func (export "logsoftmax_cols_exact") (param $x i32) (param $rows i32) (param $cols i32) (param $pitch i32) (param $a i32)
    (local $st i32) (local $p i32) (local $w i32) (local $b i32) (local $o i32) (local $end i32) (local $c0 i32) (local $cb i32) (local $rp i32)
    ${colsLocals(G)} @@DECL@@
    @@INIT@@
    ${colsBlocks(G, block)})`;
}

/**
 * $log1p2(r0, r1) → (L0, L1): log(1 + r) in the float64 lanes of two vectors (four rows, interleaved: the chain is long),
 * r ≥ 0 (r = S - 1 of the fast kernels' rows), relative error about 2^-52:
 * u = 1 + r = 2^k·f with f in [√2/2, √2), the rounding of u kept as c = (1 + r - u)/u (exact numerator: r - (u - 1)
 * for r < 1, 1 - (u - r) above), log f = 2s(1 + s²/3 + … + s^18/19) with s = (f - 1)/(f + 1) (|s| ≤ 0.1716: the next
 * term is 2^-55 of the sum), log(1 + r) = k·ln2_hi + (log f + (k·ln2_lo + c)). Fast mode only: its terms carry float32
 * errors (2^-24), so this is far below what the results can see; JavaScript's Math.log1p per row cost more than the
 * kernels on rows of 2 to 15.
 */
function log1pFunc() {
  const both = (f) => `${f(0)}\n    ${f(1)}`;
  const poly = (h) => {
    let p = splat(1 / 19);
    for (let j = 8; j >= 1; j--) p = madd("f64x2", p, get(`z${h}`), splat(1 / (2 * j + 1)));
    return p;
  };
  return `
  (func $log1p2 (param $r0 v128) (param $r1 v128) (result v128 v128)
    (local $u0 v128) (local $c0 v128) (local $k0 v128) (local $f0 v128) (local $s0 v128) (local $z0 v128)
    (local $u1 v128) (local $c1 v128) (local $k1 v128) (local $f1 v128) (local $s1 v128) (local $z1 v128) @@DECL@@
    @@INIT@@
    ${both((h) => set(`u${h}`, `(f64x2.add ${get(`r${h}`)} ${splat(1)})`))}
    ${both((h) =>
      set(
        `c${h}`,
        `(f64x2.div (v128.bitselect (f64x2.sub ${get(`r${h}`)} (f64x2.sub ${get(`u${h}`)} ${splat(1)})) (f64x2.sub ${splat(1)} (f64x2.sub ${get(`u${h}`)} ${get(`r${h}`)})) (f64x2.lt ${get(`r${h}`)} ${splat(1)})) ${get(`u${h}`)})`,
      ),
    )}
    ${both((h) => set(`k${h}`, `(i64x2.sub (i64x2.shr_s (i64x2.add ${get(`u${h}`)} (v128.const i64x2 0x00095f619980c433 0x00095f619980c433)) (i32.const 52)) (v128.const i64x2 1023 1023))`))}
    ${both((h) => set(`f${h}`, `(i64x2.sub ${get(`u${h}`)} (i64x2.shl ${get(`k${h}`)} (i32.const 52)))`))}
    ${both((h) => set(`s${h}`, `(f64x2.div (f64x2.sub ${get(`f${h}`)} ${splat(1)}) (f64x2.add ${get(`f${h}`)} ${splat(1)}))`))}
    ${both((h) => set(`z${h}`, `(f64x2.mul ${get(`s${h}`)} ${get(`s${h}`)})`))}
    ${both((h) => set(`s${h}`, `(f64x2.add ${get(`s${h}`)} ${get(`s${h}`)})`))}
    ${both((h) => set(`k${h}`, `(f64x2.convert_low_i32x4_s (i8x16.shuffle ${lanes32(0, 2, 0, 2)} ${get(`k${h}`)} ${get(`k${h}`)}))`))}
    ${both((h) => set(`z${h}`, poly(h)))}
    ${both(
      (h) =>
        `(f64x2.add (f64x2.mul ${get(`k${h}`)} ${splat(LN2_HI)}) (f64x2.add ${get(`s${h}`)} (f64x2.add (f64x2.mul (f64x2.mul ${get(`s${h}`)} (f64x2.mul ${get(`s${h}`)} ${get(`s${h}`)})) (f64x2.mul ${splat(0.25)} ${get(`z${h}`)})) (f64x2.add (f64x2.mul ${get(`k${h}`)} ${splat(LN2_LO)}) ${get(`c${h}`)}))))`,
    )})`;
}

/** The 4 × 4 transpose (its own inverse) by eight shuffles, from registers v(0) … v(3) into w(0) … w(3) (T0 … T3 between). */
function transpose4(v, w) {
  return [
    set("T0", `(i8x16.shuffle ${lanes32(0, 4, 1, 5)} ${get(v(0))} ${get(v(1))})`),
    set("T1", `(i8x16.shuffle ${lanes32(2, 6, 3, 7)} ${get(v(0))} ${get(v(1))})`),
    set("T2", `(i8x16.shuffle ${lanes32(0, 4, 1, 5)} ${get(v(2))} ${get(v(3))})`),
    set("T3", `(i8x16.shuffle ${lanes32(2, 6, 3, 7)} ${get(v(2))} ${get(v(3))})`),
    set(w(0), `(i8x16.shuffle ${lanes32(0, 1, 4, 5)} ${get("T0")} ${get("T2")})`),
    set(w(1), `(i8x16.shuffle ${lanes32(2, 3, 6, 7)} ${get("T0")} ${get("T2")})`),
    set(w(2), `(i8x16.shuffle ${lanes32(0, 1, 4, 5)} ${get("T1")} ${get("T3")})`),
    set(w(3), `(i8x16.shuffle ${lanes32(2, 3, 6, 7)} ${get("T1")} ${get("T3")})`),
  ].join("\n      ");
}

/**
 * Four rows of `cols` (2, 3 or 4) floats at `at` (cols whole vectors, loaded into O0 …) transposed into the columns
 * C0 … C(cols-1): C_k = element k of the four rows. Uses T0 … T3.
 */
function loadColumns(cols, at) {
  const loads = Array.from({ length: cols }, (_, r) => set(`O${r}`, `(v128.load offset=${16 * r} ${at})`)).join("\n      ");
  if (cols === 2)
    return `${loads}
      ${set("C0", `(i8x16.shuffle ${lanes32(0, 2, 4, 6)} ${get("O0")} ${get("O1")})`)}
      ${set("C1", `(i8x16.shuffle ${lanes32(1, 3, 5, 7)} ${get("O0")} ${get("O1")})`)}`;
  if (cols === 3)
    // v0 = [a0 a1 a2 b0], v1 = [b1 b2 c0 c1], v2 = [c2 d0 d1 d2] → C0 = [a0 b0 c0 d0], C1, C2
    return `${loads}
      ${set("C0", `(i8x16.shuffle ${lanes32(0, 1, 2, 5)} (i8x16.shuffle ${lanes32(0, 3, 6, 7)} ${get("O0")} ${get("O1")}) ${get("O2")})`)}
      ${set("C1", `(i8x16.shuffle ${lanes32(0, 1, 2, 6)} (i8x16.shuffle ${lanes32(1, 4, 7, 7)} ${get("O0")} ${get("O1")}) ${get("O2")})`)}
      ${set("C2", `(i8x16.shuffle ${lanes32(0, 1, 4, 7)} (i8x16.shuffle ${lanes32(2, 5, 5, 5)} ${get("O0")} ${get("O1")}) ${get("O2")})`)}`;
  return `${loads}
      ${transpose4(
        (r) => `O${r}`,
        (k) => `C${k}`,
      )}`;
}

/** The columns O0 … O(cols-1) transposed back into four rows of `cols` floats, stored at `at` (uses C0 … C3, T0 … T3). */
function storeColumns(cols, at) {
  if (cols === 2)
    return `(v128.store ${at} (i8x16.shuffle ${lanes32(0, 4, 1, 5)} ${get("O0")} ${get("O1")}))
      (v128.store offset=16 ${at} (i8x16.shuffle ${lanes32(2, 6, 3, 7)} ${get("O0")} ${get("O1")}))`;
  if (cols === 3)
    // the inverse: rows [a0 a1 a2 b0], [b1 b2 c0 c1], [c2 d0 d1 d2] from the columns O0 … O2
    return `(v128.store ${at} (i8x16.shuffle ${lanes32(0, 1, 4, 2)} (i8x16.shuffle ${lanes32(0, 4, 1, 5)} ${get("O0")} ${get("O1")}) ${get("O2")}))
      (v128.store offset=16 ${at} (i8x16.shuffle ${lanes32(0, 1, 6, 2)} (i8x16.shuffle ${lanes32(1, 5, 2, 6)} ${get("O1")} ${get("O2")}) ${get("O0")}))
      (v128.store offset=32 ${at} (i8x16.shuffle ${lanes32(6, 0, 1, 7)} (i8x16.shuffle ${lanes32(3, 7, 3, 7)} ${get("O0")} ${get("O1")}) ${get("O2")}))`;
  return `${transpose4(
    (k) => `O${k}`,
    (r) => `C${r}`,
  )}
      ${Array.from({ length: 4 }, (_, r) => `(v128.store offset=${16 * r} ${at} ${get(`C${r}`)})`).join("\n      ")}`;
}

/**
 * Short rows along the last axis, four at a time (SIMD lanes hold four consecutive rows of n floats: element k of the
 * four is gathered with v128.load32_lane and scattered back with v128.store32_lane), with every accumulator in
 * registers: where the row kernels spend their time on each row's setup, maximum, reduction and partial vector.
 * Rows a multiple of 4; st receives m, r, 0, flag per row (flag 1: the row is left to JS, its outputs garbage).
 * - softmax_rows_fast(x, y, st, rows, n) → flagged rows: fast softmax, the terms e·2^64 stored in place at x, the
 *   results at y (y may equal x);
 * - logsoftmax_rows_fast(x, y, st, rows, n) → flagged rows: y = (x - m) - L with L = log1p(r) ($log1p2), fused: no
 *   JavaScript between the passes; the last pass in float32 lanes, as logsoftmax_fast;
 * - logsumexp_rows_fast(x, y, st, rows, n) → flagged rows: m + L as float32 at y + 4·row. Rows where that cancels
 *   (m < 0 and |m + L| < L/2: L's error, float32 terms, amplified more than twice) are flagged too, as settle does
 *   for the other kernels.
 * The passes and the arithmetic are those of softmax_cols_fast (exact float32 difference x - m, Cody–Waite, degree-6
 * polynomial, e·2^64 in float32, sums in float64; softmax y = e·(2^-64/S) in float64, rounded once), so the same
 * 2.5 ulp bound holds. A row is flagged when its maximum is NaN or ±Infinity.
 */
function rowsFastFunc(kind, cols = 0) {
  const stats = kind !== "softmax";
  // Rows of 2, 3 and 4 (`cols`, the internal $<kind>_rows2 … _rows4, called by the exported kernel when n = cols): the
  // group's 4·n floats are n vector loads, transposed into the columns C0 … C(n-1) (element k of the four rows) by
  // shuffles, and stay in registers through the passes (the results O0 … O(n-1) are transposed back the same way): no
  // lane loads or stores. The arithmetic is the same instructions on the same lanes, so the results are the same bits.
  const inRegs = cols > 0;
  const lanesAt = (a, v) =>
    `(v128.store32_lane 0 ${a} ${v}) (v128.store32_lane 1 (i32.add ${a} (local.get $nb)) ${v}) (v128.store32_lane 2 (i32.add ${a} (local.get $nb2)) ${v}) (v128.store32_lane 3 (i32.add ${a} (local.get $nb3)) ${v})`;
  // element k of the four rows (a vector); the terms written back in place of x; the results written at y
  const gather = () =>
    inRegs
      ? "(local.get $C@K@)"
      : "(v128.load32_lane 3 (i32.add (local.get $a) (local.get $nb3)) (v128.load32_lane 2 (i32.add (local.get $a) (local.get $nb2)) (v128.load32_lane 1 (i32.add (local.get $a) (local.get $nb)) (v128.load32_zero (local.get $a)))))";
  const storeTerm = (v) => (inRegs ? set("C@K@", v) : lanesAt("(local.get $a)", v));
  const storeResult = (v) => (inRegs ? set("O@K@", v) : lanesAt("(i32.add (local.get $a) (local.get $dy))", v));
  const overK = (body) =>
    inRegs
      ? Array.from({ length: cols }, (_, k) => body.replaceAll("@K@", String(k))).join("\n      ")
      : `
      (local.set $a (local.get $g))
      (block $kdone (loop $knext
        (br_if $kdone (i32.ge_u (local.get $a) (local.get $kend)))
        ${body}
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (br $knext)))`;
  const exp = [set("xf0", gather()), ...expTwoSumF("(local.get $NMF)")];
  if (stats) {
    // the maxima's terms left out and counted, so that r = Σ_{x ≠ m} e + (count - 1) keeps the digits of a tiny r
    exp.push(set("qf0", `(f32x4.eq ${get("xf0")} ${get("MF")})`));
    exp.push(set("kf0", `(v128.andnot ${get("kf0")} ${get("qf0")})`));
    exp.push(set("zf0", `(i32x4.sub ${get("zf0")} ${get("qf0")})`));
  } else exp.push(storeTerm(get("kf0")));
  exp.push(set("s0", `(f64x2.add ${get("s0")} (f64x2.promote_low_f32x4 ${get("kf0")}))`));
  exp.push(set("s1", `(f64x2.add ${get("s1")} (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get("kf0")} ${get("kf0")})))`));
  // r per row, lanes 0-1 in $y0 and 2-3 in $y1 (float64)
  const r = stats
    ? [
        set(
          "y0",
          `(f64x2.add (f64x2.mul ${get("s0")} ${splat(1 / 2 ** 64)}) (f64x2.convert_low_i32x4_s (i32x4.sub ${get("zf0")} (v128.const i32x4 1 1 1 1))))`,
        ),
        set(
          "y1",
          `(f64x2.add (f64x2.mul ${get("s1")} ${splat(1 / 2 ** 64)}) (f64x2.convert_low_i32x4_s (i8x16.shuffle ${HIGH} (i32x4.sub ${get("zf0")} (v128.const i32x4 1 1 1 1)) ${get("zf0")})))`,
        ),
      ]
    : [
        set("y0", `(f64x2.sub (f64x2.mul ${get("s0")} ${splat(1 / 2 ** 64)}) ${splat(1)})`),
        set("y1", `(f64x2.sub (f64x2.mul ${get("s1")} ${splat(1 / 2 ** 64)}) ${splat(1)})`),
      ];
  const finish = [];
  if (stats) {
    // L = log1p(r); m as float64 in a0, a1
    finish.push(`(call $log1p2 ${get("y0")} ${get("y1")})`, "(local.set $c1)", "(local.set $c0)");
  }
  if (kind === "logsumexp") {
    // y = m + L; flagged where it cancels: m < 0 and 2·|m + L| < L
    finish.push(set("l0", `(f64x2.add ${get("a0")} ${get("c0")})`), set("l1", `(f64x2.add ${get("a1")} ${get("c1")})`));
    finish.push(
      `(v128.store (i32.add (local.get $y) (i32.shr_u (i32.sub (local.get $str) (local.get $st)) (i32.const 3))) (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero ${get("l0")}) (f32x4.demote_f64x2_zero ${get("l1")})))`,
    );
    const cancel = (h) =>
      `(v128.and (f64x2.lt ${get(`a${h}`)} ${splat(0)}) (f64x2.lt (f64x2.add (f64x2.abs ${get(`l${h}`)}) (f64x2.abs ${get(`l${h}`)})) ${get(`c${h}`)}))`;
    // the two f64x2 masks narrowed to i32x4 lanes (0, 2 of each)
    finish.push(set("f", `(v128.or ${get("f")} (i8x16.shuffle ${lanes32(0, 2, 4, 6)} ${cancel(0)} ${cancel(1)}))`));
  }
  // st of the four rows: (m, r) and (0, flag), two vectors each
  const pick = (v, w, lane) =>
    `(i8x16.shuffle ${lane === 0 ? "0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23" : "8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31"} ${v} ${w})`;
  const record = [
    `(local.set $specials (i32.add (local.get $specials) (i32.popcnt (i32x4.bitmask ${get("f")}))))`,
    set("l0", `(f64x2.convert_low_i32x4_u (i32x4.neg ${get("f")}))`),
    set("l1", `(f64x2.convert_low_i32x4_u (i32x4.neg (i8x16.shuffle ${HIGH} ${get("f")} ${get("f")})))`),
  ];
  for (let j = 0; j < 4; j++) {
    const half = j < 2 ? 0 : 1;
    record.push(`(v128.store offset=${32 * j} (local.get $str) ${pick(get(`a${half}`), get(`y${half}`), j % 2)})`);
    record.push(`(v128.store offset=${32 * j + 16} (local.get $str) ${pick("(v128.const i64x2 0 0)", get(`l${half}`), j % 2)})`);
  }
  const last =
    kind === "softmax"
      ? `;; pass 3: y = e·(2^-64/S) in float64, rounded once
      (local.set $c0 (f64x2.div ${splat(1 / 2 ** 64)} (f64x2.mul ${get("s0")} ${splat(1 / 2 ** 64)})))
      (local.set $c1 (f64x2.div ${splat(1 / 2 ** 64)} (f64x2.mul ${get("s1")} ${splat(1 / 2 ** 64)})))
      ${overK(`
        (local.set $xf0 ${gather()})
        (local.set $kf0 (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 ${get("xf0")}) ${get("c0")}))
          (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get("xf0")} ${get("xf0")})) ${get("c1")}))))
        ${storeResult(get("kf0"))}`)}`
      : kind === "logsoftmax"
        ? `;; pass 3: y = (x - m) - L in float32 lanes (as logsoftmax_fast: within 1.5 ulp of y plus L's own error)
      (local.set $lf0 (i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero ${get("c0")}) (f32x4.demote_f64x2_zero ${get("c1")})))
      ${overK(`
        (local.set $xf0 ${gather()})
        (local.set $kf0 (f32x4.sub (f32x4.sub ${get("xf0")} ${get("MF")}) ${get("lf0")}))
        ${storeResult(get("kf0"))}`)}`
        : "";
  const head = inRegs
    ? `(func $${kind}_rows${cols} (param $x i32) (param $y i32) (param $st i32) (param $rows i32) (param $n i32) (result i32)`
    : `(func (export "${kind}_rows_fast") (param $x i32) (param $y i32) (param $st i32) (param $rows i32) (param $n i32) (result i32)`;
  // the group's columns, loaded and transposed (inRegs), and its results transposed back into rows (softmax / logsoftmax)
  const yAt = "(i32.add (local.get $g) (local.get $dy))";
  const loadCols = inRegs ? loadColumns(cols, "(local.get $g)") : "";
  const storeCols = !inRegs || kind === "logsumexp" ? "" : storeColumns(cols, yAt);
  return `
  ${head}
    (local $dy i32) (local $g i32) (local $gend i32) (local $a i32) (local $kend i32) (local $nb i32) (local $nb2 i32) (local $nb3 i32) (local $str i32) (local $specials i32)
    (local $MF v128) (local $NMF v128) (local $u v128) (local $f v128) (local $xf0 v128) (local $df0 v128) (local $tf0 v128) (local $lf0 v128) (local $kf0 v128)
    (local $qf0 v128) (local $zf0 v128) (local $s0 v128) (local $s1 v128) (local $y0 v128) (local $y1 v128) (local $a0 v128) (local $a1 v128) (local $l0 v128) (local $l1 v128)
    (local $c0 v128) (local $c1 v128) (local $C0 v128) (local $C1 v128) (local $C2 v128) (local $C3 v128) (local $O0 v128) (local $O1 v128) (local $O2 v128) (local $O3 v128) (local $T0 v128) (local $T1 v128) (local $T2 v128) (local $T3 v128) @@DECL@@
    @@INIT@@
    ${inRegs ? "" : [2, 3, 4].map((c) => `(if (i32.eq (local.get $n) (i32.const ${c})) (then (return (call $${kind}_rows${c} (local.get $x) (local.get $y) (local.get $st) (local.get $rows) (local.get $n)))))`).join("\n    ")}
    (local.set $dy (i32.sub (local.get $y) (local.get $x)))
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $nb2 (i32.shl (local.get $nb) (i32.const 1)))
    (local.set $nb3 (i32.add (local.get $nb2) (local.get $nb)))
    (local.set $g (local.get $x))
    (local.set $gend (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $nb))))
    (local.set $str (local.get $st))
    (block $gdone (loop $gnext
      (br_if $gdone (i32.ge_u (local.get $g) (local.get $gend)))
      (local.set $kend (i32.add (local.get $g) (local.get $nb)))
      ${loadCols}
      ;; pass 1: maxima (NaNs tracked apart)
      (local.set $MF (v128.const f32x4 -inf -inf -inf -inf))
      (local.set $u (v128.const i64x2 0 0))
      ${overK(`(local.set $xf0 ${gather()})
        (local.set $MF (f32x4.pmax ${get("MF")} ${get("xf0")}))
        (local.set $u (v128.or ${get("u")} (f32x4.ne ${get("xf0")} ${get("xf0")})))`)}
      (local.set $MF (v128.bitselect (v128.const f32x4 nan nan nan nan) ${get("MF")} ${get("u")}))
      (local.set $NMF (f32x4.neg ${get("MF")}))
      ;; flagged rows: maximum NaN or ±Infinity
      (local.set $f (v128.or (f32x4.ne ${get("MF")} ${get("MF")}) (f32x4.eq (f32x4.abs ${get("MF")}) (v128.const f32x4 inf inf inf inf))))
      ;; pass 2: e·2^64 ${stats ? "(maxima counted apart)" : "in place"}, sums in float64
      (local.set $s0 (v128.const i64x2 0 0))
      (local.set $s1 (v128.const i64x2 0 0))
      (local.set $zf0 (v128.const i64x2 0 0))
      ${overK(exp.join("\n        "))}
      ${r.join("\n      ")}
      (local.set $a0 (f64x2.promote_low_f32x4 ${get("MF")}))
      (local.set $a1 (f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get("MF")} ${get("MF")})))
      ${finish.join("\n      ")}
      ${record.join("\n      ")}
      ${last}
      ${storeCols}
      (local.set $g (i32.add (local.get $g) (i32.shl (local.get $nb) (i32.const 2))))
      (local.set $str (i32.add (local.get $str) (i32.const 128)))
      (br $gnext)))
    (local.get $specials))`;
}

/**
 * Degree-8 near-minimax for stats_lse_exact, c0 = 1: relative error 8.2e-13 (2^-40.2) on |r| ≤ 1.0005·ln2/2
 * (scripts/fit-exp.py 8). slices.ts (LSE_TERM_ERROR) bounds the kernel's error with it: change both together.
 */
const MINIMAX8 = [
  "1",
  "0.999999999983002",
  "0.5000000000459962",
  "0.1666666687385061",
  "0.04166666453072561",
  "0.00833326864829433",
  "0.0013889155498124314",
  "0.00019914740924899897",
  "2.4732914865762628e-05",
];

/**
 * stats_lse_exact(x, st, rows, n) → special rows: a cheaper stats_exact for log-sum-exp alone. Per row m, r = S - 1
 * (S = Σ e^{x - m}), 0, flag (as stats_exact, but rl = 0 and no count of maxima): the direct loop only (K = round(m/ln2) in
 * [-1000, 2000], else r = NaN: the caller recomputes the row with stats_exact), the degree-8 polynomial, plain float64
 * sums (each iteration's terms as a tree, into one accumulator; no compensation). Its error is bounded a priori
 * (slices.ts, lseRows): the caller keeps y = m + log1p(r) only where that bound cannot move it across a float32 rounding
 * boundary, and recomputes the other rows with stats_exact. The tail runs pairs of floats (v128.load64_zero), then an odd float (its empty lane masked).
 */
function statsLseFunc() {
  const c = MINIMAX8;
  const deg = c.length - 1;
  const expTerms = (vn) => {
    const L = (f) => Array.from({ length: vn }, (_, j) => f(j)).join("\n");
    const out = [
      L((j) => set(`d${j}`, `(f64x2.pmax ${get(`a${j}`)} ${get("CV")})`)),
      L((j) => set(`t${j}`, madd("f64x2", get(`d${j}`), splat(INV_LN2), get("S1V")))),
      L((j) => set(`k${j}`, `(f64x2.sub ${get(`t${j}`)} ${get("S1V")})`)),
      L((j) => set(`d${j}`, nmadd("f64x2", get(`k${j}`), splat(LN2_HI), get(`d${j}`)))),
      L((j) => set(`d${j}`, nmadd("f64x2", get(`k${j}`), splat(LN2_LO), get(`d${j}`)))),
      L((j) => set(`k${j}`, madd("f64x2", get(`d${j}`), splat(c[deg]), splat(c[deg - 1])))),
    ];
    for (let i = deg - 2; i >= 0; i--) out.push(L((j) => set(`k${j}`, madd("f64x2", get(`k${j}`), get(`d${j}`), splat(c[i])))));
    out.push(L((j) => set(`d${j}`, `(f64x2.mul ${get(`k${j}`)} (i64x2.shl ${get(`t${j}`)} (i32.const 52)))`)));
    return out.join("\n");
  };
  const all = (f) => Array.from({ length: V }, (_, j) => f(j)).join("\n");
  // an iteration's V terms summed as a tree into one accumulator: V accumulators (fewer additions per term) measured
  // 1.2-1.55× slower (register pressure; SIMD128 V = 8 slower than stats_exact)
  const tree = (lo, hi) => (hi - lo === 1 ? get(`d${lo}`) : `(f64x2.add ${tree(lo, (lo + hi) / 2)} ${tree((lo + hi) / 2, hi)})`);
  return `
  (func (export "stats_lse_exact") (param $x i32) (param $st i32) (param $rows i32) (param $n i32) (result i32)
    ${ROW_LOCALS} @@DECL@@
    @@INIT@@
    ${ROW_BEGIN}
      (f64.store offset=16 (local.get $str) (f64.const 0))
      (local.set $K (f64.nearest (f64.mul (local.get $m) (f64.const ${INV_LN2}))))
      (if (i32.and (f64.ge (local.get $K) (f64.const -1000)) (f64.le (local.get $K) (f64.const 2000)))
        (then
          (local.set $CV (f64x2.splat (f64.sub (f64.mul (local.get $K) (f64.const ${LN2})) (f64.const 709))))
          (local.set $S1V (f64x2.splat (f64.sub (f64.const ${SHIFT}) (local.get $K))))
          ;; em = e^{m - K·ln2}: the maxima's term, by the same instructions
          (local.set $a0 (f64x2.splat (local.get $m)))
          ${expTerms(1)}
          (local.set $em (f64x2.extract_lane 0 (local.get $d0)))
          ${set("s0", splat(0))}
          (local.set $p (local.get $xr))
          (local.set $end (i32.add (local.get $xr) (i32.shl (i32.and (local.get $n) (i32.const ${-2 * V})) (i32.const 2))))
          (block $done (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            ${all((j) => set(`a${j}`, `(f64x2.promote_low_f32x4 (v128.load64_zero offset=${8 * j} (local.get $p)))`))}
            ${expTerms(V)}
            ${set("s0", `(f64x2.add ${get("s0")} ${tree(0, V)})`)}
            (local.set $p (i32.add (local.get $p) (i32.const ${8 * V})))
            (br $next)))
          (local.set $end (i32.add (local.get $xr) (i32.shl (local.get $n) (i32.const 2))))
          (block $done (loop $next
            (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
            (local.set $a0 (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))))
            ${expTerms(1)}
            (local.set $s0 (f64x2.add (local.get $s0) (local.get $d0)))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (br $next)))
          (if (i32.lt_u (local.get $p) (local.get $end))
            (then
              (local.set $a0 (f64x2.promote_low_f32x4 (v128.load32_zero (local.get $p))))
              ${expTerms(1)}
              (local.set $s0 (f64x2.add (local.get $s0) (v128.and (local.get $d0) ${constant("i64x2 -1 0")})))))
          ;; S = S'/em, r = S - 1
          (local.set $e (f64.div (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))) (local.get $em)))
          (f64.store offset=8 (local.get $str) (f64.sub (local.get $e) (f64.const 1))))
        (else (f64.store offset=8 (local.get $str) (f64.const nan))))
    ${ROW_END(false)}`;
}

/**
 * rows_exact(x, y, fl, rows, n, kind) → flagged rows: exact softmax (kind 0), log-softmax (1) or log-sum-exp (2) of
 * `rows` (a multiple of 4) rows of n = 2, 3 or 4 floats at x ($rows_exact2 … 4), four rows per iteration: n vector loads
 * transposed into the columns (loadColumns), then per row, in float64 lanes, m = max, d_k = x_k - m (one rounding,
 * absolute error ≤ 2^-53·|d_k|; 0 exactly at the maxima), e_k = e^{d_k} (Cody–Waite, the degree-11 polynomial of exact
 * mode: 2^-56; exactly 1 at the maxima), and
 * - softmax: e_k/S, S = Σ e_k (as e_k·(1/S));
 * - log-softmax: d_k - L, L = log1p(r) ($log1p2: within 2^-50 of Math.log1p), r = Σ_{d_k < 0} e_k + (maxima - 1), so
 *   that a tiny r keeps its digits;
 * - log-sum-exp: m + L (one float32 per row at y + 4·row).
 * Every softmax and log-softmax result that is not flagged carries a relative error under 2^-45.5 (a term e_k: 2^-53·|d_k|
 * ≤ 2^-46.4 while |d_k| ≤ 87, and a term further down only shows in results under 2^-125, flagged or rounded to 0; then a
 * few more roundings) and is rounded to float32 where its low 29 bits put it more than 512 float64 ulps (> 2^-44 of it)
 * from a float32 rounding boundary; log-sum-exp's error is under 2^-42.1 of y (rows with 16·|m + L| < L are flagged: L's
 * error, 2^-46.2 of L, is then at most 2^-42.2 of y), its window 4096 ulps (> 2^-41). The exact value then rounds the
 * same way, so the results are correctly rounded, the JavaScript kernel's bits. Rows are flagged (fl + 4·row ≠ 0: left
 * to the JavaScript kernel) where a result is nearer a boundary than that (about 2^-19 of random rows per result), where
 * a result could be a float32 subnormal (softmax: a probability in [2^-151, 2^-125), below which it rounds to +0 for
 * sure; log-softmax: L < 2^-125, where -L is tiny or the JS kernel's terms below e^-709 would show; log-sum-exp:
 * |y| < 2^-125), where log-sum-exp cancels, and where the row holds a NaN, a +Infinity or nothing but -Infinity.
 */
function rowsExactFunc(cols) {
  const c = MINIMAX11;
  const deg = c.length - 1;
  const H = [0, 1];
  const K = Array.from({ length: cols }, (_, k) => k);
  const each = (f) => K.flatMap((k) => H.map((h) => f(k, h))).join("\n      ");
  const halves = (f) => H.map((h) => f(h)).join("\n      ");
  // e_k = e^{d_k} per column, both halves (rows 0-1 and 2-3) interleaved: expV's general loop without the TwoSum
  // correction; t, q, r are per-half temporaries
  const expCol = (k) => {
    const out = [
      ...H.map((h) => set(`r${h}`, `(f64x2.pmax ${get(`d${k}${h}`)} ${splat(CLAMP)})`)),
      ...H.map((h) => set(`t${h}`, madd("f64x2", get(`r${h}`), splat(INV_LN2), splat(SHIFT)))),
      ...H.map((h) => set(`q${h}`, `(f64x2.sub ${get(`t${h}`)} ${splat(SHIFT)})`)),
      ...H.map((h) => set(`r${h}`, nmadd("f64x2", get(`q${h}`), splat(LN2_HI), get(`r${h}`)))),
      ...H.map((h) => set(`r${h}`, nmadd("f64x2", get(`q${h}`), splat(LN2_LO), get(`r${h}`)))),
      ...H.map((h) => set(`q${h}`, madd("f64x2", get(`r${h}`), splat(c[deg]), splat(c[deg - 1])))),
    ];
    for (let i = deg - 2; i >= 0; i--) out.push(...H.map((h) => set(`q${h}`, madd("f64x2", get(`q${h}`), get(`r${h}`), splat(c[i])))));
    out.push(...H.map((h) => set(`e${k}${h}`, `(f64x2.mul ${get(`q${h}`)} (i64x2.shl ${get(`t${h}`)} (i32.const 52)))`)));
    return out.join("\n      ");
  };
  // the low 32 bits of the four rows' float64 results (two vectors) as i32x4; 0 after this where a lane lies within W
  // float64 ulps of a float32 rounding boundary (the low 29 bits within W of 2^28). W: 512 for softmax and log-softmax;
  // 4096 for log-sum-exp, whose cancellation rule allows 16× L's error
  const near = (v0, v1, W) => {
    const add = 2 ** 28 + W;
    const mask = (2 ** 29 - 1) & ~(2 * W - 1);
    return `(v128.and (i32x4.add (i8x16.shuffle ${lanes32(0, 2, 4, 6)} ${v0} ${v1}) ${constant(`i32x4 ${add} ${add} ${add} ${add}`)}) ${constant(`i32x4 ${mask} ${mask} ${mask} ${mask}`)})`;
  };
  const isNear = (v0, v1, W = 512) => `(i32x4.eq ${near(v0, v1, W)} (v128.const i64x2 0 0))`;
  const narrow = (m0, m1) => `(i8x16.shuffle ${lanes32(0, 2, 4, 6)} ${m0} ${m1})`;
  const f32of = (v0, v1) => `(i8x16.shuffle ${LOWS} (f32x4.demote_f64x2_zero ${v0}) (f32x4.demote_f64x2_zero ${v1}))`;
  const orAll = (xs) => xs.reduce((a, b) => `(v128.or ${a} ${b})`);
  const sum = (xs) => xs.reduce((a, b) => `(f64x2.add ${a} ${b})`);
  // per column k: the results y_k (two halves) checked, rounded into O_k, then stored as rows
  const finish = (tiny) => `
          (local.set $f (v128.or ${get("f")} ${orAll([...K.map((k) => isNear(get(`y${k}0`), get(`y${k}1`))), narrow(tiny(0), tiny(1))])}))
          ${K.map((k) => set(`O${k}`, f32of(get(`y${k}0`), get(`y${k}1`)))).join("\n          ")}
          ${storeColumns(cols, "(local.get $yp)")}`;
  const cols64 = K.flatMap((k) => H.map((h) => `(local $a${k}${h} v128) (local $d${k}${h} v128) (local $e${k}${h} v128) (local $y${k}${h} v128)`)).join(" ");
  return `
  (func $rows_exact${cols} (param $x i32) (param $y i32) (param $fl i32) (param $rows i32) (param $kind i32) (result i32)
    (local $p i32) (local $end i32) (local $yp i32) (local $fp i32) (local $specials i32) (local $f v128)
    (local $C0 v128) (local $C1 v128) (local $C2 v128) (local $C3 v128) (local $O0 v128) (local $O1 v128) (local $O2 v128) (local $O3 v128)
    (local $T0 v128) (local $T1 v128) (local $T2 v128) (local $T3 v128) (local $m0 v128) (local $m1 v128) (local $t0 v128) (local $t1 v128)
    (local $q0 v128) (local $q1 v128) (local $r0 v128) (local $r1 v128) (local $s0 v128) (local $s1 v128) (local $L0 v128) (local $L1 v128)
    ${cols64} @@DECL@@
    @@INIT@@
    (local.set $p (local.get $x))
    (local.set $yp (local.get $y))
    (local.set $fp (local.get $fl))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (i32.const ${4 * cols}))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      ${loadColumns(cols, "(local.get $p)")}
      ;; special rows: a NaN, or a maximum of ±Infinity (+Infinity inside, or nothing but -Infinity)
      (local.set $f (v128.or ${orAll(K.map((k) => `(f32x4.ne ${get(`C${k}`)} ${get(`C${k}`)})`))}
        (f32x4.eq (f32x4.abs ${K.map((k) => get(`C${k}`)).reduce((a, b) => `(f32x4.pmax ${a} ${b})`)}) (v128.const f32x4 inf inf inf inf))))
      ${K.map((k) => `${set(`a${k}0`, `(f64x2.promote_low_f32x4 ${get(`C${k}`)})`)}\n      ${set(`a${k}1`, `(f64x2.promote_low_f32x4 (i8x16.shuffle ${HIGH} ${get(`C${k}`)} ${get(`C${k}`)}))`)}`).join("\n      ")}
      ${halves((h) =>
        set(
          `m${h}`,
          K.map((k) => get(`a${k}${h}`)).reduce((a, b) => `(f64x2.pmax ${a} ${b})`),
        ),
      )}
      ${each((k, h) => set(`d${k}${h}`, `(f64x2.sub ${get(`a${k}${h}`)} ${get(`m${h}`)})`))}
      ${K.map(expCol).join("\n      ")}
      (if (i32.eqz (local.get $kind))
        (then
          ;; softmax: e_k·(1/S) (the maxima: 1/S)
          ${halves((h) => set(`s${h}`, `(f64x2.div ${splat(1)} ${sum(K.map((k) => get(`e${k}${h}`)))})`))}
          ${each((k, h) => set(`y${k}${h}`, `(f64x2.mul ${get(`e${k}${h}`)} ${get(`s${h}`)})`))}
          ${finish((h) => orAll(K.map((k) => `(v128.and (f64x2.ge ${get(`y${k}${h}`)} ${splat(2 ** -151)}) (f64x2.lt ${get(`y${k}${h}`)} ${splat(2 ** -125)}))`)))})
        (else
          ;; r = Σ_{d < 0} e + (maxima - 1), L = log1p(r)
          ${halves((h) => set(`r${h}`, `(f64x2.add ${sum(K.map((k) => `(v128.and ${get(`e${k}${h}`)} (f64x2.lt ${get(`d${k}${h}`)} ${splat(0)}))`))} (f64x2.sub ${sum(K.map((k) => `(v128.and ${splat(1)} (f64x2.eq ${get(`d${k}${h}`)} ${splat(0)}))`))} ${splat(1)}))`))}
          (call $log1p2 ${get("r0")} ${get("r1")}) (local.set $L1) (local.set $L0)
          (if (i32.eq (local.get $kind) (i32.const 1))
            (then
              ;; log-softmax: d_k - L
              ${each((k, h) => set(`y${k}${h}`, `(f64x2.sub ${get(`d${k}${h}`)} ${get(`L${h}`)})`))}
              ${finish((h) => `(f64x2.lt ${get(`L${h}`)} ${splat(2 ** -125)})`)})
            (else
              ;; log-sum-exp: m + L, flagged where it cancels (16·|y| < L) or could be subnormal
              ${halves((h) => set(`y0${h}`, `(f64x2.add ${get(`m${h}`)} ${get(`L${h}`)})`))}
              (local.set $f (v128.or ${get("f")} (v128.or ${isNear(get("y00"), get("y01"), 4096)} ${narrow(
                ...H.map(
                  (h) =>
                    `(v128.or (f64x2.lt (f64x2.mul (f64x2.abs ${get(`y0${h}`)}) ${splat(16)}) ${get(`L${h}`)}) (f64x2.lt (f64x2.abs ${get(`y0${h}`)}) ${splat(2 ** -125)}))`,
                ),
              )})))
              (v128.store (local.get $yp) ${f32of(get("y00"), get("y01"))})))))
      (v128.store (local.get $fp) ${get("f")})
      (local.set $specials (i32.add (local.get $specials) (i32.popcnt (i32x4.bitmask ${get("f")}))))
      (local.set $p (i32.add (local.get $p) (i32.const ${16 * cols})))
      (local.set $yp (i32.add (local.get $yp) (select (i32.const 16) (i32.const ${16 * cols}) (i32.eq (local.get $kind) (i32.const 2)))))
      (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
      (br $next)))
    (local.get $specials))`;
}

/** rows_exact(x, y, fl, rows, n, kind): {@link rowsExactFunc} for n = 2, 3, 4 (other n: nothing done, returns -1). */
const ROWS_EXACT = `
  (func (export "rows_exact") (param $x i32) (param $y i32) (param $fl i32) (param $rows i32) (param $n i32) (param $kind i32) (result i32)
    ${[2, 3, 4].map((c) => `(if (i32.eq (local.get $n) (i32.const ${c})) (then (return (call $rows_exact${c} (local.get $x) (local.get $y) (local.get $fl) (local.get $rows) (local.get $kind)))))`).join("\n    ")}
    (i32.const -1))`;

function withConstants(text) {
  const { decl, init } = constantLocals();
  return text.replace("@@DECL@@", decl).replace("@@INIT@@", init);
}

/**
 * The WAT text of the module. `shared`: import a shared memory (for worker threads) instead of a private one.
 * `relaxedSimd`: the relaxed-SIMD variant (fused multiply-adds where the engine has them, see `madd` above).
 */
export function generateWat(shared = false, relaxedSimd = false) {
  relaxed.on = relaxedSimd;
  V = relaxedSimd ? 4 : 8; // f64x2 vectors per iteration (exact mode): 4 measured faster on relaxed SIMD, 8 on SIMD128
  const memory = shared ? '(import "env" "memory" (memory 1 65536 shared))' : '(import "env" "memory" (memory 1))';
  return `;; Generated by scripts/wasm-kernels.mjs: do not edit by hand.
(module
  ${memory}
  ${ROWMAX}
  ${TRANSPOSE}
  ${expDirectFunc()}
  ${withConstants(softmaxFunc(true))}
  ${withConstants(softmaxFastFunc())}
  ${withConstants(statsFunc(true))}
  ${withConstants(statsLseFunc())}
  ${withConstants(statsFastFunc())}
  ${withConstants(logSoftmaxFunc(true))}
  ${withConstants(logSoftmaxFastFunc())}
  ${withConstants(scaleFunc(true))}
  ${withConstants(scaleFunc(false))}
  ${withConstants(colsFastFunc())}
  ${withConstants(colsFastFunc(true))}
  ${LOGSOFTMAX_COLS}
  ${withConstants(log1pFunc())}
  ${[2, 3, 4].map((c) => withConstants(rowsExactFunc(c))).join("\n  ")}
  ${ROWS_EXACT}
  ${withConstants(rowsFastFunc("softmax"))}
  ${withConstants(rowsFastFunc("logsoftmax"))}
  ${withConstants(rowsFastFunc("logsumexp"))}
  ${[2, 3, 4].flatMap((c) => ["softmax", "logsoftmax", "logsumexp"].map((kind) => withConstants(rowsFastFunc(kind, c)))).join("\n  ")}
  ${withConstants(colsExactFunc(true))}
  ${withConstants(colsExactFunc(false))}
  ${withConstants(logSoftmaxColsExactFunc())}
)
`;
}

/** A tiny module using f32x4.relaxed_madd: it validates where the engine accepts relaxed SIMD (feature detection). */
export const RELAXED_PROBE_WAT = `(module (func (param v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 0) (local.get 0))))`;
