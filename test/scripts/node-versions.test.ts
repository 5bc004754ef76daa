/**
 * Relaxed SIMD on the Node at hand, for real: Node 20 validates it only behind the V8 flag, Node ≥ 21 by default, and
 * from Node 22 on the flag is refused ("bad option"); checked on 20.20.2, 21.7.3, 22.0.0, 22.23.3, 24.21.0, 26.10.0.
 * `npm test` runs this on Node 20; `node scripts/other-node.mjs 22` (CI) on a real Node 22, with SOFTMAX_EXPECT_NODE
 * naming the version its workers must run.
 */
import { describe, expect, it } from "vitest";
import { RELAXED_FLAG, relaxedNodeFlags, tryFlag, validatesHere } from "../../scripts/node-relaxed.mjs";
import { lastBackend, logSumExp, setBackend, softmax } from "../../src/index.js";
import { relaxedSupported } from "../../src/kernels/wasm/runtime.js";

const major = Number(process.versions.node.split(".")[0]);
const x = Float32Array.from({ length: 4 * 256 }, (_, i) => Math.sin(i) * 5);

describe(`relaxed SIMD on this Node (${process.version})`, () => {
  it("the workers run the Node that started vitest (scripts/other-node.mjs: the one it fetched)", () => {
    expect(process.version).toBe(process.env.SOFTMAX_EXPECT_NODE ?? process.version);
    expect(major).toBeGreaterThanOrEqual(20);
  });

  it("validated without any flag exactly from Node 21 on; auto runs the relaxed kernels there", () => {
    setBackend("auto");
    expect(process.execArgv).not.toContain(RELAXED_FLAG);
    expect(relaxedSupported()).toBe(major >= 21);
    expect(validatesHere()).toBe(relaxedSupported());
    softmax({ data: x, shape: [4, 256] });
    expect(lastBackend()).toBe(major >= 21 ? "wasm-relaxed-exact" : "wasm-exact");
    logSumExp({ data: x, shape: [4, 256] }, { precision: "fast" });
    expect(lastBackend()).toBe(major >= 21 ? "wasm-relaxed-fast" : "wasm-fast");
  });

  it("the launcher's decision: no flag from Node 21 on (no child asked), the flag on Node 20", () => {
    const asked: string[] = [];
    const d = relaxedNodeFlags({
      tryFlag: (flag) => {
        asked.push(flag);
        return tryFlag(flag);
      },
    });
    expect(d.relaxed).toBe(true);
    if (major >= 21) {
      expect(d).toMatchObject({ flags: [] });
      expect(d.reason).toContain("by default");
      expect(asked).toEqual([]);
    } else {
      expect(d).toMatchObject({ flags: [RELAXED_FLAG] });
      expect(asked).toEqual([RELAXED_FLAG]);
    }
  });

  it("the V8 flag: accepted (and validating) on Node 20 and 21, refused from Node 22 on (so it must never be passed there)", () => {
    const t = tryFlag(RELAXED_FLAG);
    if (major >= 22) {
      expect(t).toMatchObject({ started: false, validates: false });
      expect(t.stderr).toContain(`bad option: ${RELAXED_FLAG}`);
    } else expect(t).toMatchObject({ started: true, validates: true });
  });
});
