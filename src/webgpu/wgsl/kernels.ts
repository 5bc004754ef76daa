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
 */
import { MATH_WGSL } from "./math.js";

/** What a kernel computes. */
export type Op = "softmax" | "logSoftmax" | "logSumExp";

/** Compile-time parameters of a kernel. `S` is the subgroup size, 0 for the workgroup-memory fallback. */
export type KernelSpec =
  | { kind: "rows"; op: Op; W: 1 | 4; T: number; V: number; WG: number; S: number }
  | { kind: "online"; op: Op; W: 1 | 4; WG: number; S: number }
  | { kind: "split1"; W: 1 | 4; WG: number; S: number }
  | { kind: "split2"; op: Op; W: 1 | 4; WG: number; S: number }
  | { kind: "strided"; op: Op; WG: number }
  | { kind: "copy"; WG: number };

/** The uniform block every kernel reads (8 × 4 bytes). */
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
}
`;

/** One part's statistics, written by split1 and read by split2. */
const PART = /* wgsl */ `
struct Part { k: u32, m: f32, s: f32, c: f32 }
`;

/** Bindings: x (read), y (write), params; split kernels add the partials. */
function bindings(xType: string, yType: string, split: boolean): string {
  return `
@group(0) @binding(0) var<storage, read> x: array<${xType}>;
@group(0) @binding(1) var<storage, read_write> y: array<${yType}>;
@group(0) @binding(2) var<uniform> p: Params;
${split ? "@group(0) @binding(3) var<storage, read_write> part: array<Part>;" : ""}
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

/** Runs `body(v)` on every float of `q` (a vec4 or a scalar), unrolled. */
function eachComp(W: 1 | 4, q: string, body: (v: string) => string): string {
  if (W === 1) return `{ let v = ${q}; ${body("v")} }`;
  return ["x", "y", "z", "w"].map((c) => `{ let v = ${q}.${c}; ${body("v")} }`).join(" ");
}

/** `f(i)` for i = 0 … V−1, joined: the register loops are unrolled here so that no compiler is trusted to keep an indexed array in registers. */
function unroll(V: number, f: (i: number) => string): string {
  return Array.from({ length: V }, (_, i) => f(i)).join("\n  ");
}

/** Maps every float of `q` through `f(v)` into a value of the same type. */
function mapComp(W: 1 | 4, q: string, f: (v: string) => string): string {
  if (W === 1) return f(q);
  return `vec4<f32>(${[0, 1, 2, 3].map((j) => f(`${q}[${j}]`)).join(", ")})`;
}

/** The summand of element v: e^(v-M) for a finite slice, 1 per +Inf for a +Inf slice, else 0. */
const TERM = /* wgsl */ `
fn term(v: f32, cls: u32, M: f32) -> f32 {
  if (cls == CLS_FINITE) { if (isFin(v)) { return expDiff(v, M); } return 0.0; }
  if (cls == CLS_PINF && isPinf(v)) { return 1.0; }
  return 0.0;
}
// log-softmax of element v given the class, max M and L = log(sum).
fn logOut(v: f32, cls: u32, M: f32, L: f32) -> f32 {
  if (cls == CLS_NAN) { return p.nan; }
  if (cls == CLS_FINITE) {
    if (!isFin(v)) { return p.ninf; }
    let d = v - M;
    // v - M below -FLT_MAX (a spread over 3.4e38) overflows: the exact result rounds to -Infinity too.
    if (!isFin(d)) { return p.ninf; }
    return (d - L) + twoSumErr(v, -M, d);
  }
  if (cls == CLS_PINF && isPinf(v)) { return -L; }
  return p.ninf;
}
fn softOut(t: f32, cls: u32, inv: f32) -> f32 {
  if (cls == CLS_NAN) { return p.nan; }
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
  if (cls == CLS_NONE) { return p.ninf; }
  return M + L;
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
    else if (v > (*a).m) {
      let f = expDiff((*a).m, v);
      (*a).s = (*a).s * f;
      (*a).e = (*a).e * f;
      let r = cadd(vec2<f32>((*a).s, (*a).e), 1.0);
      (*a).s = r.x;
      (*a).e = r.y;
      (*a).m = v;
    } else {
      let r = cadd(vec2<f32>((*a).s, (*a).e), expDiff(v, (*a).m));
      (*a).s = r.x;
      (*a).e = r.y;
    }
  } else if (isPinf(v)) { (*a).c = (*a).c + 1.0; }
}
// The share (hi, lo) of the slice sum held by one accumulator, once the slice class and max are known.
fn accShare(a: Acc, cls: u32, M: f32) -> vec2<f32> {
  if (cls == CLS_FINITE) { if (a.s > 0.0) { let f = expDiff(a.m, M); return vec2<f32>(a.s * f, a.e * f); } return vec2<f32>(0.0); }
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

function rowsKernel(s: Extract<KernelSpec, { kind: "rows" }>): string {
  const { op, W, T, V, WG, S } = s;
  const E = W === 4 ? "vec4<f32>" : "f32";
  const R = WG / T;
  const out = (i: number) => (op === "softmax" ? mapComp(W, `x${i}`, (v) => `softOut(${v}, cls, inv)`) : mapComp(W, `x${i}`, (v) => `logOut(${v}, cls, M, L)`));
  const store =
    op === "logSumExp"
      ? "if (live && l == 0u) { y[row] = lseOut(cls, M, L); }"
      : unroll(V, (i) => `if (live && l + ${i * T}u < p.c) { y[base + l + ${i * T}u] = ${out(i)}; }`);
  const sumLoop =
    op === "softmax"
      ? unroll(V, (i) => `x${i} = ${mapComp(W, `x${i}`, (v) => `term(${v}, cls, M)`)}; ${eachComp(W, `x${i}`, (v) => `s = cadd(s, ${v});`)}`)
      : unroll(V, (i) => eachComp(W, `x${i}`, (v) => `s = cadd(s, term(${v}, cls, M));`));
  return `${header(S)}${MATH_WGSL}${PARAMS}${bindings(E, op === "logSumExp" ? "f32" : E, false)}${TERM}
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
  if (live && l + ${i * T}u < p.c) { x${i} = x[base + l + ${i * T}u]; }`,
  )}
  ${unroll(V, (i) => eachComp(W, `x${i}`, (v) => `k = max(k, keyOf(${v}));`))}
  let K = redMax(k, lid);
  let cls = classOf(K);
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
  const { op, W, WG, S } = s;
  const E = W === 4 ? "vec4<f32>" : "f32";
  const write =
    op === "logSumExp"
      ? "if (lid == 0u) { y[row] = lseOut(cls, M, L); }"
      : `for (var ci = lid; ci < p.c; ci += ${WG}u) { let q = x[base + ci]; y[base + ci] = ${mapComp(W, "q", (v) => outExpr(op, v))}; }`;
  return `${header(S)}${MATH_WGSL}${PARAMS}${bindings(E, op === "logSumExp" ? "f32" : E, false)}${TERM}
${reducers(WG, S, WG)}
${ENTRY(WG)}
  ${GRID}
  let row = wg;
  if (row >= p.rows) { return; }
  let base = row * p.c;
  var a = Acc(0.0, 0.0, 0.0, 0.0, 0u);
  for (var ci = lid; ci < p.c; ci += ${WG}u) {
    let q = x[base + ci];
    ${eachComp(W, "q", (v) => `accAdd(&a, ${v});`)}
  }
  let K = redMax(a.k, lid);
  let cls = classOf(K);
  let M = keyValue(K);
  let sh = accShare(a, cls, M);
  let S = redAdd(sh.x, sh.y, lid);
  ${finish(op)}
  ${write}
}
`;
}

function split1Kernel(s: Extract<KernelSpec, { kind: "split1" }>): string {
  const { W, WG, S } = s;
  const E = W === 4 ? "vec4<f32>" : "f32";
  return `${header(S)}${MATH_WGSL}${PARAMS}${PART}${bindings(E, E, true)}${TERM}
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
    let q = x[base + ci];
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
  const { op, W, WG, S } = s;
  const E = W === 4 ? "vec4<f32>" : "f32";
  const lse = op === "logSumExp";
  const write = lse
    ? "if (lid == 0u) { y[row] = lseOut(cls, M, L); }"
    : `for (var ci = q0 + lid; ci < q1; ci += ${WG}u) { let q = x[base + ci]; y[base + ci] = ${mapComp(W, "q", (v) => outExpr(op, v))}; }`;
  return `${header(S)}${MATH_WGSL}${PARAMS}${PART}${bindings(E, lse ? "f32" : E, true)}${TERM}
${reducers(WG, S, WG)}
${ENTRY(WG)}
  ${GRID}
  ${lse ? "if (wg >= p.rows) { return; }\n  let row = wg;" : "if (wg >= p.rows * p.parts) { return; }\n  let row = wg / p.parts;"}
  let first = row * p.parts;
  var k = 0u;
  for (var j = lid; j < p.parts; j += ${WG}u) { k = max(k, part[first + j].k); }
  let K = redMax(k, lid);
  let cls = classOf(K);
  let M = keyValue(K);
  var sh = vec2<f32>(0.0);
  for (var j = lid; j < p.parts; j += ${WG}u) {
    let pt = part[first + j];
    if (cls == CLS_FINITE && pt.s > 0.0) { sh = cadd(sh, pt.s * expDiff(pt.m, M)); }
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
  const { op, WG } = s;
  const write =
    op === "logSumExp" ? "y[col] = lseOut(cls, M, L);" : `for (var k2 = 0u; k2 < p.c; k2++) { let i = base + k2 * p.inner; y[i] = ${outExpr(op, "x[i]")}; }`;
  return `${MATH_WGSL}${PARAMS}${bindings("f32", "f32", false)}${TERM}
${ENTRY(WG)}
  ${GRID}
  let col = wg * ${WG}u + lid;
  if (col >= p.rows) { return; }
  let o = col / p.inner;
  let base = o * p.c * p.inner + (col - o * p.inner);
  var a = Acc(0.0, 0.0, 0.0, 0.0, 0u);
  for (var k2 = 0u; k2 < p.c; k2++) { accAdd(&a, x[base + k2 * p.inner]); }
  let cls = classOf(a.k);
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
  return `${PARAMS}${bindings("vec4<f32>", "vec4<f32>", false)}
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
