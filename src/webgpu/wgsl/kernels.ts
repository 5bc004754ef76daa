/**
 * WGSL source generation for every kernel class. One function of a small
 * spec gives one shader; the pipeline cache keys on the spec, so a shader is
 * compiled once per device and spec, never per call.
 *
 * Classes (the planner in ../plan.ts picks one):
 * - `rows`: a group of T threads per row (R = WG/T rows per workgroup, so tiny
 *   rows share a workgroup); the row is loaded once into registers (V chunks of
 *   W floats per thread), then max, sum and the output are computed from them:
 *   one read and one write of global memory.
 * - `online`: one workgroup per row too long to hold: a first pass keeps a
 *   running (max, sum) per thread, rescaling the sum when the max grows; a
 *   second pass reads the row again and writes.
 * - `split1` / `split2`: for too few rows to fill the GPU, each row is cut in P
 *   parts; `split1` writes one (max key, max, sum, +Inf count) partial per part,
 *   `split2` merges the row's partials then scales its part (or writes logSumExp).
 * - `strided`: a non-last axis without transposing: one thread per slice, the
 *   slice read with stride `inner` (consecutive threads read consecutive
 *   addresses), online (max, sum) then a writing pass.
 *
 * Reductions use subgroup operations when the device has the `subgroups`
 * feature and a fixed subgroup size S (subgroupAdd / subgroupMax, or a
 * subgroupShuffleXor butterfly when a row group is narrower than a subgroup),
 * and a workgroup-memory tree otherwise.
 *
 * Every kernel reads its input through `ldx(chunk)` and writes through
 * `sty(chunk, value)`, generated from the spec's {@link IO}: float32 or float16
 * storage (halves packed two per u32, converted by integer code in math.ts,
 * computed in f32), the `where` mask (a masked entry loads as −Infinity, which
 * is exactly the library's policy: it does not count, gets 0 / −Infinity, and
 * a NaN or +Infinity under the mask is ignored), and the temperature mode
 * (`expS`, the scaled exponential, and the log-softmax output).
 */
import { MATH_WGSL } from "./math.js";

/** What a kernel computes. */
export type Op = "softmax" | "logSoftmax" | "logSumExp";

/** Chunk width: floats per load and store (vec4, vec2 or scalar). */
export type Width = 1 | 2 | 4;

/**
 * How a kernel reads, writes and scales (compile-time, part of the pipeline key):
 * - `xh` / `yh`: input / output stored as IEEE binary16, two per u32 (little-endian halves);
 * - `mask`: a byte mask (binding 4, one byte per element, nonzero = counts);
 * - `temp`: "one" (T = 1), "scaled" (T from the uniforms, as a float32 pair) or "zero" (the argmax limit);
 * - `report`: atomically record the smallest slice index with nothing counted (binding 5), for `onFullyMasked: "error"`.
 */
export interface IO {
  xh: boolean;
  yh: boolean;
  mask: boolean;
  temp: "one" | "scaled" | "zero";
  report: boolean;
}

/** The plain float32 variant. */
export const PLAIN_IO: IO = { xh: false, yh: false, mask: false, temp: "one", report: false };

/** Compile-time parameters of a kernel. `S` is the subgroup size, 0 for the workgroup-memory fallback. */
export type KernelSpec =
  | { kind: "rows"; op: Op; W: Width; T: number; V: number; WG: number; S: number; io: IO }
  | { kind: "online"; op: Op; W: Width; WG: number; S: number; io: IO }
  | { kind: "split1"; W: Width; WG: number; S: number; io: IO }
  | { kind: "split2"; op: Op; W: Width; WG: number; S: number; io: IO }
  | { kind: "strided"; op: Op; WG: number; io: IO }
  | { kind: "copy"; WG: number };

/** The uniform block every kernel reads (12 × 4 bytes). */
const PARAMS = /* wgsl */ `
struct Params {
  rows: u32,   // slices (rows, or columns for strided)
  c: u32,      // chunks of W floats per row (n for strided)
  inner: u32,  // stride of the reduced axis (strided only)
  nx: u32,     // workgroups along x of the dispatch grid
  parts: u32,  // P (split)
  partC: u32,  // chunks per part (split)
  ninf: f32,   // -Infinity, NaN and +Infinity as data: WGSL constants may not be infinite
  nan: f32,
  th: f32,     // the temperature T = th + tl (a float32 pair: T need not be a float32)
  tl: f32,
  none: f32,   // what a slice with nothing counted gives (onFullyMasked): 0 / -Infinity, or NaN
  pad: u32,
}
`;

/** One part's statistics, written by split1 and read by split2. */
const PART = /* wgsl */ `
struct Part { k: u32, m: f32, s: f32, c: f32 }
`;

/** The f32 type of a chunk. */
function vecOf(W: Width): string {
  return W === 1 ? "f32" : `vec${W}<f32>`;
}

/** The storage element of a chunk: f32 / vecW<f32>, or the u32 words holding W halves (W = 1: a whole word, halves picked by index). */
function storeType(half: boolean, W: Width, atomic: boolean): string {
  if (!half) return vecOf(W);
  if (W === 4) return "vec2<u32>";
  return atomic ? "atomic<u32>" : "u32";
}

const COMPS = ["x", "y", "z", "w"];

/**
 * Bindings (x read, y write, params; split kernels add the partials, masked kernels the mask,
 * reporting kernels the status word) and the chunk accessors `ldx(ci) -> E` and `sty(ci, v)`.
 * `Wy` is the output's chunk width (1 for logSumExp).
 */
function bindings(W: Width, Wy: Width, io: IO, split: boolean): string {
  const E = vecOf(W);
  const Ey = vecOf(Wy);
  let load: string;
  if (!io.xh) load = "var v = x[ci];";
  else if (W === 4) load = "let q = x[ci]; var v = vec4<f32>(h2f(q.x & 0xffffu), h2f(q.x >> 16u), h2f(q.y & 0xffffu), h2f(q.y >> 16u));";
  else if (W === 2) load = "let q = x[ci]; var v = vec2<f32>(h2f(q & 0xffffu), h2f(q >> 16u));";
  else load = "var v = h2f((x[ci >> 1u] >> ((ci & 1u) * 16u)) & 0xffffu);";
  let masked = "";
  if (io.mask) {
    masked =
      W === 1 ? "if (!mb(ci)) { v = p.ninf; }" : Array.from({ length: W }, (_, j) => `if (!mb(ci * ${W}u + ${j}u)) { v.${COMPS[j]} = p.ninf; }`).join(" ");
  }
  let store: string;
  if (!io.yh) store = "y[ci] = v;";
  else if (Wy === 4) store = "y[ci] = vec2<u32>(f2h(v.x) | (f2h(v.y) << 16u), f2h(v.z) | (f2h(v.w) << 16u));";
  else if (Wy === 2) store = "y[ci] = f2h(v.x) | (f2h(v.y) << 16u);";
  // Two invocations write the two halves of one word: each clears and sets only its own half, atomically.
  else store = "let sh = (ci & 1u) * 16u; atomicAnd(&y[ci >> 1u], ~(0xffffu << sh)); atomicOr(&y[ci >> 1u], f2h(v) << sh);";
  return `
@group(0) @binding(0) var<storage, read> x: array<${storeType(io.xh, W, false)}>;
@group(0) @binding(1) var<storage, read_write> y: array<${storeType(io.yh, Wy, Wy === 1)}>;
@group(0) @binding(2) var<uniform> p: Params;
${split ? "@group(0) @binding(3) var<storage, read_write> part: array<Part>;" : ""}
${io.mask ? "@group(0) @binding(4) var<storage, read> mk: array<u32>;\nfn mb(e: u32) -> bool { return ((mk[e >> 2u] >> ((e & 3u) * 8u)) & 0xffu) != 0u; }" : ""}
${io.report ? "@group(0) @binding(5) var<storage, read_write> st: array<atomic<u32>>;" : ""}
fn ldx(ci: u32) -> ${E} {
  ${load}
  ${masked}
  return v;
}
fn sty(ci: u32, v: ${Ey}) {
  ${store}
}
`;
}

/** Records the slice as having nothing counted (when the spec reports), if `cond` holds. */
function report(io: IO, cond: string, slice: string): string {
  return io.report ? `if (cls == CLS_NONE && ${cond}) { atomicMin(&st[0], ${slice}); }` : "";
}

/** The scaled exponential e^((a − b)/T) for finite a ≤ b, and the log-softmax output, per temperature mode. */
function tempCode(temp: IO["temp"]): string {
  if (temp === "one") {
    return `fn expS(a: f32, b: f32) -> f32 { return expDiff(a, b); }
fn logFin(v: f32, M: f32, L: f32) -> f32 {
  let d = v - M;
  // v - M below -FLT_MAX (a spread over 3.4e38) overflows: the exact result rounds to -Infinity too.
  if (!isFin(d)) { return p.ninf; }
  return (d - L) + twoSumErr(v, -M, d);
}
fn lseFin(M: f32, L: f32) -> f32 { return M + L; }
`;
  }
  if (temp === "zero") {
    return `// T = 0, the limit: e^((a - b)/T) is 1 at the maximum and 0 below it, so the sum counts the maxima.
// Equality from the bits (a float compare may flush subnormals to 0), with -0 equal to +0.
fn same(a: f32, b: f32) -> bool {
  let ba = bitcast<u32>(a);
  let bb = bitcast<u32>(b);
  return ba == bb || ((ba | bb) & 0x7fffffffu) == 0u;
}
fn expS(a: f32, b: f32) -> f32 { return select(0.0, 1.0, same(a, b)); }
fn logFin(v: f32, M: f32, L: f32) -> f32 { if (same(v, M)) { return negL(L); } return p.ninf; }
fn lseFin(M: f32, L: f32) -> f32 { return M; }
`;
  }
  return `// (d + e)/T as a pair (q, lo): q the float32 quotient, lo the rest (remainder by an exact product, T = th + tl).
fn sdiv(d: f32, e: f32) -> vec2<f32> {
  let q = d / p.th;
  let pr = p.th * q;
  var lo = (((d - pr) - twoProdErr(p.th, q, pr)) - p.tl * q + e) / p.th;
  if (!isFin(lo)) { lo = 0.0; }
  return vec2<f32>(q, lo);
}
fn expS(a: f32, b: f32) -> f32 {
  let d = a - b;
  if (!isFin(d)) { return 0.0; }
  let s = sdiv(d, twoSumErr(a, -b, d));
  return expR(s.x, s.y);
}
fn logFin(v: f32, M: f32, L: f32) -> f32 {
  let d = v - M;
  if (!isFin(d)) { return p.ninf; }
  let s = sdiv(d, twoSumErr(v, -M, d));
  if (!isFin(s.x)) { return p.ninf; }
  return (s.x - L) + s.y;
}
// M + T·L with T·L as an exact product plus T's low part, and the final sum's error kept (two-sum).
fn lseFin(M: f32, L: f32) -> f32 {
  let q = p.th * L;
  var qe = twoProdErr(p.th, L, q) + p.tl * L;
  if (!isFin(q)) { return M + q; }
  // Dekker's split overflows for T above ~8e34: the correction is then dropped (it is below q's rounding anyway).
  if (!isFin(qe)) { qe = 0.0; }
  let s = M + q;
  return s + (twoSumErr(M, q, s) + qe);
}
`;
}

/** A u32 max over the T consecutive invocations of a row group. */
function maxReducer(T: number, S: number, WG: number): string {
  if (T === 1) return "fn redMax(v: u32, lid: u32) -> u32 { return v; }\n";
  if (S > 0 && T <= S) {
    if (T === S) return "fn redMax(v: u32, lid: u32) -> u32 { return subgroupMax(v); }\n";
    let body = "fn redMax(v: u32, lid: u32) -> u32 {\n  var r = v;\n";
    for (let o = T / 2; o >= 1; o /= 2) body += `  r = max(r, subgroupShuffleXor(r, ${o}u));\n`;
    return `${body}  return r;\n}\n`;
  }
  if (S > 0) {
    const per = T / S;
    return `var<workgroup> shMax: array<u32, ${WG / S}>;
fn redMax(v: u32, lid: u32) -> u32 {
  var r = subgroupMax(v);
  if (lid % ${S}u == 0u) { shMax[lid / ${S}u] = r; }
  workgroupBarrier();
  let base = (lid / ${T}u) * ${per}u;
  r = shMax[base];
  for (var i = 1u; i < ${per}u; i++) { r = max(r, shMax[base + i]); }
  workgroupBarrier();
  return r;
}
`;
  }
  return `var<workgroup> shMax: array<u32, ${WG}>;
fn redMax(v: u32, lid: u32) -> u32 {
  shMax[lid] = v;
  workgroupBarrier();
  let base = (lid / ${T}u) * ${T}u;
  let l = lid - base;
  for (var o = ${T / 2}u; o > 0u; o = o >> 1u) {
    if (l < o) { shMax[lid] = max(shMax[lid], shMax[lid + o]); }
    workgroupBarrier();
  }
  let r = shMax[base];
  workgroupBarrier();
  return r;
}
`;
}

/**
 * A compensated sum over the T invocations of a row group: every combining step keeps the
 * rounding error (two-sum) in a second float, so the result is the float32 rounding of a sum
 * carried to about 48 bits. Each lane passes its own (hi, lo) pair.
 */
function addReducer(T: number, S: number, WG: number): string {
  const step = (h: string, l: string) => `{ let s2 = h + ${h}; l = l + ${l} + twoSumErr(h, ${h}, s2); h = s2; }`;
  let body = "fn redAdd(hi: f32, lo: f32, lid: u32) -> f32 {\n  var h = hi;\n  var l = lo;\n";
  if (T === 1) return `${body}  return h + l;\n}\n`;
  if (S > 0) {
    for (let o = Math.min(T, S) / 2; o >= 1; o /= 2) {
      body += `  { let oh = subgroupShuffleXor(h, ${o}u); let ol = subgroupShuffleXor(l, ${o}u); ${step("oh", "ol")} }\n`;
    }
    if (T <= S) return `${body}  return h + l;\n}\n`;
    const per = T / S;
    return `var<workgroup> shH: array<f32, ${WG / S}>;
var<workgroup> shL: array<f32, ${WG / S}>;
${body}  if (lid % ${S}u == 0u) { shH[lid / ${S}u] = h; shL[lid / ${S}u] = l; }
  workgroupBarrier();
  let base = (lid / ${T}u) * ${per}u;
  h = shH[base];
  l = shL[base];
  for (var i = 1u; i < ${per}u; i++) { let bh = shH[base + i]; let bl = shL[base + i]; ${step("bh", "bl")} }
  workgroupBarrier();
  return h + l;
}
`;
  }
  return `var<workgroup> shH: array<f32, ${WG}>;
var<workgroup> shL: array<f32, ${WG}>;
${body}  shH[lid] = h;
  shL[lid] = l;
  workgroupBarrier();
  let base = (lid / ${T}u) * ${T}u;
  let r = lid - base;
  for (var o = ${T / 2}u; o > 0u; o = o >> 1u) {
    if (r < o) { h = shH[lid]; l = shL[lid]; let bh = shH[lid + o]; let bl = shL[lid + o]; ${step("bh", "bl")} shH[lid] = h; shL[lid] = l; }
    workgroupBarrier();
  }
  h = shH[base];
  l = shL[base];
  workgroupBarrier();
  return h + l;
}
`;
}

function reducers(T: number, S: number, WG: number): string {
  return maxReducer(T, S, WG) + addReducer(T, S, WG);
}

/** Runs `body(v)` on every float of `q` (a vector or a scalar), unrolled. */
function eachComp(W: Width, q: string, body: (v: string) => string): string {
  if (W === 1) return `{ let v = ${q}; ${body("v")} }`;
  return COMPS.slice(0, W)
    .map((c) => `{ let v = ${q}.${c}; ${body("v")} }`)
    .join(" ");
}

/** `f(i)` for i = 0 … V−1, joined: the register loops are unrolled here so that no compiler is trusted to keep an indexed array in registers. */
function unroll(V: number, f: (i: number) => string): string {
  return Array.from({ length: V }, (_, i) => f(i)).join("\n  ");
}

/** Maps every float of `q` through `f(v)` into a value of the same type. */
function mapComp(W: Width, q: string, f: (v: string) => string): string {
  if (W === 1) return f(q);
  return `${vecOf(W)}(${Array.from({ length: W }, (_, j) => f(`${q}[${j}]`)).join(", ")})`;
}

/** The summand of element v: e^((v-M)/T) for a finite slice, 1 per +Inf for a +Inf slice, else 0. */
const TERM = /* wgsl */ `
fn term(v: f32, cls: u32, M: f32) -> f32 {
  if (cls == CLS_FINITE) { if (isFin(v)) { return expS(v, M); } return 0.0; }
  if (cls == CLS_PINF && isPinf(v)) { return 1.0; }
  return 0.0;
}
// log-softmax of element v given the class, max M and L = log(sum).
fn logOut(v: f32, cls: u32, M: f32, L: f32) -> f32 {
  if (cls == CLS_NAN) { return p.nan; }
  if (cls == CLS_NONE) { return p.none; }
  if (cls == CLS_FINITE) {
    if (!isFin(v)) { return p.ninf; }
    return logFin(v, M, L);
  }
  if (isPinf(v)) { return negL(L); }
  return p.ninf;
}
// -L, but +0 for L = 0 (one maximum), as the JS functions (0 - log 1); compilers may fold 0 - L into -L.
fn negL(L: f32) -> f32 { if (L == 0.0) { return 0.0; } return -L; }
fn softOut(t: f32, cls: u32, inv: f32) -> f32 {
  if (cls == CLS_NAN) { return p.nan; }
  if (cls == CLS_NONE) { return p.none; }
  return t * inv;
}
// log of the sum: for a finite slice S >= 1 (the max contributes 1); for +Inf, S counts the +Inf entries.
fn logOfSum(S: f32, cls: u32) -> f32 {
  if (cls == CLS_FINITE || cls == CLS_PINF) { return logPos(S); }
  return 0.0;
}
fn lseOut(cls: u32, M: f32, L: f32) -> f32 {
  if (cls == CLS_NAN) { return p.nan; }
  if (cls == CLS_PINF) { return -p.ninf; }
  if (cls == CLS_NONE) { return p.none; }
  return lseFin(M, L);
}
fn invOf(S: f32) -> f32 {
  if (S > 0.0) { return divAcc(1.0, S); }
  return 0.0;
}
// Online (max, sum) update with one element.
// Running max m, sum s + e of e^(x - m) (e: the compensation), +Inf count c, max key k.
struct Acc { m: f32, s: f32, e: f32, c: f32, k: u32 }
// (s, e) + t with the rounding error of s + t kept in e (two-sum).
fn cadd(a: vec2<f32>, t: f32) -> vec2<f32> {
  let r = a.x + t;
  return vec2<f32>(r, a.y + twoSumErr(a.x, t, r));
}
fn accAdd(a: ptr<function, Acc>, v: f32) {
  (*a).k = max((*a).k, keyOf(v));
  if (isFin(v)) {
    if ((*a).s == 0.0) { (*a).m = v; (*a).s = 1.0; }
    // compared by key: a float compare may flush subnormals (T = 0 needs the exact maximum)
    else if (keyOf(v) > keyOf((*a).m)) {
      let f = expS((*a).m, v);
      (*a).s = (*a).s * f;
      (*a).e = (*a).e * f;
      let r = cadd(vec2<f32>((*a).s, (*a).e), 1.0);
      (*a).s = r.x;
      (*a).e = r.y;
      (*a).m = v;
    } else {
      let r = cadd(vec2<f32>((*a).s, (*a).e), expS(v, (*a).m));
      (*a).s = r.x;
      (*a).e = r.y;
    }
  } else if (isPinf(v)) { (*a).c = (*a).c + 1.0; }
}
// The share (hi, lo) of the slice sum held by one accumulator, once the slice class and max are known.
fn accShare(a: Acc, cls: u32, M: f32) -> vec2<f32> {
  if (cls == CLS_FINITE) { if (a.s > 0.0) { let f = expS(a.m, M); return vec2<f32>(a.s * f, a.e * f); } return vec2<f32>(0.0); }
  if (cls == CLS_PINF) { return vec2<f32>(a.c, 0.0); }
  return vec2<f32>(0.0);
}
`;

const GRID = "let wg = wid.x + wid.y * p.nx;";
const ENTRY = (WG: number) => `@compute @workgroup_size(${WG})\nfn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {`;

function header(S: number): string {
  return S > 0 ? "enable subgroups;\ndiagnostic(off, subgroup_uniformity);\n" : "";
}

/** The per-element output statement for `op` in the writing pass (inside eachComp-style mapping). */
function outExpr(op: Op, v: string): string {
  return op === "softmax" ? `softOut(term(${v}, cls, M), cls, inv)` : `logOut(${v}, cls, M, L)`;
}

/** Statements computing `inv` or `L` once the sum S is known. */
function finish(op: Op): string {
  return op === "softmax" ? "let inv = invOf(S); let L = 0.0;" : "let inv = 0.0; let L = logOfSum(S, cls);";
}

/** The shared prelude of a kernel: extensions, math, uniforms, bindings and accessors, the temperature code, the per-element functions. */
function prelude(S: number, W: Width, op: Op | null, io: IO, split: boolean): string {
  const Wy: Width = op === "logSumExp" ? 1 : W;
  return `${header(S)}${MATH_WGSL}${PARAMS}${split ? PART : ""}${bindings(W, Wy, io, split)}${tempCode(io.temp)}${TERM}`;
}

function rowsKernel(s: Extract<KernelSpec, { kind: "rows" }>): string {
  const { op, W, T, V, WG, S, io } = s;
  const E = vecOf(W);
  const R = WG / T;
  const out = (i: number) => (op === "softmax" ? mapComp(W, `x${i}`, (v) => `softOut(${v}, cls, inv)`) : mapComp(W, `x${i}`, (v) => `logOut(${v}, cls, M, L)`));
  const store =
    op === "logSumExp"
      ? "if (live && l == 0u) { sty(row, lseOut(cls, M, L)); }"
      : unroll(V, (i) => `if (live && l + ${i * T}u < p.c) { sty(base + l + ${i * T}u, ${out(i)}); }`);
  const sumLoop =
    op === "softmax"
      ? unroll(V, (i) => `x${i} = ${mapComp(W, `x${i}`, (v) => `term(${v}, cls, M)`)}; ${eachComp(W, `x${i}`, (v) => `s = cadd(s, ${v});`)}`)
      : unroll(V, (i) => eachComp(W, `x${i}`, (v) => `s = cadd(s, term(${v}, cls, M));`));
  return `${prelude(S, W, op, io, false)}
${reducers(T, S, WG)}
${ENTRY(WG)}
  ${GRID}
  let g = lid / ${T}u;
  let l = lid % ${T}u;
  let row = wg * ${R}u + g;
  let live = row < p.rows;
  let base = row * p.c;
  var k = 0u;
  ${unroll(
    V,
    (i) => `var x${i} = ${E}(p.ninf);
  if (live && l + ${i * T}u < p.c) { x${i} = ldx(base + l + ${i * T}u); }`,
  )}
  ${unroll(V, (i) => eachComp(W, `x${i}`, (v) => `k = max(k, keyOf(${v}));`))}
  let K = redMax(k, lid);
  let cls = classOf(K);
  ${report(io, "live && l == 0u", "row")}
  let M = keyValue(K);
  var s = vec2<f32>(0.0);
  ${sumLoop}
  let S = redAdd(s.x, s.y, lid);
  ${finish(op)}
  ${store}
}
`;
}

function onlineKernel(s: Extract<KernelSpec, { kind: "online" }>): string {
  const { op, W, WG, S, io } = s;
  const write =
    op === "logSumExp"
      ? "if (lid == 0u) { sty(row, lseOut(cls, M, L)); }"
      : `for (var ci = lid; ci < p.c; ci += ${WG}u) { let q = ldx(base + ci); sty(base + ci, ${mapComp(W, "q", (v) => outExpr(op, v))}); }`;
  return `${prelude(S, W, op, io, false)}
${reducers(WG, S, WG)}
${ENTRY(WG)}
  ${GRID}
  let row = wg;
  if (row >= p.rows) { return; }
  let base = row * p.c;
  var a = Acc(0.0, 0.0, 0.0, 0.0, 0u);
  for (var ci = lid; ci < p.c; ci += ${WG}u) {
    let q = ldx(base + ci);
    ${eachComp(W, "q", (v) => `accAdd(&a, ${v});`)}
  }
  let K = redMax(a.k, lid);
  let cls = classOf(K);
  ${report(io, "lid == 0u", "row")}
  let M = keyValue(K);
  let sh = accShare(a, cls, M);
  let S = redAdd(sh.x, sh.y, lid);
  ${finish(op)}
  ${write}
}
`;
}

function split1Kernel(s: Extract<KernelSpec, { kind: "split1" }>): string {
  const { W, WG, S, io } = s;
  return `${prelude(S, W, null, { ...io, report: false }, true)}
${reducers(WG, S, WG)}
${ENTRY(WG)}
  ${GRID}
  if (wg >= p.rows * p.parts) { return; }
  let row = wg / p.parts;
  let q0 = (wg % p.parts) * p.partC;
  let q1 = min(q0 + p.partC, p.c);
  let base = row * p.c;
  var a = Acc(0.0, 0.0, 0.0, 0.0, 0u);
  for (var ci = q0 + lid; ci < q1; ci += ${WG}u) {
    let q = ldx(base + ci);
    ${eachComp(W, "q", (v) => `accAdd(&a, ${v});`)}
  }
  let K = redMax(a.k, lid);
  let cls = classOf(K);
  let M = keyValue(K);
  var sh = vec2<f32>(0.0);
  if (cls == CLS_FINITE) { sh = accShare(a, cls, M); }
  let Sp = redAdd(sh.x, sh.y, lid);
  let Cp = redAdd(a.c, 0.0, lid);
  // The part's finite max is M only for a finite part; otherwise Sp is 0 and m is unused.
  if (lid == 0u) { part[wg] = Part(K, M, Sp, Cp); }
}
`;
}

function split2Kernel(s: Extract<KernelSpec, { kind: "split2" }>): string {
  const { op, W, WG, S, io } = s;
  const lse = op === "logSumExp";
  const write = lse
    ? "if (lid == 0u) { sty(row, lseOut(cls, M, L)); }"
    : `for (var ci = q0 + lid; ci < q1; ci += ${WG}u) { let q = ldx(base + ci); sty(base + ci, ${mapComp(W, "q", (v) => outExpr(op, v))}); }`;
  return `${prelude(S, W, op, io, true)}
${reducers(WG, S, WG)}
${ENTRY(WG)}
  ${GRID}
  ${lse ? "if (wg >= p.rows) { return; }\n  let row = wg;" : "if (wg >= p.rows * p.parts) { return; }\n  let row = wg / p.parts;"}
  let first = row * p.parts;
  var k = 0u;
  for (var j = lid; j < p.parts; j += ${WG}u) { k = max(k, part[first + j].k); }
  let K = redMax(k, lid);
  let cls = classOf(K);
  ${report(io, lse ? "lid == 0u" : "lid == 0u && wg % p.parts == 0u", "row")}
  let M = keyValue(K);
  var sh = vec2<f32>(0.0);
  for (var j = lid; j < p.parts; j += ${WG}u) {
    let pt = part[first + j];
    if (cls == CLS_FINITE && pt.s > 0.0) { sh = cadd(sh, pt.s * expS(pt.m, M)); }
    if (cls == CLS_PINF) { sh = cadd(sh, pt.c); }
  }
  let S = redAdd(sh.x, sh.y, lid);
  ${finish(op)}
  ${lse ? "" : "let q0 = (wg % p.parts) * p.partC;\n  let q1 = min(q0 + p.partC, p.c);\n  let base = row * p.c;"}
  ${write}
}
`;
}

function stridedKernel(s: Extract<KernelSpec, { kind: "strided" }>): string {
  const { op, WG, io } = s;
  const write =
    op === "logSumExp"
      ? "sty(col, lseOut(cls, M, L));"
      : `for (var k2 = 0u; k2 < p.c; k2++) { let i = base + k2 * p.inner; sty(i, ${outExpr(op, "ldx(i)")}); }`;
  return `${prelude(0, 1, op, io, false)}
${ENTRY(WG)}
  ${GRID}
  let col = wg * ${WG}u + lid;
  if (col >= p.rows) { return; }
  let o = col / p.inner;
  let base = o * p.c * p.inner + (col - o * p.inner);
  var a = Acc(0.0, 0.0, 0.0, 0.0, 0u);
  for (var k2 = 0u; k2 < p.c; k2++) { accAdd(&a, ldx(base + k2 * p.inner)); }
  let cls = classOf(a.k);
  ${report(io, "true", "col")}
  let M = keyValue(a.k);
  let sh = accShare(a, cls, M);
  let S = sh.x + sh.y;
  ${finish(op)}
  ${write}
}
`;
}

/** A vec4 copy of the same bytes, the bandwidth yardstick of the benchmark. */
function copyKernel(s: Extract<KernelSpec, { kind: "copy" }>): string {
  return `${PARAMS}
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;
${ENTRY(s.WG)}
  ${GRID}
  let i = wg * ${s.WG}u + lid;
  if (i < p.c) { y[i] = x[i]; }
}
`;
}

/** The WGSL source of a kernel. */
export function kernelSource(spec: KernelSpec): string {
  switch (spec.kind) {
    case "rows":
      return rowsKernel(spec);
    case "online":
      return onlineKernel(spec);
    case "split1":
      return split1Kernel(spec);
    case "split2":
      return split2Kernel(spec);
    case "strided":
      return stridedKernel(spec);
    case "copy":
      return copyKernel(spec);
  }
}
