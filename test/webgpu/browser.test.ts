/**
 * The WebGPU functions in headless Chromium (navigator.gpu on SwiftShader),
 * driven by playwright-core: the page imports src/webgpu straight from the
 * TypeScript sources (transpiled on request, no build needed) and runs every
 * kernel class, and float16 storage with a mask and a temperature (a Float16Array too, where the
 * browser has one); the results are checked here against the float64 reference.
 * Skipped with the reason where Chromium is missing or exposes no adapter;
 * failing instead under CI, where .ci/run installs chromium.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Op } from "../../src/webgpu/wgsl/kernels.js";
import { compareHalf, expectClose, F32_BOUND, halfValue, logits, randomHalves, reference, scaleOf } from "./ref.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CI = process.env.CI === "true" || process.env.CI === "1";
const executable = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
const ARGS = [
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-vulkan=swiftshader",
  "--use-webgpu-adapter=swiftshader",
  "--disable-vulkan-surface",
];

/** The page imports the entry point once and leaves it on window (an import() inside page.evaluate would be rewritten by vitest). */
const HTML = `<!doctype html><title>softmax webgpu</title>
<script type="module">import * as m from "/src/webgpu/index.js"; window.softmaxWebgpu = m;</script>`;

let browser: Browser | null = null;
let page: Page | null = null;
let adapter = "";
let reason = executable ? "" : "Chromium not found (apt-get install chromium libvulkan1, or set CHROMIUM_PATH)";

if (executable) {
  try {
    browser = await chromium.launch({ executablePath: executable, headless: true, args: ARGS, timeout: 60_000 });
    page = await browser.newPage();
    await page.route("http://localhost/**", async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === "/" || path === "/index.html") return route.fulfill({ contentType: "text/html", body: HTML });
      const file = join(root, path.replace(/\.js$/, ".ts"));
      if (!path.startsWith("/src/") || !existsSync(file)) return route.fulfill({ status: 404, body: "not found" });
      const js = ts.transpileModule(readFileSync(file, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      return route.fulfill({ contentType: "text/javascript", body: js });
    });
    await page.goto("http://localhost/index.html");
    await page.waitForFunction(() => "softmaxWebgpu" in window, undefined, { timeout: 30_000 });
    adapter = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? `${a.info.vendor} ${a.info.architecture}` : "";
    });
    if (!adapter) reason = "Chromium exposes no WebGPU adapter";
  } catch (e) {
    reason = `Chromium did not start: ${(e as Error).message.split("\n")[0]}`;
  }
}
if (!adapter) {
  if (CI) throw new Error(`the Chromium WebGPU tests need Chromium with SwiftShader in CI: ${reason}`);
  console.warn(`[webgpu browser tests] SKIPPED: ${reason}`);
}

afterAll(async () => {
  await browser?.close();
});

/** One call of the three operations in the page: float32 data, or half bits with float16 input (and output). */
interface PageCall {
  data: number[];
  shape: number[];
  axis: number;
  half?: boolean;
  mask?: number[];
  temperature?: number;
  onFullyMasked?: "nan";
}

/**
 * Runs the three operations in the page on one tensor; returns plain arrays (NaN and ±Infinity survive Playwright's
 * serialization): the float32 results, or the half bits for half input, and then also softmax on a Float16Array of
 * the same bits (`float16Array`) where the browser has one.
 */
async function inPage(call: PageCall): Promise<Record<Op, number[]> & { float16Array?: number[] }> {
  return (page as Page).evaluate(async ({ data, shape, axis, half, mask, temperature, onFullyMasked }) => {
    const w = window as unknown as { device?: GPUDevice; softmaxWebgpu: typeof import("../../src/webgpu/index.js") };
    const m = w.softmaxWebgpu;
    w.device ??= await m.requestSoftmaxDevice(navigator.gpu);
    const o = { axis, temperature, onFullyMasked, where: mask ? { data: Uint8Array.from(mask), shape } : undefined };
    const out: Record<string, number[]> = {};
    for (const [op, f] of [
      ["softmax", m.softmaxArray],
      ["logSoftmax", m.logSoftmaxArray],
      ["logSumExp", m.logSumExpArray],
    ] as const) {
      const r = half
        ? await f(w.device as GPUDevice, { data: Uint16Array.from(data), shape }, { ...o, inputDtype: "float16" })
        : await f(w.device as GPUDevice, { data: Float32Array.from(data), shape }, o);
      out[op] = Array.from(half ? (r.half ?? []) : r.data);
    }
    const F16 = (globalThis as { Float16Array?: new (b: ArrayBufferLike) => ArrayLike<number> }).Float16Array;
    if (half && F16) {
      const f16 = new F16(Uint16Array.from(data).buffer);
      out.float16Array = Array.from((await m.softmaxArray(w.device as GPUDevice, { data: f16, shape }, o)).half ?? []);
    }
    return out;
  }, call) as Promise<Record<Op, number[]> & { float16Array?: number[] }>;
}

const CASES: { name: string; shape: number[]; axis: number }[] = [
  { name: "tiny rows", shape: [40, 3], axis: -1 },
  { name: "medium rows (vec4, registers)", shape: [8, 1000], axis: -1 },
  { name: "rows too long to hold (online)", shape: [4, 5001], axis: -1 },
  { name: "few long rows (split)", shape: [2, 9000], axis: -1 },
  { name: "first axis (strided)", shape: [6, 5, 7], axis: 0 },
];

describe.skipIf(!adapter)(adapter ? `WebGPU in headless Chromium on ${adapter}` : `WebGPU in Chromium SKIPPED (${reason})`, () => {
  beforeAll(() => {
    expect(page).not.toBeNull();
  });

  it("float16 in and out with a mask and a temperature (Uint16Array bits; Float16Array where the browser has one)", async () => {
    const shape = [7, 999];
    const bits = randomHalves(7 * 999, 20, 31);
    const mask = Array.from(logits(7 * 999, 1, 37), (v) => (v > -0.5 ? 1 : 0));
    for (let k = 0; k < 999; k++) mask[2 * 999 + k] = 0; // row 2 fully masked: NaN with onFullyMasked "nan"
    const got = await inPage({ data: Array.from(bits), shape, axis: -1, half: true, mask, temperature: 0.8, onFullyMasked: "nan" });
    const values = Array.from(bits, halfValue);
    const o = { where: Uint8Array.from(mask), temperature: 0.8, onFullyMasked: "nan" as const };
    for (const op of ["softmax", "logSoftmax", "logSumExp"] as const) {
      const c = compareHalf(Uint16Array.from(got[op]), reference(op, values, shape, -1, o), scaleOf(op));
      expect(c.specialMismatches, `${op} special values`).toEqual([]);
      expect(c.maxUlp, `${op}: ${c.worst}`).toBeLessThanOrEqual(0.501);
    }
    console.log(`Float16Array in the page: ${got.float16Array ? "yes, checked" : "no"}`);
    if (got.float16Array) expect(got.float16Array).toEqual(got.softmax);
  });

  it.each(CASES)("$name $shape axis $axis: the three operations match the float64 reference, special values included", async ({ shape, axis }) => {
    const count = shape.reduce((p, q) => p * q, 1);
    const data = Array.from(logits(count, 30, count));
    data[1] = Number.NaN; // slice 0 or 1 is NaN, depending on the axis
    data[count - 1] = Number.POSITIVE_INFINITY;
    const x = Float32Array.from(data);
    const got = await inPage({ data, shape, axis });
    for (const op of ["softmax", "logSoftmax", "logSumExp"] as const) {
      expectClose(Float32Array.from(got[op]), reference(op, x, shape, axis), scaleOf(op), F32_BOUND[op], op);
    }
  });
});
