#!/usr/bin/env node
/**
 * `node scripts/node-relaxed.mjs [node options] script [args]`: runs Node (this `process.execPath`) with relaxed
 * WebAssembly SIMD on, passing `--experimental-wasm-relaxed-simd` only where this Node needs it AND accepts it.
 *
 * Node 20 validates relaxed SIMD only behind that V8 flag; Node ≥ 21 has it on by default, and from Node 22 on V8 has
 * dropped the flag (Node refuses to start with it: "bad option"; checked on real 22.0.0, 22.23.3, 24.21.0 and 26.10.0,
 * test/scripts/node-versions.test.ts, scripts/other-node.mjs). So the choice is made at run time, by
 * validating a tiny relaxed-SIMD module (one f32x4.relaxed_madd, the probe src/kernels/wasm/runtime.ts uses):
 * 1. it validates here, and this process was not started with the flag → relaxed SIMD is on by default: no flag;
 * 2. else a child `node --experimental-wasm-relaxed-simd` is asked to validate it (≈ 90 ms): it starts, prints
 *    true → pass the flag (a warning it prints is passed on in the reason);
 * 3. else relaxed SIMD is unavailable: no flag (the benchmark then times the SIMD128 module only, and says so), and
 *    the reason is printed on stderr.
 *
 * Used by the bench scripts (package.json) and by vitest.config.ts (the "wasm-relaxed" project's execArgv).
 */
import { spawn, spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const RELAXED_FLAG = "--experimental-wasm-relaxed-simd";

/**
 * `(module (func (param v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 0) (local.get 0))))`:
 * the bytes of RELAXED_PROBE in src/kernels/wasm/module.ts (test/scripts/node-relaxed.test.ts checks they agree).
 */
export const RELAXED_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7b, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20,
  0x00, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x85, 0x02, 0x0b,
]);

/** True when this process validates the relaxed-SIMD probe. */
export function validatesHere() {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/**
 * Starts `node <flag> -e …` (this Node binary) and reports whether it started cleanly and validated the probe.
 * @param {string} flag
 * @returns {{ started: boolean, validates: boolean, stderr: string }}
 */
export function tryFlag(flag) {
  const probe = `process.stdout.write(String(WebAssembly.validate(Uint8Array.from(${JSON.stringify([...RELAXED_PROBE])}))))`;
  const r = spawnSync(process.execPath, [flag, "-e", probe], { encoding: "utf8", timeout: 30_000, env: process.env });
  return { started: r.status === 0, validates: r.status === 0 && r.stdout.trim() === "true", stderr: (r.stderr ?? "").trim() };
}

/**
 * The decision (pure, given the probes): which flags make a new Node process validate relaxed SIMD.
 * `tryFlag` is called only when the answer is not already known from this process.
 * @param {{ version?: string, execArgv?: string[], validatesHere?: () => boolean, tryFlag?: typeof tryFlag }} [probes]
 * @returns {{ flags: string[], relaxed: boolean, reason: string }}
 */
export function relaxedNodeFlags(probes = {}) {
  const version = probes.version ?? process.version;
  const execArgv = probes.execArgv ?? process.execArgv;
  const here = (probes.validatesHere ?? validatesHere)();
  const startedWithFlag = execArgv.includes(RELAXED_FLAG);
  if (here && !startedWithFlag) return { flags: [], relaxed: true, reason: `Node ${version} validates relaxed SIMD by default: no flag` };
  if (here) return { flags: [RELAXED_FLAG], relaxed: true, reason: `Node ${version} validates relaxed SIMD with ${RELAXED_FLAG} (this process has it)` };
  if (startedWithFlag) return { flags: [], relaxed: false, reason: `Node ${version} accepts ${RELAXED_FLAG} but does not validate relaxed SIMD with it` };
  const t = (probes.tryFlag ?? tryFlag)(RELAXED_FLAG);
  const said = t.stderr === "" ? "" : ` (${t.stderr.split("\n")[0]})`;
  if (t.validates) return { flags: [RELAXED_FLAG], relaxed: true, reason: `Node ${version} validates relaxed SIMD only with ${RELAXED_FLAG}${said}` };
  if (!t.started) return { flags: [], relaxed: false, reason: `Node ${version} lacks relaxed SIMD and refuses ${RELAXED_FLAG}${said}` };
  return { flags: [], relaxed: false, reason: `Node ${version} does not validate relaxed SIMD, even with ${RELAXED_FLAG}${said}` };
}

/** Runs `node <flags> ...args` with inherited stdio; exits with its status (or re-raises its signal). */
function main(args) {
  const d = relaxedNodeFlags();
  if (!d.relaxed) console.error(`node-relaxed: relaxed SIMD unavailable: ${d.reason}`);
  const child = spawn(process.execPath, [...d.flags, ...args], { stdio: "inherit" });
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => child.kill(s));
  child.on("exit", (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) main(process.argv.slice(2));
