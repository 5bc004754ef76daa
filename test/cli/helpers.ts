/**
 * Runs the BUILT binary (`node dist/cli/main.js`) and records command, stdout, stderr and exit
 * code; a failed expectation prints the whole record. Builds once (under a lock) when dist is
 * missing or older than the sources.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = join(ROOT, "dist/cli/main.js");
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : entry.name.endsWith(".ts") ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

/** Builds the package when dist/cli/main.js is missing or older than src/ (npm test builds first anyway). */
export function ensureBuilt(): void {
  if (existsSync(BIN) && statSync(BIN).mtimeMs >= newestSource(join(ROOT, "src/cli"))) return;
  try {
    execFileSync("flock", ["/tmp/softmax-cli-build.lock", "npm", "run", "build"], { cwd: ROOT, stdio: "pipe" });
  } catch (e) {
    if (!existsSync(BIN)) throw e;
  }
}

/** One recorded run. */
export interface Run {
  command: string;
  stdout: string;
  stderr: string;
  code: number | null;
  /** stdout as bytes (for npy). */
  bytes: Buffer;
}

export interface RunOptions {
  stdin?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
}

/** Runs `softmax ...args` and resolves with the record. */
export function run(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    if (!options.env || !("NO_COLOR" in options.env)) delete env["NO_COLOR"];
    delete env["FORCE_COLOR"];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? FIXTURES, env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const bytes = Buffer.concat(out);
      resolve({
        command: `softmax ${args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ")}`,
        stdout: bytes.toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        code,
        bytes,
      });
    });
    child.stdin.on("error", () => {});
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}

/** The record as text, for failure messages. */
export function show(r: Run): string {
  return `\n$ ${r.command}\n[exit ${r.code}]\n--- stdout ---\n${r.stdout.slice(0, 3000)}\n--- stderr ---\n${r.stderr.slice(0, 3000)}`;
}

/** Throws with the full record unless the exit code is `code`. */
export function expectCode(r: Run, code: number): void {
  if (r.code !== code) throw new Error(`expected exit code ${code}${show(r)}`);
}

/** Parses an .npy buffer (v1, little-endian f4/f8/i4, C order) for checks. */
export function readNpy(buf: Buffer): { dtype: string; shape: number[]; data: number[] } {
  if (buf.subarray(0, 6).toString("latin1") !== "\x93NUMPY") throw new Error("not npy");
  const len = buf.readUInt16LE(8);
  const header = buf.toString("latin1", 10, 10 + len);
  const dtype = /'descr': '([^']+)'/.exec(header)?.[1] ?? "";
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  const body = buf.subarray(10 + len);
  const copy = new Uint8Array(body).buffer;
  const data = dtype === "<f8" ? Array.from(new Float64Array(copy)) : dtype === "<f4" ? Array.from(new Float32Array(copy)) : Array.from(new Int32Array(copy));
  return { dtype, shape, data };
}
