/**
 * The harness of the browser WASM tests: a tiny static server for the built
 * library (`dist/` after `npm run build`; 127.0.0.1, a random port; cross-origin
 * isolated on request with COOP same-origin + COEP require-corp), a page that
 * imports `/dist/index.js` as an ES module, and Debian's headless Chromium
 * through playwright-core, found as the explorer tests find it: without
 * Chromium these tests fail with install instructions, never skip.
 *
 * The page (and `/lib-worker.js`, the library inside a module Web Worker) runs
 * softmax, logSoftmax and logSumExp on a tensor and returns each result's bits,
 * `lastBackend()` and its time. Float32 data crosses between Node and the page
 * as base64 of its bytes: exact bits, and fast for 10^6 values.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath } from "../explorer/browser.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DIST = join(ROOT, "dist");

export const OPS = ["softmax", "logSoftmax", "logSumExp"] as const;
export type Op = (typeof OPS)[number];

/** One call of the page's runOps: a float32 tensor (base64 bits), the axis, the precision and a backend to force. */
export interface Spec {
  data: string;
  shape: number[];
  axis: number;
  precision: "exact" | "fast";
  /** setBackend(...) before the calls ("auto" after them); default "auto". */
  backend?: string;
  ops?: readonly Op[];
}

/** What runOps returns per function: the result's bits (base64), lastBackend() after the call, milliseconds. */
export interface Ran {
  data: string;
  backend: string;
  ms: number;
}

/** Shared by the page and the worker: base64 ↔ Float32Array and runOps(m, spec). */
const HELPERS = `
const f32FromBase64 = (s) => {
  const bin = atob(s);
  const u = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
  return new Float32Array(u.buffer);
};
const f32ToBase64 = (x) => {
  const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  let s = "";
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000));
  return btoa(s);
};
const runOps = (m, spec) => {
  const x = { data: f32FromBase64(spec.data), shape: spec.shape };
  const out = {};
  if (spec.backend !== undefined) m.setBackend(spec.backend);
  try {
    for (const op of spec.ops ?? ["softmax", "logSoftmax", "logSumExp"]) {
      const t0 = performance.now();
      const y = m[op](x, { axis: spec.axis, precision: spec.precision });
      const ms = performance.now() - t0;
      out[op] = { data: f32ToBase64(typeof y === "number" ? Float32Array.of(y) : y.data), backend: m.lastBackend(), ms };
    }
  } finally {
    m.setBackend("auto");
  }
  return out;
};
`;

/** The page: the library on window.softmaxLib, runOps(spec), and inWorker(message) for the library in a module worker. */
const HTML = `<!doctype html><meta charset="utf-8"><title>softmax wasm</title>
<script type="module">
import * as m from "/dist/index.js";
${HELPERS}
let libWorker = null;
window.runOps = (spec) => runOps(m, spec);
window.inWorker = async (message) => {
  if (libWorker === null) {
    libWorker = new Worker("/lib-worker.js", { type: "module" });
    await new Promise((resolve, reject) => {
      libWorker.onmessage = resolve;
      libWorker.onerror = (e) => reject(new Error("lib-worker.js failed: " + e.message));
    });
  }
  return new Promise((resolve) => {
    libWorker.onmessage = (e) => resolve(e.data);
    libWorker.postMessage(message);
  });
};
window.softmaxLib = m;
</script>`;

/**
 * The library inside a module Web Worker: { threads?, fault?, spec? } → { ok, isolated, threads, ops } or { ok: false,
 * error }; with a fault (set on the threads' internal test seam, src/kernels/wasm/threads.ts, before the spec runs) also
 * threadsAfter (threads() after the spec) and events (what the pool detected).
 */
const LIB_WORKER = `import * as m from "/dist/index.js";
${HELPERS}
self.onmessage = async (e) => {
  try {
    const out = { ok: true, isolated: self.crossOriginIsolated };
    if (e.data.threads !== undefined) out.threads = await m.setThreads(e.data.threads);
    const seam = e.data.fault === undefined ? null : (await import("/dist/kernels/wasm/threads.js")).threadTesting;
    if (seam !== null) {
      seam.events.length = 0;
      seam.fault = e.data.fault;
    }
    if (e.data.spec !== undefined) out.ops = runOps(m, e.data.spec);
    if (seam !== null) {
      out.threadsAfter = m.threads();
      out.events = seam.events.slice();
    }
    self.postMessage(out);
  } catch (err) {
    self.postMessage({ ok: false, error: String((err && err.stack) || err) });
  }
};
self.postMessage({ ready: true });`;

/**
 * An init script for a page whose main thread refuses a synchronous `new WebAssembly.Module` / `new
 * WebAssembly.Instance` of a large module, as Chrome does (over 4 KB before, over 8 MB now: the kernels are ~18 KB, so
 * today's Chromium accepts them): both constructors are replaced before any page script runs. Workers are unaffected.
 */
export const REFUSE_SYNC = `{
  const M = WebAssembly.Module;
  const I = WebAssembly.Instance;
  WebAssembly.Module = function (bytes, ...rest) {
    if (bytes.byteLength > 4096) throw new RangeError("WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB (simulated)");
    return new M(bytes, ...rest);
  };
  WebAssembly.Module.prototype = M.prototype;
  WebAssembly.Instance = function () {
    throw new RangeError("WebAssembly.Instance is disallowed on the main thread, if the buffer size is larger than 4KB (simulated)");
  };
  WebAssembly.Instance.prototype = I.prototype;
}`;

export interface Served {
  url: string;
  /** Every path asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Cross-origin isolated: every response carries COOP same-origin and COEP require-corp. */
  isolated: boolean;
  /** A Content-Security-Policy header for the page. */
  csp?: string;
}

/** Serves `/` (the page), `/lib-worker.js` and `/dist/**` (the built library) from 127.0.0.1 on a random port. */
export async function serveDist({ isolated, csp }: ServeOptions): Promise<Served> {
  if (!existsSync(join(DIST, "index.js"))) throw new Error(`${join(DIST, "index.js")} is missing: run \`npm run build\` before the browser WASM tests.`);
  const requests: string[] = [];
  const base = normalize(DIST + sep);
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (isolated) {
    headers["cross-origin-opener-policy"] = "same-origin";
    headers["cross-origin-embedder-policy"] = "require-corp";
  }
  const js = { ...headers, "content-type": "text/javascript; charset=utf-8" };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(path);
    if (path === "/" || path === "/index.html") {
      res
        .writeHead(200, { ...headers, ...(csp === undefined ? {} : { "content-security-policy": csp }), "content-type": "text/html; charset=utf-8" })
        .end(HTML);
      return;
    }
    if (path === "/lib-worker.js") {
      res.writeHead(200, js).end(LIB_WORKER);
      return;
    }
    if (path === "/favicon.ico") {
      res.writeHead(204, headers).end();
      return;
    }
    const file = normalize(join(base, path.replace(/^\/dist\//, "")));
    if (!path.startsWith("/dist/") || !path.endsWith(".js") || !file.startsWith(base)) {
      res.writeHead(404, headers).end("not found");
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, js).end(body),
      () => res.writeHead(404, headers).end("not found"),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

export interface Opened {
  page: Page;
  served: Served;
  /** Uncaught errors (unhandled rejections included) of the page and its workers. */
  pageErrors: string[];
  /** console.error messages (the browser's own reports: failed loads, CSP violations). */
  consoleErrors: string[];
  /** Runs the three functions (or spec.ops) in the page. */
  run(spec: Spec): Promise<Record<Op, Ran>>;
  close(): Promise<void>;
}

let browser: Promise<Browser> | null = null;

/** One headless Chromium per test file (chromiumPath throws, with install instructions, where it is missing). */
function theBrowser(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  const b = browser;
  browser = null;
  if (b !== null) await (await b).close();
}

/** Opens the page on a fresh server (a fresh origin) in a fresh context, `init` run before any page script. */
export async function openPage(options: ServeOptions, init?: string): Promise<Opened> {
  const served = await serveDist(options);
  const context = await (await theBrowser()).newContext();
  if (init !== undefined) await context.addInitScript(init);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await page.goto(served.url);
  await page.waitForFunction(() => "softmaxLib" in window, undefined, { timeout: 30_000 });
  return {
    page,
    served,
    pageErrors,
    consoleErrors,
    run: (spec) => page.evaluate((s) => (window as unknown as { runOps(s: Spec): Record<Op, Ran> }).runOps(s), spec),
    close: async () => {
      await context.close();
      await served.close();
    },
  };
}

/** Float32 bits as base64. */
export function toBase64(x: Float32Array): string {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("base64");
}

/** Base64 bits back to a Float32Array. */
export function fromBase64(s: string): Float32Array {
  const b = Buffer.from(s, "base64");
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
