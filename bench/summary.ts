/**
 * `npm run bench:summary [-- file]`: the README tables (out buffers, allocating, accuracy) from bench/results/latest.md (or file), as
 * Markdown on stdout: medians of the anchors and of our kernels (exact / fast on SIMD128 and relaxed SIMD), and the
 * speed-ups of ours over each anchor (anchor time ÷ ours: > 1, ours faster). Reads only; never part of CI.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "results", "latest.md");
const text = readFileSync(file, "utf8");
const ROWS = {
  ort1: "onnxruntime-node 1 thread",
  ort: "onnxruntime-node default",
  tw: "tfjs-wasm",
  tc: "tfjs-cpu",
  pj: "plain JS loop",
  es: "ours exact SIMD128, 1 thread",
  er: "ours exact relaxed, 1 thread",
  fs: "ours fast SIMD128, 1 thread",
  fr: "ours fast relaxed, 1 thread",
  fr2: "ours fast relaxed, 2 threads",
} as const;
type Key = keyof typeof ROWS;

/** µs from "2.04 µs [...]" or "3.50 ms [...]". */
function micros(cell: string | undefined): number {
  const m = /^([\d.]+) (µs|ms)/.exec(cell?.trim() ?? "");
  if (m === null) return Number.NaN;
  return Number(m[1]) * (m[2] === "ms" ? 1000 : 1);
}
const fmt = (us: number): string => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toPrecision(3)} µs`);

const out: string[] = [];
const alloc: string[] = [];
const acc: string[] = [];
for (const section of text.split(/^## /m).slice(1)) {
  // "softmax 1000×1000" or "softmax 64×8×4096 axis 1" (bench/results/latest-extra.md: `npm run bench:summary -- <file>`).
  const [fn, ...words] = (section.split("\n")[0] as string).split(" ") as [string, ...string[]];
  const shape = words.join(" ");
  const cells = new Map<string, string[]>();
  for (const line of section.split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| contender")) continue;
    const c = line
      .trim()
      .slice(1, -1)
      .split("|")
      .map((s) => s.trim());
    cells.set(c[0] as string, c);
  }
  const row = (k: Key): string[] | undefined => [...cells.entries()].find(([name]) => name.startsWith(ROWS[k]))?.[1];
  const label = `| ${fn} | ${shape.replace("1000000", "10^6")} |`;
  for (const [col, dest] of [
    [6, out],
    [1, alloc],
  ] as const) {
    const t = (k: Key): number => micros(row(k)?.[col]);
    const r = (a: Key, b: Key): string => (t(a) / t(b)).toFixed(2);
    const vs = (mine: Key): string => `${r("ort1", mine)} / ${r("ort", mine)} / ${r("tw", mine)}`;
    dest.push(
      `${label} ${(["ort1", "ort", "tw", "es", "er", "fs", "fr", "fr2"] as Key[]).map((k) => fmt(t(k))).join(" | ")} | ${vs("fs")} | ${vs("fr")} | ${vs("er")} | ${r("ort", "fr2")} | ${r("es", "fs")} / ${r("er", "fr")} |`,
    );
  }
  acc.push(`${label} ${(["pj", "tc", "tw", "ort1", "es", "er", "fs", "fr"] as Key[]).map((k) => `${row(k)?.[11]} / ${row(k)?.[12]}%`).join(" | ")} |`);
}
const head =
  "| function | shape | ORT 1 thread | ORT default | tfjs-wasm | exact SIMD128 | exact relaxed | fast SIMD128 | fast relaxed | fast relaxed, 2 threads | fast SIMD128 vs ORT-1t / ORT / tfjs-wasm | fast relaxed vs ORT-1t / ORT / tfjs-wasm | exact relaxed vs ORT-1t / ORT / tfjs-wasm | fast relaxed 2 threads vs ORT default | exact ÷ fast (SIMD128 / relaxed) |\n" +
  `|${"---|".repeat(15)}`;
console.log(`**out buffers (kernel to kernel)**\n\n${head}\n${out.join("\n")}\n`);
console.log(`**allocating (API to API)**\n\n${head}\n${alloc.join("\n")}\n`);
console.log(
  `**Accuracy** (max ulp / % correctly rounded)\n\n| function | shape | plain JS | tfjs-cpu | tfjs-wasm | ORT | exact SIMD128 | exact relaxed | fast SIMD128 | fast relaxed |\n|${"---|".repeat(10)}\n${acc.join("\n")}`,
);
