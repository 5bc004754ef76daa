/**
 * `npm run bench:kernels`: the raw WASM kernels on data already in WASM
 * memory (no copies, no validation), in ns per element: where the time of a
 * call goes, the exact / fast ratio, and SIMD128 against relaxed SIMD
 * (`npm run bench:kernels` starts Node through scripts/node-relaxed.mjs,
 * which adds --experimental-wasm-relaxed-simd where Node 20 needs it).
 * Batches are taken round-robin across the variants (the machine is shared:
 * a burst of load hits both alike); the median and
 * the minimum of 31 batches are printed, and the ratio of the medians.
 * ROWS and N (environment) set the shape, default 32 × 1000.
 */
import { ensureMemory, relaxedSupported, type SimdVariant, type WasmInstance, wasmInstance } from "../src/kernels/wasm/runtime.js";

const rows = Number(process.env.ROWS ?? 32);
const n = Number(process.env.N ?? 1000);
const BATCHES = 31;
const variants: SimdVariant[] = relaxedSupported() ? ["simd128", "relaxed"] : ["simd128"];
if (!relaxedSupported()) console.log("relaxed SIMD not available here (run through scripts/node-relaxed.mjs: npm run bench:kernels)");
const s = (rows * 32 + 4095) & ~4095;
const xb = s + ((n * 8 + 4095) & ~4095);
const yb = xb + ((rows * n * 4 + 15) & ~15);
const data = Float32Array.from({ length: rows * n }, (_, i) => 4 * Math.sin(i * 12.9898) * Math.cos(i * 0.37));
const inst = variants.map((v) => {
  const w = wasmInstance(v);
  if (w === null) throw new Error(`no WebAssembly ${v} here`);
  ensureMemory(w, yb + rows * n * 4 + 64);
  return w;
});
type Call = (w: WasmInstance) => void;
const kernels: [string, Call][] = [
  ["softmax exact", (w) => w.k.softmax_exact(xb, yb, s, 0, rows, n, 0)],
  ["softmax fast", (w) => w.k.softmax_fast(xb, yb, s, 0, rows, n, 0)],
  ["stats exact (logSumExp)", (w) => w.k.stats_exact(xb, 0, rows, n)],
  ["stats fast (logSumExp)", (w) => w.k.stats_fast(xb, 0, rows, n)],
  ["logSoftmax finish exact", (w) => w.k.logsoftmax_exact(xb, yb, 0, rows, n)],
  ["logSoftmax finish fast", (w) => w.k.logsoftmax_fast(xb, yb, 0, rows, n)],
];
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1] as number;
console.log(`${rows} × ${n}, ns/element (incl. a 4-byte copy per element): median (min) per variant`);
for (const [name, call] of kernels) {
  const times: number[][] = variants.map(() => []);
  for (let b = 0; b < BATCHES; b++) {
    inst.forEach((w, v) => {
      // Fast softmax works in place (e·2^64 overwrites x): restore the input every call.
      w.f32.set(data, xb >> 2);
      w.k.stats_exact(xb, 0, rows, n);
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) {
        w.f32.set(data, xb >> 2);
        call(w);
      }
      (times[v] as number[]).push(((performance.now() - t0) / 20 / rows / n) * 1e6);
    });
  }
  const cells = variants.map((v, i) => `${v} ${median(times[i] as number[]).toFixed(3)} (${Math.min(...(times[i] as number[])).toFixed(3)})`);
  const ratio = variants.length > 1 ? `  simd128/relaxed ${(median(times[0] as number[]) / median(times[1] as number[])).toFixed(2)}×` : "";
  console.log(`${name.padEnd(26)} ${cells.join("  ")}${ratio}`);
}
