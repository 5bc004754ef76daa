import { defineConfig } from "vitest/config";
import { relaxedNodeFlags } from "./scripts/node-relaxed.mjs";

/** How the "wasm-relaxed" project's workers get relaxed SIMD: the V8 flag only where this Node needs and accepts it. */
const relaxed = relaxedNodeFlags();

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts"] } },
      {
        // The WASM kernel tests again on the relaxed-SIMD module (Node 20 validates it only behind a V8 flag, Node ≥ 22 by
        // default: scripts/node-relaxed.mjs decides). Where no Node flag gives relaxed SIMD, test/scripts/require-relaxed.ts
        // fails every file of this project with the reason, rather than testing nothing.
        extends: true,
        test: {
          name: "wasm-relaxed",
          include: ["test/wasm/{kernels,across,across-exact,threads,dispatch,arena,memory,short-rows,exact-rows,lse-exact,rows-exact}.test.ts"],
          execArgv: relaxed.flags,
          env: { SOFTMAX_TEST_WASM: "relaxed", SOFTMAX_RELAXED_REASON: relaxed.reason },
          setupFiles: ["test/scripts/require-relaxed.ts"],
        },
      },
    ],
  },
});
