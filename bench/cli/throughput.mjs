#!/usr/bin/env node
/**
 * CLI throughput and memory on a generated CSV of 1000-wide rows (the README figures).
 *
 *   npm run build && node bench/cli/throughput.mjs [MB=300] [width=1000]
 *
 * Writes the CSV to a temporary folder, runs `softmax` (default exact output, and --digits 6),
 * `softmax logsumexp`, and NumPy (loadtxt + a stable softmax + savetxt) when python3 has numpy,
 * measuring wall time, CPU time (user + sys) and peak RSS with /usr/bin/time, then deletes the file.
 * MB/s are megabytes of CSV in per second.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const mb = Number(process.argv[2] ?? 300);
const width = Number(process.argv[3] ?? 1000);
const bin = new URL("../../dist/cli/main.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "softmax-cli-bench-"));
const file = join(dir, "logits.csv");

async function generate() {
  const out = createWriteStream(file);
  let bytes = 0;
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  while (bytes < mb * 1e6) {
    let block = "";
    for (let r = 0; r < 32; r++) {
      const row = new Array(width);
      for (let i = 0; i < width; i++) row[i] = (rnd() * 20 - 10).toFixed(4);
      block += `${row.join(",")}\n`;
    }
    bytes += block.length;
    if (!out.write(block)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((r) => out.end(r));
}

function measure(name, cmd, args) {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", cmd, ...args], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", maxBuffer: 1 << 26 });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [wall, user, sys, rssKb] = last.split(" ").map(Number);
  const size = statSync(file).size / 1e6;
  const cpu = user + sys;
  const row = {
    name,
    exit: r.status,
    wall_s: wall,
    cpu_s: +cpu.toFixed(2),
    "MB/s (wall)": +(size / wall).toFixed(1),
    "MB/s (cpu)": +(size / cpu).toFixed(1),
    rss_MB: +(rssKb / 1024).toFixed(0),
  };
  if (r.status !== 0) row.error = r.stderr.slice(0, 300);
  return row;
}

try {
  await generate();
  const size = statSync(file).size;
  console.log(`${(size / 1e6).toFixed(0)} MB CSV, ${width} values per row, ${Math.round(size / (width * 8))} rows (approx.)`);
  const rows = [
    measure("softmax -f csv (exact, round-trip)", process.execPath, [bin, file, "-f", "csv"]),
    measure("softmax -f csv --digits 6", process.execPath, [bin, file, "-f", "csv", "--digits", "6"]),
    measure("softmax logsumexp -f csv", process.execPath, [bin, "logsumexp", file, "-f", "csv"]),
  ];
  let numpy = false;
  try {
    execFileSync("python3", ["-c", "import numpy"]);
    numpy = true;
  } catch {
    console.log("numpy: not available (python3 -c 'import numpy' failed)");
  }
  if (numpy) {
    const py = (fmt) =>
      `import sys, numpy as np\nx = np.loadtxt(sys.argv[1], delimiter=",")\ne = np.exp(x - x.max(axis=1, keepdims=True))\np = e / e.sum(axis=1, keepdims=True)\nnp.savetxt(sys.stdout, p, delimiter=","${fmt})`;
    rows.push(measure("numpy loadtxt + softmax + savetxt (%.18e)", "python3", ["-c", py(""), file]));
    rows.push(measure("numpy loadtxt + softmax + savetxt (%.6f)", "python3", ["-c", py(', fmt="%.6f"'), file]));
    rows.push(
      measure("numpy loadtxt + logsumexp", "python3", [
        "-c",
        'import sys, numpy as np\nx = np.loadtxt(sys.argv[1], delimiter=",")\nm = x.max(axis=1, keepdims=True)\nnp.savetxt(sys.stdout, (m + np.log(np.exp(x - m).sum(axis=1, keepdims=True))).ravel())',
        file,
      ]),
    );
  }
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
