/**
 * The planner: which kernel class, with which compile-time parameters, for a
 * slice layout (outer, n, inner) on a device. Pure arithmetic, no GPU calls.
 */
import { type IO, type KernelSpec, type Op, PLAIN_IO, type Width } from "./wgsl/kernels.js";

/** What the planner needs to know about a device. */
export interface Caps {
  /** Workgroup size used by every kernel: a power of two ≤ the device's invocation limit, at most 1024. */
  wg: number;
  /** Subgroup size when the device has `subgroups` and a fixed size; 0 selects the workgroup-memory fallback. */
  sg: number;
  /** `maxComputeWorkgroupsPerDimension`. */
  maxGroups: number;
}

/** The uniforms of one dispatch (see `Params` in wgsl/kernels.ts). */
export interface Params {
  rows: number;
  c: number;
  inner: number;
  parts: number;
  partC: number;
}

/** One kernel launch: the spec, its workgroup count and its uniforms. */
export interface Dispatch {
  spec: KernelSpec;
  groups: number;
  params: Params;
}

/** A plan: one or two dispatches, and the number of partials to allocate (split path). */
export interface Plan {
  cls: "rows" | "online" | "split" | "strided";
  dispatches: Dispatch[];
  partials: number;
}

/** The planner's thresholds. The defaults are guesses for a large GPU, to be tuned with bench/webgpu on one. */
export interface Tuning {
  /** Most chunks (of W floats) a thread keeps in registers in the `rows` class. */
  maxV: number;
  /** Chunks per thread the `rows` class aims at. */
  targetV: number;
  /** Fewer rows than this (with long rows) take the split path. */
  splitRows: number;
  /** Rows at least this long (floats) may take the split path. */
  splitMinN: number;
  /** Workgroups the split path aims to launch in all. */
  splitTargetGroups: number;
  /** Workgroup size of the split path (at most the device's). */
  splitWG: number;
}

export const DEFAULT_TUNING: Tuning = { maxV: 16, targetV: 4, splitRows: 256, splitMinN: 8192, splitTargetGroups: 512, splitWG: 256 };

function nextPow2(v: number): number {
  let p = 1;
  while (p < v) p *= 2;
  return p;
}

/**
 * The chunk width: vec4 when n is a multiple of 4; with float16 storage (in or out) vec2 when n is even
 * (so that every u32 of halves lies inside one row and has one writer), else scalar.
 */
export function widthFor(n: number, io: IO): Width {
  if (n % 4 === 0) return 4;
  if ((io.xh || io.yh) && n % 2 === 0) return 2;
  return 1;
}

/** The plan for `op` over slices (outer, n, inner), n ≥ 1 and outer·inner ≥ 1, reading and writing as `io` says. */
export function planFor(op: Op, outer: number, n: number, inner: number, caps: Caps, tuning: Tuning = DEFAULT_TUNING, io: IO = PLAIN_IO): Plan {
  const { wg, sg } = caps;
  const base = { inner, parts: 0, partC: 0 };
  if (inner > 1) {
    const cols = outer * inner;
    return {
      cls: "strided",
      dispatches: [{ spec: { kind: "strided", op, WG: wg, io }, groups: Math.ceil(cols / wg), params: { ...base, rows: cols, c: n } }],
      partials: 0,
    };
  }
  const rows = outer;
  const W = widthFor(n, io);
  const c = n / W;
  const T = Math.min(wg, nextPow2(Math.ceil(c / tuning.targetV)));
  const V = Math.ceil(c / T);
  if (rows < tuning.splitRows && n >= tuning.splitMinN) {
    const swg = Math.min(tuning.splitWG, wg);
    const parts = Math.max(1, Math.min(Math.ceil(tuning.splitTargetGroups / rows), Math.floor(c / swg)));
    if (parts > 1) {
      const partC = Math.ceil(c / parts);
      const params = { ...base, rows, c, parts, partC };
      return {
        cls: "split",
        dispatches: [
          { spec: { kind: "split1", W, WG: swg, S: sg, io: { ...io, yh: false, report: false } }, groups: rows * parts, params },
          { spec: { kind: "split2", op, W, WG: swg, S: sg, io }, groups: op === "logSumExp" ? rows : rows * parts, params },
        ],
        partials: rows * parts,
      };
    }
  }
  if (V <= tuning.maxV) {
    const R = wg / T;
    return {
      cls: "rows",
      dispatches: [{ spec: { kind: "rows", op, W, T, V, WG: wg, S: sg, io }, groups: Math.ceil(rows / R), params: { ...base, rows, c } }],
      partials: 0,
    };
  }
  return {
    cls: "online",
    dispatches: [{ spec: { kind: "online", op, W, WG: wg, S: sg, io }, groups: rows, params: { ...base, rows, c } }],
    partials: 0,
  };
}

/** A 2-d grid for `groups` workgroups under the per-dimension limit. */
export function gridOf(groups: number, maxGroups: number): [number, number] {
  if (groups <= maxGroups) return [Math.max(groups, 1), 1];
  const ny = Math.ceil(groups / maxGroups);
  return [Math.ceil(groups / ny), ny];
}
