/**
 * `npm run bench:kernels`: the raw WASM kernels on data already in WASM
 * memory (no copies, no validation), in ns per element: where the time of a
 * call goes, and the exact / fast ratio. Best of 30 batches (the machine is
 * shared: the minimum is the least disturbed figure).
 */
import { ensureMemory, wasmInstance } from "../src/kernels/wasm/runtime.js";

const w = wasmInstance();
if (w === null) throw new Error("no WebAssembly SIMD here");
const rows = Number(process.env.ROWS ?? 32);
const n = Number(process.env.N ?? 1000);
const s = (rows * 32 + 4095) & ~4095;
const xb = s + ((n * 8 + 4095) & ~4095);
const yb = xb + ((rows * n * 4 + 15) & ~15);
ensureMemory(w, yb + rows * n * 4 + 64);
const data = Float32Array.from({ length: rows * n }, (_, i) => 4 * Math.sin(i * 12.9898) * Math.cos(i * 0.37));
const k = w.k;
const kernels: [string, () => void][] = [
  ["softmax exact", () => k.softmax_exact(xb, yb, s, 0, rows, n, 0)],
  ["softmax fast", () => k.softmax_fast(xb, yb, s, 0, rows, n, 0)],
  ["stats exact (logSumExp)", () => k.stats_exact(xb, 0, rows, n)],
  ["stats fast (logSumExp)", () => k.stats_fast(xb, 0, rows, n)],
  ["logSoftmax finish exact", () => k.logsoftmax_exact(xb, yb, 0, rows, n)],
  ["logSoftmax finish fast", () => k.logsoftmax_fast(xb, yb, 0, rows, n)],
];
for (const [name, call] of kernels) {
  let best = Number.POSITIVE_INFINITY;
  for (let b = 0; b < 30; b++) {
    // Fast softmax works in place (e·2^64 overwrites x): restore the input every batch.
    w.f32.set(data, xb >> 2);
    k.stats_exact(xb, 0, rows, n);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) {
      w.f32.set(data, xb >> 2);
      call();
    }
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${name.padEnd(26)} ${((best / 20 / rows / n) * 1e6).toFixed(3)} ns/element (incl. a 4-byte copy per element)`);
}
