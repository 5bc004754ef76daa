/**
 * The WASM SIMD kernels in headless Chromium, the library loaded as ES modules
 * straight from `dist/` (run `npm run build` first): `await initWasm()`, then
 * softmax, logSoftmax and logSumExp on float32 tensors of several shapes and
 * axes, on both module variants. Exact mode must give the bits of the
 * JavaScript exact kernel run in Node on the same input; fast mode must stay
 * within 2.5 float32 ulp of the double-double reference; `lastBackend()` must
 * name the WASM kernel. Special slices (NaN, +Infinity, all -Infinity) go to
 * the JavaScript kernel inside the same call and must match it bit for bit.
 * Without Chromium these tests fail (test/explorer/browser.ts), never skip.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logits } from "../wasm/reference.js";
import { closeBrowser, DIST, fromBase64, OPS, type Opened, openPage, REFUSE_SYNC, toBase64 } from "./page.js";
import { bitDiff, nodeExact, reference, slices, specialPart, worstUlp } from "./ref.js";

/** Every module specifier reachable from `entry` by static import/export (relative ones followed). */
function staticImports(entry: string): { files: number; external: string[] } {
  const seen = new Set<string>();
  const external: string[] = [];
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, "utf8");
    for (const m of src.matchAll(/^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm)) {
      const spec = (m[1] ?? m[2]) as string;
      if (spec.startsWith(".")) walk(resolve(dirname(file), spec));
      else external.push(`${file.slice(DIST.length)}: ${spec}`);
    }
  };
  walk(entry);
  return { files: seen.size, external };
}

const CASES: { name: string; shape: number[]; axis: number }[] = [
  { name: "rows, last axis", shape: [37, 515], axis: -1 },
  { name: "long rows", shape: [5, 20001], axis: -1 },
  { name: "middle axis (tiled transposes)", shape: [8, 300, 5], axis: 1 },
  { name: "first axis", shape: [64, 33], axis: 0 },
  { name: "short slices across (n = 6)", shape: [6, 5, 7], axis: 0 },
  { name: "n = 4 along axis 2 of 4", shape: [2, 3, 4, 50], axis: 2 },
];

/** Seeded 4·N(0,1) logits; slice 0 gets two -Infinity entries, slices 1-3 are special (NaN, +Infinity, all -Infinity). */
function input(shape: number[], axis: number, seed: number): Float32Array {
  const x = logits(
    shape.reduce((p, q) => p * q, 1),
    seed,
  );
  const all = slices(shape, axis);
  const [s0, s1, s2, s3] = all as [number[], number[], number[], number[]];
  x[s0[1] as number] = Number.NEGATIVE_INFINITY;
  x[s0[3] as number] = Number.NEGATIVE_INFINITY;
  x[s1[2] as number] = Number.NaN;
  x[s2[0] as number] = Number.POSITIVE_INFINITY;
  for (const i of s3) x[i] = Number.NEGATIVE_INFINITY;
  return x;
}

/** The forced backends and what lastBackend() says after an exact / fast call on them; "auto" picks either variant. */
const BACKENDS: { backend: string; exact: RegExp; fast: RegExp }[] = [
  { backend: "auto", exact: /^wasm-(relaxed-)?exact$/, fast: /^wasm-(relaxed-)?fast$/ },
  { backend: "wasm-simd128", exact: /^wasm-exact$/, fast: /^wasm-fast$/ },
  { backend: "wasm-relaxed", exact: /^wasm-relaxed-exact$/, fast: /^wasm-relaxed-fast$/ },
];

let opened: Opened;
/** The largest error measured per function, mode and backend (printed after the tests; quoted in the README). */
const measured = new Map<string, number>();
function record(key: string, ulp: number): void {
  measured.set(key, Math.max(measured.get(key) ?? 0, ulp));
}

beforeAll(async () => {
  opened = await openPage({ isolated: false });
});

afterAll(async () => {
  console.log(`[browser-wasm] max ulp vs double-double: ${[...measured].map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}`);
  await opened?.close();
  await closeBrowser();
});

describe("the library as ES modules from dist/ in headless Chromium", () => {
  it("imports no node: (or any bare) module at top level; the page loads only dist/*.js, without errors; initWasm() resolves true", async () => {
    const graph = staticImports(resolve(DIST, "index.js"));
    expect(graph.files).toBeGreaterThan(20);
    expect(graph.external).toEqual([]);
    const { page, served } = opened;
    const state = await page.evaluate(async () => {
      const m = (window as unknown as { softmaxLib: typeof import("../../src/index.js") }).softmaxLib;
      return { supported: m.wasmSupported(), init: await m.initWasm(), again: await m.initWasm(), hasProcess: typeof process !== "undefined" };
    });
    expect(state).toEqual({ supported: true, init: true, again: true, hasProcess: false });
    const loaded = served.requests.filter((p) => p !== "/" && p !== "/favicon.ico");
    expect(loaded.length).toBeGreaterThanOrEqual(graph.files);
    expect(loaded.filter((p) => !/^\/dist\/[\w/.-]+\.js$/.test(p))).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });

  it.each(CASES)("$name $shape axis $axis: exact = the Node JS kernel's bits, fast ≤ 2.5 ulp, on the WASM kernels", async ({ shape, axis }) => {
    const x = input(
      shape,
      axis,
      shape.reduce((p, q) => p * q + 7, 1),
    );
    const all = slices(shape, axis);
    const js = nodeExact(x, shape, axis);
    const data = toBase64(x);
    for (const op of OPS) {
      const ref = reference(op, x, all);
      const jsSpecial = specialPart(op, x, js[op], all);
      for (const { backend, exact, fast } of BACKENDS) {
        const [e, f] = [
          await opened.run({ data, shape, axis, precision: "exact", backend, ops: [op] }),
          await opened.run({ data, shape, axis, precision: "fast", backend, ops: [op] }),
        ];
        const ye = fromBase64(e[op].data);
        const yf = fromBase64(f[op].data);
        const label = `${op} on ${backend}`;
        expect(e[op].backend, label).toMatch(exact);
        expect(f[op].backend, label).toMatch(fast);
        expect(bitDiff(ye, js[op]), `${label} exact vs the Node JS kernel`).toEqual({ count: 0, first: [] });
        const we = worstUlp(ye, ref);
        record(`${op} exact ${backend}`, we.ulp);
        expect(we.ulp, `${label} exact ${we.where}`).toBeLessThan(1);
        const wf = worstUlp(yf, ref);
        record(`${op} fast ${backend}`, wf.ulp);
        expect(wf.values).toBeGreaterThan(0);
        expect(wf.ulp, `${label} fast ${wf.where}`).toBeLessThanOrEqual(2.5);
        // The special slices are the JavaScript kernel's in both modes.
        expect(bitDiff(specialPart(op, x, yf, all), jsSpecial), `${label} fast, special slices`).toEqual({ count: 0, first: [] });
      }
    }
    expect(opened.pageErrors).toEqual([]);
  });
});

describe("a main thread that refuses synchronous WebAssembly compilation and instantiation", () => {
  it("runs the JS kernel until initWasm() resolves true, then WASM; nothing throws or rejects", async () => {
    const strict = await openPage({ isolated: false }, REFUSE_SYNC);
    try {
      const shape = [16, 1000];
      const x = input(shape, -1, 5);
      const js = nodeExact(x, shape, -1);
      const data = toBase64(x);
      const before = await strict.run({ data, shape, axis: -1, precision: "exact" });
      const init = await strict.page.evaluate(() => (window as unknown as { softmaxLib: typeof import("../../src/index.js") }).softmaxLib.initWasm());
      const after = await strict.run({ data, shape, axis: -1, precision: "exact" });
      expect(init).toBe(true);
      for (const op of OPS) {
        expect(before[op].backend, op).toBe("js");
        expect(after[op].backend, op).toMatch(/^wasm-(relaxed-)?exact$/);
        expect(bitDiff(fromBase64(before[op].data), js[op]), op).toEqual({ count: 0, first: [] });
        expect(bitDiff(fromBase64(after[op].data), js[op]), op).toEqual({ count: 0, first: [] });
      }
      // An unhandled rejection of the background load (the first call starts it) would be a page error.
      expect(strict.pageErrors).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});

describe("a page whose Content-Security-Policy refuses WebAssembly (no 'wasm-unsafe-eval')", () => {
  it("initWasm() resolves false, setThreads(2) resolves 1, and every call runs the JS kernel with the same bits", async () => {
    const o = await openPage({ isolated: true, csp: "script-src 'self' 'unsafe-inline'" });
    try {
      const shape = [16, 1000];
      const x = input(shape, -1, 9);
      const js = nodeExact(x, shape, -1);
      // A first call before initWasm(): the synchronous compile is refused, the background load fails quietly.
      const first = await o.run({ data: toBase64(x), shape, axis: -1, precision: "exact", ops: ["softmax"] });
      expect(first.softmax.backend).toBe("js");
      expect(bitDiff(fromBase64(first.softmax.data), js.softmax)).toEqual({ count: 0, first: [] });
      const state = await o.page.evaluate(async () => {
        const m = (window as unknown as { softmaxLib: typeof import("../../src/index.js") }).softmaxLib;
        return { init: await m.initWasm(), threads: await m.setThreads(2) };
      });
      expect(state).toEqual({ init: false, threads: 1 });
      expect(o.page.workers()).toHaveLength(0);
      for (const precision of ["exact", "fast"] as const) {
        const r = await o.run({ data: toBase64(x), shape, axis: -1, precision });
        for (const op of OPS) {
          expect(r[op].backend, op).toBe("js");
          expect(bitDiff(fromBase64(r[op].data), js[op]), `${op} ${precision}`).toEqual({ count: 0, first: [] });
        }
      }
      expect(o.pageErrors).toEqual([]);
    } finally {
      await o.close();
    }
  });
});
