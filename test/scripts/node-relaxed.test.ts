import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type FlagProbe, RELAXED_FLAG, RELAXED_PROBE, relaxedNodeFlags, tryFlag, validatesHere } from "../../scripts/node-relaxed.mjs";
import { RELAXED_PROBE as MODULE_PROBE } from "../../src/kernels/wasm/module.js";
import { relaxedSupported } from "../../src/kernels/wasm/runtime.js";

const launcher = fileURLToPath(new URL("../../scripts/node-relaxed.mjs", import.meta.url));
/** A fake child probe, recording whether it was asked. */
function fake(result: FlagProbe): { tryFlag: (flag: string) => FlagProbe; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    tryFlag: (flag) => {
      asked.push(flag);
      return result;
    },
  };
}

describe("relaxedNodeFlags (fake probes)", () => {
  it("Node ≥ 22 (validates by default): no flag, no child started", () => {
    const f = fake({ started: true, validates: true, stderr: "" });
    const d = relaxedNodeFlags({ version: "v22.0.0", execArgv: [], validatesHere: () => true, tryFlag: f.tryFlag });
    expect(d).toMatchObject({ flags: [], relaxed: true });
    expect(d.reason).toContain("by default");
    expect(f.asked).toEqual([]);
  });

  it("Node 20 (validates only with the flag): the flag", () => {
    const f = fake({ started: true, validates: true, stderr: "" });
    const d = relaxedNodeFlags({ version: "v20.0.0", execArgv: [], validatesHere: () => false, tryFlag: f.tryFlag });
    expect(d).toMatchObject({ flags: [RELAXED_FLAG], relaxed: true });
    expect(f.asked).toEqual([RELAXED_FLAG]);
  });

  it("a later Node that dropped the flag and lacks relaxed SIMD: no flag (Node would refuse to start), the refusal in the reason", () => {
    const f = fake({ started: false, validates: false, stderr: `node: bad option: ${RELAXED_FLAG}` });
    const d = relaxedNodeFlags({ version: "v99.0.0", execArgv: [], validatesHere: () => false, tryFlag: f.tryFlag });
    expect(d).toMatchObject({ flags: [], relaxed: false });
    expect(d.reason).toContain("bad option");
  });

  it("a Node that accepts the flag without effect: no flag, not relaxed", () => {
    const f = fake({ started: true, validates: false, stderr: "" });
    const d = relaxedNodeFlags({ version: "v21.0.0", execArgv: [], validatesHere: () => false, tryFlag: f.tryFlag });
    expect(d).toMatchObject({ flags: [], relaxed: false });
    expect(d.reason).toContain("even with");
  });

  it("a flag that works but warns: passed, the warning in the reason", () => {
    const f = fake({ started: true, validates: true, stderr: "Warning: flag is deprecated\nmore" });
    const d = relaxedNodeFlags({ version: "v20.0.0", execArgv: [], validatesHere: () => false, tryFlag: f.tryFlag });
    expect(d).toMatchObject({ flags: [RELAXED_FLAG], relaxed: true });
    expect(d.reason).toContain("(Warning: flag is deprecated)");
  });

  it("this process started with the flag: decided without a child", () => {
    for (const here of [true, false]) {
      const f = fake({ started: true, validates: true, stderr: "" });
      const d = relaxedNodeFlags({ version: "v20.0.0", execArgv: [RELAXED_FLAG], validatesHere: () => here, tryFlag: f.tryFlag });
      expect(d).toMatchObject(here ? { flags: [RELAXED_FLAG], relaxed: true } : { flags: [], relaxed: false });
      expect(f.asked).toEqual([]);
    }
  });
});

describe("scripts/node-relaxed.mjs on this Node", () => {
  it("its probe is the module's probe, and validates here exactly when the runtime says relaxed SIMD is on", () => {
    expect(Buffer.from(RELAXED_PROBE).toString("base64")).toBe(MODULE_PROBE);
    expect(validatesHere()).toBe(relaxedSupported());
  });

  it("a bogus flag: the child probe reports that Node refused it", () => {
    const t = tryFlag("--experimental-wasm-no-such-feature");
    expect(t).toMatchObject({ started: false, validates: false });
    expect(t.stderr).toContain("bad option");
  });

  it("the decision for this Node gives relaxed SIMD (Node ≥ 20), with the flag exactly when this process lacks it", () => {
    const d = relaxedNodeFlags();
    expect(d.relaxed).toBe(true);
    expect(d.flags).toEqual(validatesHere() && !process.execArgv.includes(RELAXED_FLAG) ? [] : [RELAXED_FLAG]);
  });

  it("the launcher starts Node with relaxed SIMD, passes the arguments through and returns the exit status", () => {
    const script = `process.stdout.write(JSON.stringify([WebAssembly.validate(Uint8Array.from(${JSON.stringify([...RELAXED_PROBE])})), process.argv.slice(1)])); process.exit(7)`;
    const r = spawnSync(process.execPath, [launcher, "-e", script, "a", "--quick"], { encoding: "utf8" });
    expect(r.status).toBe(7);
    expect(JSON.parse(r.stdout)).toEqual([true, ["a", "--quick"]]);
    expect(r.stderr).toBe("");
  });
});
