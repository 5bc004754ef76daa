/**
 * Measures the speed-up of 2 threads over 1 in headless Chromium (a cross-origin isolated page, the library from
 * `dist/`): `npm run build && npx tsx test/browser-wasm/measure.ts [samples]`. Not a test (no assertion): it prints a
 * Markdown table of medians (ms per call, allocating API calls) and quartiles, samples of 1 and 2 threads taken
 * alternately so that load from other jobs hits both alike. The same loop then runs in Node on the built library
 * (Atomics.wait instead of the main thread's spin), for comparison on the same machine. The numbers in the README
 * ("Threads") come from it.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { closeBrowser, DIST, openPage } from "./page.js";

const samples = Number(process.argv[2] ?? 31);

/** Runs in the page and in Node (a string, so that no transpiler helper leaks into it); m is the library. */
const BENCH = `async (m, { samples, ua, cores }) => {
  await m.initWasm();
  const shapes = [[1, 1000000], [256, 4096], [1000, 1000], [64, 32000]];
  const rows = [];
  for (const shape of shapes) {
    const size = shape[0] * shape[1];
    const data = new Float32Array(size);
    let s = 12345;
    for (let i = 0; i < size; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      data[i] = (s / 2147483648 - 0.5) * 16;
    }
    const x = { data, shape };
    for (const op of ["softmax", "logSoftmax"]) {
      for (const precision of ["exact", "fast"]) {
        const t = { 1: [], 2: [] };
        const backends = {};
        for (let k = 0; k < samples + 2; k++) {
          for (const n of [1, 2]) {
            await m.setThreads(n);
            const t0 = performance.now();
            m[op](x, { precision });
            const ms = performance.now() - t0;
            backends[n] = m.lastBackend();
            if (k >= 2) t[n].push(ms);
          }
        }
        const q = (a, f) => a.slice().sort((u, v) => u - v)[Math.floor(f * (a.length - 1))];
        rows.push({ shape: shape.join("×"), op, precision, one: [q(t[1], 0.25), q(t[1], 0.5), q(t[1], 0.75)], two: [q(t[2], 0.25), q(t[2], 0.5), q(t[2], 0.75)], backends });
      }
    }
  }
  await m.setThreads(1);
  return { rows, ua, cores };
}`;

interface Result {
  rows: { shape: string; op: string; precision: string; one: number[]; two: number[]; backends: Record<string, string> }[];
  ua: string;
  cores: number;
}

function table(title: string, r: Result): void {
  const f = (a: number[]) => `${(a[1] as number).toFixed(2)} (${(a[0] as number).toFixed(2)}–${(a[2] as number).toFixed(2)})`;
  console.log(`\n${title}: ${r.ua.match(/HeadlessChrome\/[\d.]+|Node\.js\/[\d.]+/)?.[0] ?? r.ua}, ${r.cores} cores, ${samples} samples each`);
  console.log("| shape | function | precision | 1 thread ms (IQR) | 2 threads ms (IQR) | speed-up | backend |");
  console.log("|---|---|---|---|---|---|---|");
  for (const row of r.rows) {
    const s = (row.one[1] as number) / (row.two[1] as number);
    console.log(`| ${row.shape} | ${row.op} | ${row.precision} | ${f(row.one)} | ${f(row.two)} | ${s.toFixed(2)}× | ${row.backends["2"]} |`);
  }
}

const o = await openPage({ isolated: true });
try {
  const call = `(${BENCH})(window.softmaxLib, { samples: ${samples}, ua: navigator.userAgent, cores: navigator.hardwareConcurrency })`;
  table("Chromium, cross-origin isolated page", (await o.page.evaluate(call)) as Result);
} finally {
  await o.close();
  await closeBrowser();
}
const lib = await import(pathToFileURL(join(DIST, "index.js")).href);
const bench = new Function(`return ${BENCH}`)();
table("Node, same machine", (await bench(lib, { samples, ua: `Node.js/${process.versions.node}`, cores: availableParallelism() })) as Result);
await lib.stopThreads();
