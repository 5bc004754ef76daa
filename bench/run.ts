/**
 * `npm run bench` (`npm run bench:quick`: fewer repetitions).
 *
 * softmax and logSoftmax of float32 logits 4·N(0,1) (seeded) for the shapes
 * of issue 3, in one run, against the anchors: the plain JS loop (the seeds'
 * formula, made stable by subtracting the maximum), @tensorflow/tfjs-backend-cpu,
 * @tensorflow/tfjs-backend-wasm (SIMD binary from node_modules, no network),
 * onnxruntime-node (a hand-encoded one-node model, intraOpNumThreads 1 and its
 * default), our WASM kernels (exact / fast, SIMD128 and relaxed SIMD, 1 and 2 threads), our JS kernel,
 * and the copy floor (`dst.set(src)`).
 *
 * Timings are medians over ≥ 15 samples (each sample repeats the call until it
 * lasts ≥ 3 ms) with the interquartile range and min–max, sampled round-robin
 * across contenders (after each onnxruntime-node default sample, an untimed
 * 20 ms pause lets its spinning pool threads park). The machine's cores
 * are shared, so absolute figures are noisy: ratios within one run are what
 * counts. Accuracy (max ulp, % correctly rounded) is measured for every
 * contender on the same inputs against our float64 JS kernel (itself within
 * 4 float64 ulp of 60-digit decimal.js, test/accuracy), i.e. the exact value
 * to ~2^-50. Results: stdout and bench/results/latest.md. Never part of CI.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as ort from "onnxruntime-node";
import { logits } from "../reference/prng.mjs";
import { createWasmArena, logSoftmax, setBackend, setThreads, softmax } from "../src/index.js";
import { relaxedSupported } from "../src/kernels/wasm/runtime.js";
import { onnxModel } from "./onnx-model.js";

const quick = process.argv.includes("--quick");
/** Module variants timed: relaxed SIMD only where it validates (Node 20: `npm run bench` passes --experimental-wasm-relaxed-simd). */
const VARIANTS = relaxedSupported() ? (["simd128", "relaxed"] as const) : (["simd128"] as const);
const only = process.argv.find((a) => a.startsWith("--shape="))?.slice(8);
/** `--only=a,b`: time only the contenders whose names contain one of these (focused runs; the anchors' columns need them). */
const pick = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const SAMPLES = quick ? 7 : 15;
const SAMPLE_MS = quick ? 1 : 3;
const SHAPES: [number, number][] = [
  [1, 1000],
  [1, 1_000_000],
  [64, 32000],
  [1000, 1000],
  [16384, 128],
];

type Fn = "softmax" | "logSoftmax";
type Run = () => Float32Array | Promise<Float32Array>;
/** The runners of one contender for one shape; `before` runs (untimed) before each of its samples, `after` after each. */
interface Prepared {
  /** Null: no allocating mode (the arena rows). */
  alloc: Run | null;
  out: Run | null;
  before?: () => unknown;
  after?: () => unknown;
  done?: () => void;
}
interface Contender {
  name: string;
  /** Makes the two runners for a shape: allocating (array in → new array out) and with out buffers / prepared input. */
  prepare(fn: Fn, x: Float32Array, rows: number, n: number): Promise<Prepared>;
}

/** The seeds' formula e^x / Σ e^x, made stable (x - max), in plain JS. */
function plainJs(fn: Fn, x: Float32Array, y: Float32Array, rows: number, n: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let m = Number.NEGATIVE_INFINITY;
    for (let i = o; i < o + n; i++) if ((x[i] as number) > m) m = x[i] as number;
    let s = 0;
    if (fn === "softmax") {
      for (let i = o; i < o + n; i++) {
        const e = Math.exp((x[i] as number) - m);
        y[i] = e;
        s += e;
      }
      for (let i = o; i < o + n; i++) y[i] = (y[i] as number) / s;
    } else {
      for (let i = o; i < o + n; i++) s += Math.exp((x[i] as number) - m);
      const l = Math.log(s);
      for (let i = o; i < o + n; i++) y[i] = (x[i] as number) - m - l;
    }
  }
  return y;
}

const contenders: Contender[] = [
  {
    name: "copy floor (dst.set)",
    async prepare(_fn, x) {
      const dst = new Float32Array(x.length);
      return {
        alloc: () => new Float32Array(x),
        out: () => {
          dst.set(x);
          return dst;
        },
      };
    },
  },
  {
    name: "plain JS loop",
    async prepare(fn, x, rows, n) {
      const y = new Float32Array(x.length);
      return { alloc: () => plainJs(fn, x, new Float32Array(x.length), rows, n), out: () => plainJs(fn, x, y, rows, n) };
    },
  },
  ...(["cpu", "wasm"] as const).map(
    (b): Contender => ({
      name: `tfjs-${b}`,
      async prepare(fn, x, rows, n) {
        await tf.setBackend(b);
        const op = fn === "softmax" ? tf.softmax : tf.logSoftmax;
        const input = tf.tensor2d(x, [rows, n]);
        const run = (t: tf.Tensor2D): Float32Array => {
          const y = op(t);
          const d = y.dataSync() as Float32Array;
          y.dispose();
          return d;
        };
        return {
          alloc: () => {
            const t = tf.tensor2d(x, [rows, n]);
            const d = run(t);
            t.dispose();
            return d;
          },
          out: () => run(input),
          before: () => tf.setBackend(b),
          done: () => input.dispose(),
        };
      },
    }),
  ),
  {
    name: "ours, JS kernel",
    async prepare(fn, x, rows, n) {
      const f = fn === "softmax" ? softmax : logSoftmax;
      const y = new Float32Array(x.length);
      const t = { data: x, shape: [rows, n] };
      return {
        alloc: () => f(t).data as Float32Array,
        out: () => f(t, { out: y }).data as Float32Array,
        before: () => setBackend("js"),
        done: () => setBackend("auto"),
      };
    },
  },
  // Our WASM kernels on each module variant (forced: SIMD128, and relaxed SIMD where this Node validates it).
  ...(["exact", "fast"] as const).flatMap((precision) =>
    VARIANTS.flatMap((variant) =>
      [1, 2].map(
        (threads): Contender => ({
          name: `ours ${precision} ${variant === "simd128" ? "SIMD128" : "relaxed"}, ${threads} thread${threads > 1 ? "s" : ""}`,
          async prepare(fn, x, rows, n) {
            const f = fn === "softmax" ? softmax : logSoftmax;
            const y = new Float32Array(x.length);
            const t = { data: x, shape: [rows, n] };
            return {
              alloc: () => f(t, { precision }).data as Float32Array,
              out: () => f(t, { precision, out: y }).data as Float32Array,
              before: async () => {
                setBackend(variant === "simd128" ? "wasm-simd128" : "wasm-relaxed");
                await setThreads(threads);
              },
              done: () => setBackend("auto"),
            };
          },
        }),
      ),
    ),
  ),
  // The same kernels on views of a WASM arena (createWasmArena): input and out buffer in the kernels' memory, no copies
  // (fast softmax into another view: one copy inside the arena, README "Zero-copy arenas"). Out-buffer mode only.
  ...(["exact", "fast"] as const).flatMap((precision) =>
    VARIANTS.map(
      (variant): Contender => ({
        name: `ours ${precision} ${variant === "simd128" ? "SIMD128" : "relaxed"}, arena (no copy)`,
        async prepare(fn, x, rows, n) {
          const f = fn === "softmax" ? softmax : logSoftmax;
          const arena = await createWasmArena({ bytes: 2 * x.length * 4, maxRow: n });
          const ax = arena.float32(x.length);
          ax.set(x);
          const y = arena.float32(x.length);
          const t = { data: ax, shape: [rows, n] };
          return {
            alloc: null,
            out: () => f(t, { precision, out: y }).data as Float32Array,
            before: async () => {
              setBackend(variant === "simd128" ? "wasm-simd128" : "wasm-relaxed");
              await setThreads(1);
            },
            done: () => {
              setBackend("auto");
              arena.dispose();
            },
          };
        },
      }),
    ),
  ),
  ...([1, 0] as const).map(
    // ORT's default pool spins after each run: it comes last in each round-robin round.
    (threads): Contender => ({
      name: threads === 1 ? "onnxruntime-node 1 thread" : `onnxruntime-node default (${cpus().length} threads)`,
      async prepare(fn, x, rows, n) {
        const session = await ort.InferenceSession.create(
          onnxModel(fn === "softmax" ? "Softmax" : "LogSoftmax"),
          threads === 1 ? { intraOpNumThreads: 1 } : {},
        );
        const input = new ort.Tensor("float32", x, [rows, n]);
        const run = async (t: ort.Tensor): Promise<Float32Array> => (await session.run({ x: t })).y?.data as Float32Array;
        return {
          alloc: () => run(new ort.Tensor("float32", new Float32Array(x), [rows, n])),
          out: () => run(input),
          // The default pool's threads spin for a while after each run: let them park before the next contender's
          // sample, so that they do not take a core from it (untimed).
          after: threads === 1 ? undefined : () => new Promise((resolve) => setTimeout(resolve, 20)),
          done: () => void session.release(),
        };
      },
    }),
  ),
];

interface Stats {
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
}

/**
 * Times every runner in round-robin: sample s of every contender is taken
 * before sample s + 1 of any, so a burst of load from other jobs on the shared
 * cores hits all contenders alike and the ratios stay meaningful. Each sample
 * repeats the call until it lasts ≥ SAMPLE_MS (count calibrated once).
 */
async function measure(runs: { run: Run; before?: () => unknown; after?: () => unknown }[]): Promise<Stats[]> {
  const plan: { run: Run; before?: () => unknown; after?: () => unknown; isAsync: boolean; inner: number; samples: number[] }[] = [];
  for (const r of runs) {
    await r.before?.();
    const first = r.run();
    const isAsync = first instanceof Promise;
    await first;
    for (let i = 0; i < 3; i++) await r.run();
    const t0 = performance.now();
    await r.run();
    const est = Math.max(performance.now() - t0, 1e-4);
    await r.after?.();
    plan.push({ ...r, isAsync, inner: Math.max(1, Math.ceil(SAMPLE_MS / est)), samples: [] });
  }
  for (let s = 0; s < SAMPLES; s++) {
    for (const p of plan) {
      await p.before?.();
      const t0 = performance.now();
      if (p.isAsync) for (let i = 0; i < p.inner; i++) await p.run();
      else for (let i = 0; i < p.inner; i++) p.run();
      p.samples.push(((performance.now() - t0) / p.inner) * 1000);
      await p.after?.();
    }
  }
  return plan.map((p) => {
    const v = [...p.samples].sort((a, b) => a - b);
    const q = (f: number): number => v[Math.min(v.length - 1, Math.round(f * (v.length - 1)))] as number;
    return { median: q(0.5), q1: q(0.25), q3: q(0.75), min: v[0] as number, max: v[v.length - 1] as number };
  });
}

/** Float32 ulp at |v| (v a float64 reference). */
function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

function accuracy(y: Float32Array, ref: Float64Array): { maxUlp: number; cr: number } {
  let maxUlp = 0;
  let cr = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] as number;
    const v = y[i] as number;
    if (Object.is(v, Math.fround(r)) || (v === r && v === Math.fround(r))) cr++;
    const e = r === v ? 0 : Math.abs(v - r) / ulp32(r);
    if (!(e <= maxUlp)) maxUlp = e;
  }
  return { maxUlp, cr: (100 * cr) / ref.length };
}

const us = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v.toPrecision(3)} µs`);

async function main(): Promise<void> {
  const tfjsWasmDir = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  setWasmPaths(`${tfjsWasmDir}/`);
  await tf.setBackend("wasm");
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const lines: string[] = [];
  const emit = (s = ""): void => {
    lines.push(s);
    console.log(s);
  };
  emit(`# Benchmark: softmax and logSoftmax, float32 logits 4·N(0,1)`);
  emit();
  emit(
    `${new Date().toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? "?"} × ${cpus().length} (shared with other jobs: timings are noisy, ratios within this run are what counts) · tfjs-wasm SIMD: ${simd} · our relaxed SIMD: ${relaxedSupported()} · ${SAMPLES} samples of ≥ ${SAMPLE_MS} ms${quick ? " (quick)" : ""}`,
  );
  emit();
  emit(
    "Columns: median time per call with interquartile range and min–max; speed-ups of the row over onnxruntime-node 1 thread, onnxruntime-node default and tfjs-wasm in the same mode (> 1: the row is faster); % of copy floor = copy time / row time; accuracy against the float64 JS kernel (max error in float32 ulps, % of outputs correctly rounded). Allocating: array in, new array out (API to API). Out: our `out` buffers; the anchors' input tensor made once (kernel to kernel).",
  );
  for (const fn of ["softmax", "logSoftmax"] as Fn[]) {
    for (const [rows, n] of SHAPES) {
      if (only && only !== `${rows}x${n}`) continue;
      const x = logits(rows * n, 20240 + rows + n);
      setBackend("js");
      const ref = (fn === "softmax" ? softmax : logSoftmax)({ data: new Float64Array(x), shape: [rows, n] }).data as Float64Array;
      setBackend("auto");
      const prepared: Prepared[] = [];
      const accs: { maxUlp: number; cr: number }[] = [];
      const chosen = pick ? contenders.filter((c) => pick.some((p) => c.name.includes(p))) : contenders;
      for (const c of chosen) {
        const p = await c.prepare(fn, x, rows, n);
        await p.before?.();
        accs.push(accuracy(await ((p.alloc ?? p.out) as Run)(), ref));
        prepared.push(p);
      }
      // Allocating and out runs in the same round-robin, so that both columns see the same load.
      const allocRuns = prepared.filter((p) => p.alloc !== null);
      const outRuns = prepared.filter((p) => p.out !== null);
      const all = await measure([
        ...allocRuns.map((p) => ({ run: p.alloc as Run, before: p.before, after: p.after })),
        ...outRuns.map((p) => ({ run: p.out as Run, before: p.before, after: p.after })),
      ]);
      const allocStats = all.slice(0, allocRuns.length);
      const outStats = all.slice(allocRuns.length);
      for (const p of prepared) p.done?.();
      const results = chosen.map((c, i) => {
        const p = prepared[i] as Prepared;
        const a = allocRuns.indexOf(p);
        const j = outRuns.indexOf(p);
        return {
          name: c.name,
          alloc: a >= 0 ? (allocStats[a] as Stats) : null,
          out: j >= 0 ? (outStats[j] as Stats) : null,
          acc: accs[i] as { maxUlp: number; cr: number },
        };
      });
      await setThreads(1);
      const find = (s: string) => results.find((r) => r.name.startsWith(s));
      const anchors = [find("onnxruntime-node 1"), find("onnxruntime-node default"), find("tfjs-wasm")];
      const copy = find("copy floor");
      emit();
      emit(`## ${fn} ${rows}×${n}`);
      emit();
      emit(
        "| contender | allocating: median [IQR] (min–max) | × ORT-1t | × ORT | × tfjs-wasm | % copy | out: median [IQR] | × ORT-1t | × ORT | × tfjs-wasm | % copy | max ulp | % CR |",
      );
      emit("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (const r of results) {
        const cell = (s: Stats | null): string => (s ? `${us(s.median)} [${us(s.q1)}–${us(s.q3)}] (${us(s.min)}–${us(s.max)})` : "–");
        const ratio = (mine: Stats | null, key: "alloc" | "out"): string[] =>
          anchors.map((a) => (mine && a?.[key] ? `${((a[key] as Stats).median / mine.median).toFixed(2)}` : "–"));
        const pct = (mine: Stats | null, key: "alloc" | "out"): string =>
          mine && copy?.[key] ? `${((100 * (copy[key] as Stats).median) / mine.median).toFixed(0)}%` : "–";
        const acc = r.name.startsWith("copy")
          ? ["–", "–"]
          : [r.acc.maxUlp < 1e4 ? r.acc.maxUlp.toFixed(2) : r.acc.maxUlp.toExponential(2), r.acc.cr.toFixed(2)];
        emit(
          `| ${r.name} | ${cell(r.alloc)} | ${ratio(r.alloc, "alloc").join(" | ")} | ${pct(r.alloc, "alloc")} | ${cell(r.out)} | ${ratio(r.out, "out").join(" | ")} | ${pct(r.out, "out")} | ${acc.join(" | ")} |`,
        );
      }
    }
  }
  const dir = join(dirname(fileURLToPath(import.meta.url)), "results");
  mkdirSync(dir, { recursive: true });
  // Focused runs (--shape, --only) do not replace the full tables.
  writeFileSync(join(dir, only || pick ? "latest-focused.md" : quick ? "latest-quick.md" : "latest.md"), `${lines.join("\n")}\n`);
  process.exit(0);
}

await main();
