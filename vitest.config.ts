import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts"] } },
      {
        // The WASM kernel tests again on the relaxed-SIMD module (Node 20 validates it only behind this V8 flag).
        extends: true,
        test: {
          name: "wasm-relaxed",
          include: ["test/wasm/{kernels,across,threads,dispatch,arena,memory}.test.ts"],
          execArgv: ["--experimental-wasm-relaxed-simd"],
          env: { SOFTMAX_TEST_WASM: "relaxed" },
        },
      },
    ],
  },
});
