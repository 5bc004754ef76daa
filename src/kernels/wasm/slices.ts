/**
 * Drives the WASM kernels over every slice of a float32 tensor along one axis.
 * Compute only: the caller validated everything.
 *
 * Last-axis rows are processed in chunks of whole rows (about 128 KiB of
 * input, so a chunk stays in cache between the copy in, the kernel's passes
 * and the copy out), each copied with one `set`; short rows ({@link rowsAcross})
 * four at a time ({@link acrossRows}). Along another axis, each
 * block of n × inner floats is copied with one `set` and transposed inside
 * WASM (4 × 4 SIMD tiles), a cache-sized strip of columns at a time, so that
 * its slices become rows ({@link runBlocks}), except for short slices ({@link runsAcross}: fast 2 ≤ n < 32, exact
 * 2 ≤ n ≤ 48), which the kernels run across in place (four slices per vector; exact: two per f64x2 vector);
 * the thread pool gathers them with {@link copyIn} instead. Masked entries
 * are copied in as -Infinity, which every kernel treats as "not counted".
 *
 * Rows whose maximum is NaN or ±Infinity (NaN inside, +Infinity, nothing
 * counted) are flagged by the kernel and left to the JavaScript kernel: the
 * returned flags say which slices were computed here.
 */
import type { Layout } from "../../tensor/layout.js";
import { ensureMemory, type WasmInstance } from "./runtime.js";

/** Softmax, log-softmax, log-sum-exp. */
export type WasmOp = 0 | 1 | 2;
export const OP_SOFTMAX = 0;
export const OP_LOG_SOFTMAX = 1;
export const OP_LOG_SUM_EXP = 2;

/** Whether the kernels may run across short slices (off: transposes, and rows one at a time; for timing scripts and tests). */
export const acrossSlices = { on: true };

/** Whether slices of length n run through the across-slices kernels ({@link kernelCols}) rather than as rows. */
export function runsAcross(exact: boolean, n: number): boolean {
  return acrossSlices.on && (exact ? n >= 2 && n <= EXACT_ACROSS_MAX : n >= 2 && n < 32);
}

/**
 * Whether last-axis rows of length n run four per vector ({@link acrossRows}) rather than one at a time: fast mode for
 * n < 16, log-sum-exp n ≤ 24 (its own kernels, measured against the row kernels: README, "Dispatch rules"), exact mode
 * where {@link runsAcross} says so.
 */
export function rowsAcross(exact: boolean, n: number, op: WasmOp = OP_SOFTMAX): boolean {
  return exact ? runsAcross(true, n) : acrossSlices.on && n < (op === OP_LOG_SUM_EXP ? FAST_ROWS_LSE_END : FAST_ROWS_END);
}

/** Fast rows shorter than this run four per vector; log-sum-exp's (no JavaScript log1p per row then) up to 24. */
export const FAST_ROWS_END = 16;
export const FAST_ROWS_LSE_END = 25;

/** The longest slices the exact kernels run across (README, "Dispatch rules": measured against the transposes). */
const EXACT_ACROSS_MAX = 48;

/**
 * Columns run by the across-slices kernels ({@link kernelCols}) since the module loaded, per mode (slices, and the pads
 * that round a strip up to a multiple of 4): lets tests check which route ran (both routes give the same bits in exact
 * mode).
 */
export const acrossCount = { exact: 0, fast: 0 };

/**
 * Bytes of accumulators at `a` that {@link kernelCols} needs for c slices of length n: 16·c (fast; exact log-softmax's m
 * and L), and for exact softmax also the float64 terms of one block of up to 16 slices, 128·n.
 */
export function colsScratch(op: WasmOp, exact: boolean, n: number, c: number): number {
  return exact && op === OP_SOFTMAX ? Math.max(16 * c, 128 * n) : 16 * c;
}

/** Floats of input per chunk. */
const CHUNK = 32768;

export function copyIn(w: WasmInstance, x: Float32Array, layout: Layout, s0: number, rows: number, at: number, mask: Uint8Array | null): void {
  const { n, inner } = layout;
  const f32 = w.f32;
  if (inner === 1) {
    const src = s0 * n;
    if (mask === null) {
      f32.set(x.subarray(src, src + rows * n), at);
      return;
    }
    const len = rows * n;
    for (let i = 0; i < len; i++) f32[at + i] = mask[src + i] === 0 ? Number.NEGATIVE_INFINITY : (x[src + i] as number);
    return;
  }
  // Slice s = o·inner + j starts at o·n·inner + j and steps by inner; read along j (contiguous) for each k.
  for (let r = 0; r < rows; ) {
    const s = s0 + r;
    const o = Math.floor(s / inner);
    const j0 = s - o * inner;
    const run = Math.min(rows - r, inner - j0);
    const base = o * n * inner + j0;
    for (let k = 0; k < n; k++) {
      const src = base + k * inner;
      let dst = at + r * n + k;
      for (let j = 0; j < run; j++, dst += n) {
        f32[dst] = mask !== null && mask[src + j] === 0 ? Number.NEGATIVE_INFINITY : (x[src + j] as number);
      }
    }
    r += run;
  }
}

export function copyOut(w: WasmInstance, y: Float32Array | Float64Array, layout: Layout, s0: number, rows: number, at: number): void {
  const { n, inner } = layout;
  const f32 = w.f32;
  if (inner === 1) {
    y.set(f32.subarray(at, at + rows * n), s0 * n);
    return;
  }
  for (let r = 0; r < rows; ) {
    const s = s0 + r;
    const o = Math.floor(s / inner);
    const j0 = s - o * inner;
    const run = Math.min(rows - r, inner - j0);
    const base = o * n * inner + j0;
    for (let k = 0; k < n; k++) {
      const dst = base + k * inner;
      let src = at + r * n + k;
      for (let j = 0; j < run; j++, src += n) y[dst + j] = f32[src] as number;
    }
    r += run;
  }
}

/**
 * Runs `op` on the slices [first, first + count) of `x` (layout) into `y`
 * (same layout for softmax/log-softmax; one value per slice for log-sum-exp).
 * Sets done[s] = 1 for each slice computed, 0 for each left to the JS kernel. Returns false, having done nothing,
 * when the WASM memory cannot grow to the size the call needs (runtime.ts, ensureMemory).
 */
export function runSlices(
  w: WasmInstance,
  op: WasmOp,
  exact: boolean,
  x: Float32Array,
  y: Float32Array | Float64Array,
  layout: Layout,
  mask: Uint8Array | null,
  first: number,
  count: number,
  done: Uint8Array,
): boolean {
  if (layout.inner > 1 && first === 0 && count === layout.outer * layout.inner) {
    return runBlocks(w, op, exact, x, y, layout, mask, done);
  }
  const n = layout.n;
  if (layout.inner === 1 && rowsAcross(exact, n, op)) return acrossRows(w, op, exact, x, y, layout, mask, first, count, done);
  const chunkRows = Math.max(1, Math.min(count, Math.floor(CHUNK / n)));
  const st = 0;
  const s = (chunkRows * 32 + 15) & ~15;
  const xb = op === OP_SOFTMAX ? s + ((n * 8 + 15) & ~15) : s;
  if (!ensureMemory(w, xb + chunkRows * n * 4)) return false;
  const at = xb >> 2;
  for (let s0 = first; s0 < first + count; s0 += chunkRows) {
    const rows = Math.min(chunkRows, first + count - s0);
    copyIn(w, x, layout, s0, rows, at, mask);
    settle(w, op, kernelRows(w, op, exact, xb, xb, s, st, rows, n), y, done, s0, rows, st, exact);
    if (op !== OP_LOG_SUM_EXP) copyOut(w, y, layout, s0, rows, at);
  }
  return true;
}

/** Rows run by {@link kernelRowsAcross} since the module loaded: lets tests check the route (as {@link acrossCount}). */
export const rowsAcrossCount = { fast: 0 };

/**
 * Exact rows of 2, 3 and 4 through `rows_exact` (four rows per iteration, no transposes; a row whose results it cannot
 * round for sure is left to the JavaScript kernel): `on` false sends them through the across-slices kernels instead
 * (tests, timing scripts); `rows` counts the rows it ran, `flagged` those it left to JavaScript.
 */
export const rowsExact = { on: true, rows: 0, flagged: 0 };

/**
 * Whether rows of n (last axis) run `rows_exact`: exact n = 2 to 4, and fast log-sum-exp of rows of 2 and 3 (the exact
 * kernel measured faster there than the fast four-row kernel: 65536 rows, relaxed SIMD, n = 2 0.98 → 0.74 ms, n = 3
 * 1.15-1.20 → 0.99-1.04 ms; SIMD128 n = 2 1.14 → 0.97 ms, n = 3 even; n = 4 left to the fast kernel).
 */
export function runsRowsExact(exact: boolean, op: WasmOp, n: number): boolean {
  return rowsExact.on && (exact ? n >= 2 && n <= 4 : op === OP_LOG_SUM_EXP && (n === 2 || n === 3));
}

/** Floats of input per chunk of short rows run across ({@link acrossRows}). */
const ACROSS_CHUNK = 8192;

/**
 * Short rows along the last axis ({@link runsAcross}), four per vector, in chunks of R rows (R a multiple of 4) copied
 * in with one `set`: where the row kernels spend their time on each row's setup, maximum and partial vector. Fast mode
 * runs the rows kernels ({@link kernelRowsAcross}: lanes gathered from four consecutive rows), the last count mod 4 rows
 * through the row kernels; exact mode transposes the chunk inside WASM (4 × 4 tiles) so that its rows become the
 * columns of an n × R strip for {@link kernelCols}, and back, a last chunk of rows not a multiple of 4 padded with rows
 * of zeros (finite: never flagged), computed and ignored. Exact rows of 2 to 4, and fast log-sum-exp of rows of 2 and 3, run
 * `rows_exact` instead ({@link runsRowsExact}: four rows per iteration, no transposes; the rows it flags go to the
 * JavaScript kernel).
 */
function acrossRows(
  w: WasmInstance,
  op: WasmOp,
  exact: boolean,
  x: Float32Array,
  y: Float32Array | Float64Array,
  layout: Layout,
  mask: Uint8Array | null,
  first: number,
  count: number,
  done: Uint8Array,
): boolean {
  const n = layout.n;
  const R = Math.max(4, Math.min((count + 3) & ~3, Math.floor(ACROSS_CHUNK / n / 4) * 4));
  const st = 0;
  const xb = R * 32;
  const tb = xb + R * n * 4;
  const ab = tb + R * n * 4;
  // fast: float64 scratch of one row for the row kernels at tb, float32 log-sum-exp results at ob
  const ob = tb + ((n * 8 + 15) & ~15);
  if (!ensureMemory(w, exact ? ab + colsScratch(op, exact, n, R) : ob + R * 4)) return false;
  const k = w.k;
  const at = xb >> 2;
  const viaRowsExact = runsRowsExact(exact, op, n);
  for (let s0 = first; s0 < first + count; s0 += R) {
    const rows = Math.min(R, first + count - s0);
    copyIn(w, x, layout, s0, rows, at, mask);
    // the kernels of whole groups of four rows: a last chunk padded with rows of zeros
    const c = (rows + 3) & ~3;
    if ((exact || viaRowsExact) && c !== rows) w.f32.fill(0, at + rows * n, at + c * n);
    if (viaRowsExact) {
      // rows of 2 to 4: results in place (log-sum-exp: one float32 per row at tb), flags (i32 per row) at st. Fast
      // log-sum-exp of rows of 2 and 3 takes this exact kernel too (runsRowsExact: the fast four-row kernel pays
      // $log1p2 as well and leaves its cancelling rows to JavaScript)
      const flagged = k.rows_exact(xb, op === OP_LOG_SUM_EXP ? tb : xb, st, c, n, op);
      rowsExact.rows += rows;
      done.fill(1, s0, s0 + rows);
      if (op === OP_LOG_SUM_EXP) y.set(w.f32.subarray(tb >> 2, (tb >> 2) + rows), s0);
      if (flagged > 0) {
        const fl = new Int32Array(w.f32.buffer, st, rows);
        for (let r = 0; r < rows; r++) if (fl[r] !== 0) done[s0 + r] = 0;
        rowsExact.flagged += flagged;
      }
    } else if (exact) {
      k.transpose(xb, tb, c, n, n, c);
      const specials = kernelCols(w, op, exact, tb, n, c, c * 4, st, ab);
      if (op !== OP_LOG_SUM_EXP) k.transpose(tb, xb, n, rows, c, n);
      settle(w, op, specials, y, done, s0, rows, st, exact);
    } else {
      // the last rows mod 4 (of the last chunk) one at a time, as the arena does (arena.ts: the same bits)
      const r4 = rows & ~3;
      if (r4 > 0) settleAcross(w, op, kernelRowsAcross(w, op, xb, op === OP_LOG_SUM_EXP ? ob : xb, st, r4, n), y, done, s0, r4, st, ob, xb, n);
      const t = xb + r4 * n * 4;
      if (r4 < rows) settle(w, op, kernelRows(w, op, exact, t, t, tb, st + r4 * 32, rows - r4, n), y, done, s0 + r4, rows - r4, st + r4 * 32);
    }
    if (op !== OP_LOG_SUM_EXP) copyOut(w, y, layout, s0, rows, at);
  }
  return true;
}

/**
 * The fast kernels on `rows` (a multiple of 4) short rows of n floats at byte offset x, four rows per vector, fused (no
 * JavaScript between their passes: log1p in WASM); results at y (may be x; softmax overwrites x with its terms;
 * log-sum-exp: one float32 per row); st: row stats. Returns the flagged rows; {@link settleAcross} reads the results.
 */
export function kernelRowsAcross(w: WasmInstance, op: WasmOp, x: number, y: number, st: number, rows: number, n: number): number {
  const k = w.k;
  rowsAcrossCount.fast += rows;
  if (op === OP_SOFTMAX) return k.softmax_rows_fast(x, y, st, rows, n);
  if (op === OP_LOG_SOFTMAX) return k.logsoftmax_rows_fast(x, y, st, rows, n);
  return k.logsumexp_rows_fast(x, y, st, rows, n);
}

/**
 * After {@link kernelRowsAcross} on `count` rows of n floats at byte offset x with stats at byte offset st: done[d0 + j]
 * = 1 for each row computed, 0 for each flagged one (left to the JS kernel); for log-sum-exp, y[d0 + j] = the float32
 * result at byte offset yb. Log-sum-exp's rows flagged for cancellation (finite maximum, see {@link settle}) are run
 * again here by the exact row kernel (its bits are the JS kernel's): cheaper than the JS kernel on 1.4% of rows of 2.
 */
export function settleAcross(
  w: WasmInstance,
  op: WasmOp,
  flagged: number,
  y: Float32Array | Float64Array,
  done: Uint8Array,
  d0: number,
  count: number,
  st: number,
  yb: number,
  x: number,
  n: number,
): void {
  done.fill(1, d0, d0 + count);
  if (op === OP_LOG_SUM_EXP) y.set(w.f32.subarray(yb >> 2, (yb >> 2) + count), d0);
  if (flagged === 0) return;
  const f64 = w.f64;
  for (let j = 0, i = st >> 3; j < count; j++, i += 4) {
    if (f64[i + 3] === 0) continue;
    if (op === OP_LOG_SUM_EXP && Number.isFinite(f64[i] as number)) {
      w.k.stats_exact(x + j * n * 4, st + j * 32, 1, n);
      y[d0 + j] = (f64[i] as number) + Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
    } else done[d0 + j] = 0;
  }
}

/**
 * After a kernel on `count` slices whose stats start at byte offset st (default 0): done[d0 + j] = 1 for each slice
 * computed, 0 for each special one (left to the JS kernel); for log-sum-exp, y[d0 + j] = m + log1p(r) of each computed
 * slice (`exact`: the kernels were exact, no slice is left to JS for cancellation).
 */
export function settle(
  w: WasmInstance,
  op: WasmOp,
  specials: number,
  y: Float32Array | Float64Array,
  done: Uint8Array,
  d0: number,
  count: number,
  st = 0,
  exact = false,
): void {
  const f64 = w.f64.subarray(st >> 3);
  done.fill(1, d0, d0 + count);
  if (specials > 0) for (let j = 0; j < count; j++) if (f64[j * 4 + 3] !== 0) done[d0 + j] = 0;
  if (op !== OP_LOG_SUM_EXP) return;
  for (let j = 0; j < count; j++) {
    if (done[d0 + j] === 0) continue;
    const m = f64[j * 4] as number;
    const l = Math.log1p((f64[j * 4 + 1] as number) + (f64[j * 4 + 2] as number));
    const v = m + l;
    // Cancellation (m < 0, m + l ≪ l): the error of l is amplified by l/|m + l|; fast mode's terms carry float32 errors
    // (2^-24 each), so beyond an amplification of 2 (measured: 4.1 ulp for [-0.878, -0.780, -2.509], m + l = -0.046)
    // the slice goes to the JS kernel. Rare (1.4% of rows of 2, 0.2% of rows of 8 of 4·N(0,1) logits): the largest
    // logit negative and about -l. logsumexp_rows_fast flags the same rows. Exact mode would give the same bits either
    // way; callers that know it pass `exact` (runBlocks does not: it then redoes those few slices in JS).
    if (!exact && m < 0 && 2 * Math.abs(v) < l) done[d0 + j] = 0;
    else y[d0 + j] = v;
  }
}

/**
 * Exact log-sum-exp's rows through stats_lse_exact (off: stats_exact for every row; a seam for timing scripts and tests),
 * and the rows it left to stats_exact since the module loaded ({@link lseRows}).
 */
export const lseCheap = { on: true, fallbacks: 0 };

/**
 * A bound e on |y' - y| for exact log-sum-exp's rows through stats_lse_exact: y the exact value of a row of n floats, y'
 * = m + l in float64, l = Math.log1p(r) of the kernel's r. Its terms:
 * - S's relative error ε ≤ LSE_TERM_ERROR + γ_d, every term being added d ≤ n/2 + 64 times at most (n/(2V) iterations
 *   per lane, the iteration's tree, the tail's pairs and odd float, the two lanes; d·2^-53 < 0.01: γ_d ≤ 1.01·d·2^-53);
 *   clamped or subnormal terms (x below K·ln2 - 709, scales whose exponent field is 0 or 1) miss at most 2^-1021 each,
 *   n·2^-1020 of S ≥ 1 after the division by em ≥ 2^-0.5;
 * - log1p's argument r' = r + ρ with |ρ| ≤ ε·S: |log1p(r') - log1p(r)| ≤ |ρ|/min(S, S') ≤ ε/(1 - ε) ≤ 1.01·ε;
 * - Math.log1p (fdlibm: under 1 ulp, ≤ 2^-52·|l|), the sum m + l (2^-53·|y'|), and y' ± e in {@link lseRows} (2^-53
 *   each): 2^-51·(|l| + |y'|) covers them.
 */
export function lseErrorBound(n: number, l: number, v: number): number {
  // A bound on the relative error of S = 1 + r from stats_lse_exact, besides the sums' roundings: twice a term's (the
  // degree-8 polynomial's 2^-40.15 on a grid of 1001 points, taken as 2^-39; the Cody–Waite reduction and the Horner
  // steps' roundings, under 8·2^-53: the maxima's term em divides the others, so its error counts too), plus the division
  // by em and r = S - 1 (2·2^-53). scripts/wasm-kernels.mjs, statsLseFunc: change both together. Inside the function, so
  // that the workers' source (threads.ts: runTask and this function as text) carries it.
  const LSE_TERM_ERROR = 2 * (2 ** -39 + 8 * 2 ** -53) + 2 * 2 ** -53;
  return 1.01 * (LSE_TERM_ERROR + 1.01 * (n / 2 + 64) * 2 ** -53) + n * 2 ** -1020 + 2 ** -51 * (Math.abs(l) + Math.abs(v));
}

/**
 * {@link lseErrorBound} for one row of n floats split into T chunks of at most `chunk` floats, each through
 * stats_lse_exact (threads.ts, one long row), merged on the calling thread: S' = Σ_c (1 + r_c')·e^{m_c - M} (the first
 * chunk at M contributes r_c' alone), y' = M + l, l = Math.log1p(r'). `spread` is the largest |m_c - M| of a chunk whose
 * e^{m_c - M} is not 0 (< 746). Its terms, relative to S = Σ_c S_c·e^{m_c - M} ≥ 1:
 * - each chunk's S_c' has lseErrorBound's relative error with `chunk` for n (its clamped and subnormal terms: n·2^-1020
 *   of S in all), so their weighted sum does too;
 * - e^{m_c - M}: the difference of two float32 rounded (2^-53 relative, so |m_c - M|·2^-53 in the exponential) and
 *   Math.exp (fdlibm, under 1 ulp: 2^-52); 1 + r_c' and the product rounded (2·2^-53): (1.01·spread + 4)·2^-53 (a
 *   subnormal e^{m_c - M} or product: n_c·2^-1074 of S at most, inside the n·2^-1020 term);
 * - the T - 1 additions of non-negative terms: 2^-53 of S each;
 * - log1p, the sum M + l and y' ± e as in lseErrorBound (its 1.01 over the relative error covers the first two).
 */
export function lseMergedBound(n: number, chunk: number, T: number, spread: number, l: number, v: number): number {
  return lseErrorBound(chunk, l, v) + 1.02 * (1.01 * spread + 4 + T) * 2 ** -53 + n * 2 ** -1020;
}

/**
 * Exact log-sum-exp of `rows` rows of n floats at byte offset xb, stats at st: stats_lse_exact (no compensation, no
 * count of maxima, a degree-8 polynomial; measured 1.3-1.45x faster than stats_exact) gives y' = m + log1p(r) with the
 * a-priori bound e of {@link lseErrorBound} on |y' - y|. Where y' - 2e and y' + 2e round to the same float32 (rounding
 * is monotone, so every value between them does, y included), the row keeps its stats: settle computes the same y' and
 * rounds it. Elsewhere (y near a float32 rounding boundary, |y| tiny, a zero or subnormal result, K out of the direct
 * loop's range: r = NaN) stats_exact computes the row again, as on every other exact path. Returns the special rows.
 */
function lseRows(w: WasmInstance, xb: number, st: number, rows: number, n: number): number {
  const k = w.k;
  let specials = k.stats_lse_exact(xb, st, rows, n);
  const f64 = w.f64;
  for (let r = 0, i = st >> 3; r < rows; r++, i += 4) {
    if (f64[i + 3] !== 0) continue;
    const l = Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
    const v = (f64[i] as number) + l;
    // twice the bound: every rounding boundary then lies more than e from y, farther than the JS kernel's own float64
    // value (m + log1p of a compensated r: a few 2^-53 of |m| + |l| and of S) can be from y, so it rounds the same way
    const e = 2 * lseErrorBound(n, l, v);
    if (Math.fround(v - e) === Math.fround(v + e)) continue;
    lseCheap.fallbacks++;
    specials += k.stats_exact(xb + r * n * 4, st + r * 32, 1, n);
  }
  return specials;
}

/**
 * The kernels on `rows` rows of n floats at byte offset xb, results at yb (log-sum-exp: none, only the stats); s: float64
 * scratch, st: row stats. Returns the special rows.
 */
export function kernelRows(w: WasmInstance, op: WasmOp, exact: boolean, xb: number, yb: number, s: number, st: number, rows: number, n: number): number {
  const k = w.k;
  if (op === OP_SOFTMAX) return exact ? k.softmax_exact(xb, yb, s, st, rows, n, 0) : k.softmax_fast(xb, yb, s, st, rows, n, 0);
  if (op === OP_LOG_SUM_EXP && exact && lseCheap.on) return lseRows(w, xb, st, rows, n);
  const specials = exact ? k.stats_exact(xb, st, rows, n) : k.stats_fast(xb, st, rows, n);
  if (op === OP_LOG_SOFTMAX) {
    const f64 = w.f64;
    for (let r = 0, i = st >> 3; r < rows; r++, i += 4) f64[i + 1] = Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
    if (exact) k.logsoftmax_exact(xb, yb, st, rows, n);
    else k.logsoftmax_fast(xb, yb, st, rows, n);
  }
  return specials;
}

/**
 * The kernels across the c slices (columns; c a multiple of 4) of a strip at byte offset x, rows `pitch` bytes apart, in
 * place; st: slice stats (32·c bytes), a: {@link colsScratch} bytes of accumulators. Returns the special slices.
 */
export function kernelCols(w: WasmInstance, op: WasmOp, exact: boolean, x: number, n: number, c: number, pitch: number, st: number, a: number): number {
  const k = w.k;
  if (exact) acrossCount.exact += c;
  else acrossCount.fast += c;
  if (op === OP_SOFTMAX) return exact ? k.softmax_cols_exact(x, n, c, pitch, st, a) : k.softmax_cols_fast(x, n, c, pitch, st, a);
  const specials = exact ? k.stats_cols_exact(x, n, c, pitch, st, a) : k.stats_cols_fast(x, n, c, pitch, st, a);
  if (op === OP_LOG_SOFTMAX) {
    const f64 = w.f64;
    // m and L = log1p(r) of slice j at a + 8·j and a + 8·(c + j), for logsoftmax_cols_fast
    for (let j = 0, i = st >> 3, o = a >> 3; j < c; j++, i += 4) {
      f64[o + j] = f64[i] as number;
      f64[o + c + j] = Math.log1p((f64[i + 1] as number) + (f64[i + 2] as number));
    }
    if (exact) k.logsoftmax_cols_exact(x, n, c, pitch, a);
    else k.logsoftmax_cols_fast(x, n, c, pitch, a);
  }
  return specials;
}

/**
 * A non-last axis: each block of n × inner floats (one index of the outer axes) is copied in with one `set`; strips of
 * its columns (about CHUNK floats each, so that a strip stays in cache) are transposed in WASM (4 × 4 SIMD tiles) so
 * that their slices become rows, run through the row kernels, and transposed back into the block, which is copied out
 * with one `set`: the slices are never gathered element by element in JavaScript.
 */
function runBlocks(
  w: WasmInstance,
  op: WasmOp,
  exact: boolean,
  x: Float32Array,
  y: Float32Array | Float64Array,
  layout: Layout,
  mask: Uint8Array | null,
  done: Uint8Array,
): boolean {
  const { outer, n, inner } = layout;
  const block = n * inner;
  // Rows of wide blocks copied `pitch` floats apart: a pitch of a multiple of 256 bytes maps the rows a tile touches to the
  // same cache sets, which made the transposes up to 10× slower (measured: 1.37 vs 0.14 ns/element for inner = 16384);
  // for narrower blocks the row-by-row copies cost more than they save.
  // The fast kernels on short slices (4 ≤ n < 32) run across them (lanes hold 4 slices; accumulators at xb, 16·cols
  // bytes): the row kernel runs rows under 16 in scalar code, and this measured 1.08-3.2× faster there for softmax,
  // 1.06-3.1× for log-softmax and log-sum-exp; at n = 32 even, beyond slower (README, "Dispatch rules"). The exact ones
  // likewise (2 ≤ n ≤ EXACT_ACROSS_MAX), also where inner is not a multiple of 4: rows are then copied in padded to a
  // multiple of 4 floats, and the pads' columns computed and ignored.
  const across = runsAcross(exact, n) && (exact || inner % 4 === 0);
  const pad = across && inner % 4 !== 0;
  const pitch = pad ? (inner + 3) & ~3 : inner % 64 === 0 && inner >= 2048 ? inner + 4 : inner;
  const cols = Math.min(inner, Math.max(4, Math.floor(CHUNK / n / 4) * 4));
  const cols4 = (cols + 3) & ~3;
  const st = 0;
  const s = (cols4 * 32 + 15) & ~15;
  const xb = op === OP_SOFTMAX && exact && !across ? s + ((n * 8 + 15) & ~15) : s;
  const tb = xb + (((across ? colsScratch(op, exact, n, cols4) : cols * n * 4) + 15) & ~15);
  if (!ensureMemory(w, tb + n * pitch * 4)) return false;
  const k = w.k;
  const t0 = tb >> 2;
  for (let o = 0; o < outer; o++) {
    const base = o * block;
    const f32 = w.f32;
    if (mask === null && pitch === inner) {
      f32.set(x.subarray(base, base + block), t0);
    } else if (mask === null) {
      for (let r = 0; r < n; r++) f32.set(x.subarray(base + r * inner, base + (r + 1) * inner), t0 + r * pitch);
    } else {
      for (let r = 0; r < n; r++) {
        for (let i = base + r * inner, t = t0 + r * pitch, end = i + inner; i < end; i++, t++) {
          f32[t] = mask[i] === 0 ? Number.NEGATIVE_INFINITY : (x[i] as number);
        }
      }
    }
    if (pad) for (let r = 0; r < n; r++) f32.fill(0, t0 + r * pitch + inner, t0 + (r + 1) * pitch);
    for (let j0 = 0; j0 < inner; j0 += cols) {
      const c = Math.min(cols, inner - j0);
      if (!across) k.transpose(tb + j0 * 4, xb, n, c, pitch, n);
      const specials = across ? kernelCols(w, op, exact, tb + j0 * 4, n, (c + 3) & ~3, pitch * 4, st, xb) : kernelRows(w, op, exact, xb, xb, s, st, c, n);
      settle(w, op, specials, y, done, o * inner + j0, c);
      if (op !== OP_LOG_SUM_EXP && !across) k.transpose(xb, tb + j0 * 4, c, n, n, pitch);
    }
    if (op === OP_LOG_SUM_EXP) continue;
    const f = w.f32;
    if (pitch === inner) y.set(f.subarray(t0, t0 + block), base);
    else for (let r = 0; r < n; r++) y.set(f.subarray(t0 + r * pitch, t0 + r * pitch + inner), base + r * inner);
  }
  return true;
}
