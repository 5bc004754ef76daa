import { wasmInstance, ensureMemory } from "../src/kernels/wasm/runtime.ts";
const w = wasmInstance()!;
const n = 1000, rows = 32;
ensureMemory(w, 1 << 22);
for (let i = 0; i < rows * n; i++) w.f32[(1 << 16) / 4 + i] = 4 * (Math.random() * 2 - 1);
const xb = 1 << 16, s = 4096, st = 0;
for (const name of ["softmax_exact", "softmax_fast", "stats_exact", "stats_fast", "logsoftmax_exact", "logsoftmax_fast"]) {
  const f = (w.k as any)[name];
  const call = name.startsWith("softmax") ? () => f(xb, xb + (1 << 20), s, st, rows, n, 0) : name.startsWith("stats") ? () => f(xb, st, rows, n) : () => f(xb, xb + (1 << 20), st, rows, n);
  for (let i = 0; i < 2000; i++) call();
  let best = 1e9; const R = 20;
  for (let b = 0; b < 30; b++) { const t0 = performance.now(); for (let i = 0; i < R; i++) call(); best = Math.min(best, performance.now() - t0); }
  console.log(name, ((best / R / rows / n) * 1e6).toFixed(3), "ns/elem");
}
