import { softmax, logSoftmax, logSumExp, setBackend, lastBackend, setThreads } from "../src/index.ts";
function randn(n: number) { const a = new Float32Array(n); for (let i = 0; i < n; i++) { a[i] = 4 * Math.sqrt(-2 * Math.log(Math.random() + 1e-300)) * Math.cos(2 * Math.PI * Math.random()); } return a; }
const ulp = (v: number) => { const b = new Float32Array([Math.abs(v)]); const i = new Uint32Array(b.buffer); i[0]++; return b[0] - Math.abs(v); };
console.log("threads", await setThreads(2));
for (const [rows, n, axis] of [[1, 1000000, -1], [64, 32000, -1], [1000, 1000, 0], [16384, 128, -1]]) {
  const data = randn(rows * n); const x = { data, shape: [rows, n] };
  for (const f of [softmax, logSoftmax, logSumExp] as any[]) {
    setBackend("wasm"); await setThreads(1); const ref = f(x, { axis }).data;
    await setThreads(2);
    for (const precision of ["exact", "fast"]) {
      const t0 = performance.now(); const got = f(x, { precision, axis }).data as Float32Array; const t1 = performance.now();
      let bad = 0, maxd = 0;
      const r = ref as Float32Array;
      for (let i = 0; i < r.length; i++) { if (!Object.is(r[i], got[i])) { bad++; const d = Math.abs(r[i] - got[i]) / ulp(r[i]); if (d > maxd) maxd = d; } }
      console.log(f.name, rows, n, axis, precision, lastBackend(), "diff vs 1-thread exact", bad, "/", r.length, "max ulp", maxd, (t1 - t0).toFixed(1), "ms");
    }
  }
}
process.exit(0);
