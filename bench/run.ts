/**
 * `npm run bench` (`npm run bench:quick`: fewer repetitions).
 *
 * softmax and logSoftmax of float32 logits 4·N(0,1) (seeded) for the shapes
 * of issue 3 (`--extra`: shapes users meet instead, classifier batches,
 * language-model vocabularies and other axes; `--shapes=all`: both), in one
 * run, against the anchors: the plain JS loop (the seeds'
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
 * to ~2^-50. Results: stdout and bench/results/latest.md (latest-extra.md,
 * latest-all.md; -quick with --quick). Never part of CI. Along another axis
 * than the last, tfjs (last axis only) runs tf.transpose → op → tf.transpose
 * back, and the arena rows are n/a (that call takes the copying path).
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
/** `--shapes=issue` (default: issue 3's shapes), `--shapes=extra` (alias `--extra`: shapes users meet) or `--shapes=all`. */
const SET = process.argv.includes("--extra") ? "extra" : (process.argv.find((a) => a.startsWith("--shapes="))?.slice(9) ?? "issue");
if (SET !== "issue" && SET !== "extra" && SET !== "all") throw new Error(`--shapes=${SET}: expected issue, extra or all`);
/** Module variants timed: relaxed SIMD only where it validates (`npm run bench` starts Node through scripts/node-relaxed.mjs). */
const VARIANTS = relaxedSupported() ? (["simd128", "relaxed"] as const) : (["simd128"] as const);
const only = process.argv.find((a) => a.startsWith("--shape="))?.slice(8);
/** `--shape=1000x1000` or `--shape=64x8x4096@1` (another axis than the last): that case only. */
/** `--only=a,b`: time only the contenders whose names contain one of these (focused runs; the anchors' columns need them). */
const pick = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const SAMPLES = quick ? 7 : 15;
const SAMPLE_MS = quick ? 1 : 3;
/** A benchmark case: a float32 tensor of `shape`, softmax along `axis` (non-negative). */
interface Case {
  shape: number[];
  axis: number;
}
const lastAxis = (...shape: number[]): Case => ({ shape, axis: shape.length - 1 });
/** Issue 3's shapes (last axis). */
const ISSUE: Case[] = [lastAxis(1, 1000), lastAxis(1, 1_000_000), lastAxis(64, 32000), lastAxis(1000, 1000), lastAxis(16384, 128)];
/**
 * Shapes users meet: classifier batches (2, 10, 100 and ImageNet's 1000 classes), language-model vocabularies (GPT-2's
 * 50257 for a batch of 8, Qwen2's 151936 for one token), attention-like [batch, heads, keys] along the heads axis, and
 * a [classes, batch] layout along axis 0.
 */
const EXTRA: Case[] = [
  lastAxis(65536, 2),
  lastAxis(65536, 10),
  lastAxis(16384, 100),
  lastAxis(4096, 1000),
  lastAxis(8, 50257),
  lastAxis(1, 151936),
  { shape: [64, 8, 4096], axis: 1 },
  { shape: [10, 65536], axis: 0 },
];
const CASES = SET === "issue" ? ISSUE : SET === "extra" ? EXTRA : [...ISSUE, ...EXTRA];
const isLast = (c: Case): boolean => c.axis === c.shape.length - 1;
/** Slices outer × inner of n values each, stride inner (1 along the last axis). */
function geometry(c: Case): { size: number; outer: number; n: number; inner: number } {
  const prod = (a: number[]): number => a.reduce((p, d) => p * d, 1);
  return { size: prod(c.shape), outer: prod(c.shape.slice(0, c.axis)), n: c.shape[c.axis] as number, inner: prod(c.shape.slice(c.axis + 1)) };
}
/** `--shape=` key: 1000x1000, 64x8x4096@1. */
const key = (c: Case): string => `${c.shape.join("x")}${isLast(c) ? "" : `@${c.axis}`}`;
/** Section title: 1000×1000, 64×8×4096 axis 1. */
const title = (c: Case): string => `${c.shape.join("×")}${isLast(c) ? "" : ` axis ${c.axis}`}`;

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
  /**
   * Makes the two runners for a case: allocating (array in → new array out) and with out buffers / prepared input; a
   * string when the contender does not apply to the case (why, for the table).
   */
  prepare(fn: Fn, x: Float32Array, c: Case): Promise<Prepared | string>;
}

/** The seeds' formula e^x / Σ e^x, made stable (x - max), in plain JS: one slice at a time, stride `inner`. */
function plainJs(fn: Fn, x: Float32Array, y: Float32Array, c: Case): Float32Array {
  const { outer, n, inner } = geometry(c);
  const end = n * inner;
  for (let b = 0; b < outer; b++) {
    for (let j = 0; j < inner; j++) {
      const o = b * end + j;
      let m = Number.NEGATIVE_INFINITY;
      for (let i = o; i < o + end; i += inner) if ((x[i] as number) > m) m = x[i] as number;
      let s = 0;
      if (fn === "softmax") {
        for (let i = o; i < o + end; i += inner) {
          const e = Math.exp((x[i] as number) - m);
          y[i] = e;
          s += e;
        }
        for (let i = o; i < o + end; i += inner) y[i] = (y[i] as number) / s;
      } else {
        for (let i = o; i < o + end; i += inner) s += Math.exp((x[i] as number) - m);
        const l = Math.log(s);
        for (let i = o; i < o + end; i += inner) y[i] = (x[i] as number) - m - l;
      }
    }
  }
  return y;
}

/** The backend that forces a module variant, and its name in the tables. */
const forced = (variant: "simd128" | "relaxed") => (variant === "simd128" ? "wasm-simd128" : "wasm-relaxed");
const variantName = (variant: "simd128" | "relaxed"): string => (variant === "simd128" ? "SIMD128" : "relaxed");

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
    async prepare(fn, x, c) {
      const y = new Float32Array(x.length);
      return { alloc: () => plainJs(fn, x, new Float32Array(x.length), c), out: () => plainJs(fn, x, y, c) };
    },
  },
  ...(["cpu", "wasm"] as const).map(
    (b): Contender => ({
      name: `tfjs-${b}`,
      async prepare(fn, x, c) {
        await tf.setBackend(b);
        const op = fn === "softmax" ? tf.softmax : tf.logSoftmax;
        const input = tf.tensor(x, c.shape);
        // tfjs takes the last axis only: another axis is moved last and back (what its users write).
        const perm = c.shape.map((_, i) => i).filter((i) => i !== c.axis);
        perm.push(c.axis);
        const back = perm.map((_, i) => perm.indexOf(i));
        const run = (t: tf.Tensor): Float32Array => {
          const y = isLast(c) ? op(t) : tf.tidy(() => tf.transpose(op(tf.transpose(t, perm)), back));
          const d = y.dataSync() as Float32Array;
          y.dispose();
          return d;
        };
        return {
          alloc: () => {
            const t = tf.tensor(x, c.shape);
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
    async prepare(fn, x, c) {
      const f = fn === "softmax" ? softmax : logSoftmax;
      const y = new Float32Array(x.length);
      const t = { data: x, shape: c.shape };
      return {
        alloc: () => f(t, { axis: c.axis }).data as Float32Array,
        out: () => f(t, { axis: c.axis, out: y }).data as Float32Array,
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
          name: `ours ${precision} ${variantName(variant)}, ${threads} thread${threads > 1 ? "s" : ""}`,
          async prepare(fn, x, c) {
            const f = fn === "softmax" ? softmax : logSoftmax;
            const y = new Float32Array(x.length);
            const t = { data: x, shape: c.shape };
            return {
              alloc: () => f(t, { precision, axis: c.axis }).data as Float32Array,
              out: () => f(t, { precision, axis: c.axis, out: y }).data as Float32Array,
              before: async () => {
                setBackend(forced(variant));
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
        name: `ours ${precision} ${variantName(variant)}, arena (no copy)`,
        async prepare(fn, x, c) {
          if (!isLast(c)) return "another axis than the last takes the copying path (README, Zero-copy arenas)";
          const f = fn === "softmax" ? softmax : logSoftmax;
          const arena = await createWasmArena({ bytes: 2 * x.length * 4, maxRow: geometry(c).n });
          const ax = arena.float32(x.length);
          ax.set(x);
          const y = arena.float32(x.length);
          const t = { data: ax, shape: c.shape };
          return {
            alloc: null,
            out: () => f(t, { precision, out: y }).data as Float32Array,
            before: async () => {
              setBackend(forced(variant));
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
      async prepare(fn, x, c) {
        const session = await ort.InferenceSession.create(
          onnxModel(fn === "softmax" ? "Softmax" : "LogSoftmax", c.shape.length, c.axis),
          threads === 1 ? { intraOpNumThreads: 1 } : {},
        );
        const input = new ort.Tensor("float32", x, c.shape);
        const run = async (t: ort.Tensor): Promise<Float32Array> => (await session.run({ x: t })).y?.data as Float32Array;
        return {
          alloc: () => run(new ort.Tensor("float32", new Float32Array(x), c.shape)),
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
  emit(
    `# Benchmark: softmax and logSoftmax, float32 logits 4·N(0,1)${SET === "issue" ? "" : `, ${SET === "extra" ? "shapes users meet" : "issue 3's shapes and shapes users meet"}`}`,
  );
  emit();
  emit(
    `${new Date().toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? "?"} × ${cpus().length} (shared with other jobs: timings are noisy, ratios within this run are what counts) · tfjs-wasm SIMD: ${simd} · our relaxed SIMD: ${relaxedSupported()} · ${SAMPLES} samples of ≥ ${SAMPLE_MS} ms${quick ? " (quick)" : ""}`,
  );
  emit();
  emit(
    "Columns: median time per call with interquartile range and min–max; speed-ups of the row over onnxruntime-node 1 thread, onnxruntime-node default and tfjs-wasm in the same mode (> 1: the row is faster); % of copy floor = copy time / row time; accuracy against the float64 JS kernel (max error in float32 ulps, % of outputs correctly rounded). Allocating: array in, new array out (API to API). Out: our `out` buffers; the anchors' input tensor made once (kernel to kernel).",
  );
  if (CASES.some((c) => !isLast(c))) {
    emit();
    emit(
      'Along another axis than the last (sections "axis k"): onnxruntime-node takes the axis attribute; tfjs softmax takes the last axis only, so its rows time tf.transpose → op → tf.transpose back (what its users write); our arena rows are n/a (that call takes the copying path); the plain JS loop walks each slice with its stride.',
    );
  }
  for (const fn of ["softmax", "logSoftmax"] as Fn[]) {
    for (const c of CASES) {
      if (only && only !== key(c)) continue;
      const { size, n } = geometry(c);
      const x = logits(size, 20240 + size / n + n);
      setBackend("js");
      const ref = (fn === "softmax" ? softmax : logSoftmax)({ data: new Float64Array(x), shape: c.shape }, { axis: c.axis }).data as Float64Array;
      setBackend("auto");
      const prepared: (Prepared | string)[] = [];
      const accs: { maxUlp: number; cr: number }[] = [];
      const chosen = pick ? contenders.filter((k) => pick.some((p) => k.name.includes(p))) : contenders;
      for (const k of chosen) {
        const p = await k.prepare(fn, x, c);
        if (typeof p !== "string") {
          await p.before?.();
          accs.push(accuracy(await ((p.alloc ?? p.out) as Run)(), ref));
        } else accs.push({ maxUlp: Number.NaN, cr: Number.NaN });
        prepared.push(p);
      }
      // Allocating and out runs in the same round-robin, so that both columns see the same load.
      const runnable = prepared.filter((p): p is Prepared => typeof p !== "string");
      const allocRuns = runnable.filter((p) => p.alloc !== null);
      const outRuns = runnable.filter((p) => p.out !== null);
      const all = await measure([
        ...allocRuns.map((p) => ({ run: p.alloc as Run, before: p.before, after: p.after })),
        ...outRuns.map((p) => ({ run: p.out as Run, before: p.before, after: p.after })),
      ]);
      const allocStats = all.slice(0, allocRuns.length);
      const outStats = all.slice(allocRuns.length);
      for (const p of runnable) p.done?.();
      const results = chosen.map((k, i) => {
        const p = prepared[i] as Prepared | string;
        const a = typeof p === "string" ? -1 : allocRuns.indexOf(p);
        const j = typeof p === "string" ? -1 : outRuns.indexOf(p);
        return {
          name: k.name,
          na: typeof p === "string" ? p : null,
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
      emit(`## ${fn} ${title(c)}`);
      emit();
      emit(
        "| contender | allocating: median [IQR] (min–max) | × ORT-1t | × ORT | × tfjs-wasm | % copy | out: median [IQR] | × ORT-1t | × ORT | × tfjs-wasm | % copy | max ulp | % CR |",
      );
      emit("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (const r of results) {
        if (r.na !== null) {
          emit(`| ${r.name} | n/a: ${r.na} |${" – |".repeat(11)}`);
          continue;
        }
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
  const file = only || pick ? "latest-focused.md" : `latest${SET === "issue" ? "" : `-${SET}`}${quick ? "-quick" : ""}.md`;
  writeFileSync(join(dir, file), `${lines.join("\n")}\n`);
  process.exit(0);
}

await main();
