/** Vite config of the explorer page: `npm run explorer` (dev server), `npm run build:explorer` (→ explorer/dist, relative paths, works offline). */
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

/** In the built page only: a Content-Security-Policy that allows nothing from elsewhere (offline by construction) and no inline script (WebAssembly compiles: 'wasm-unsafe-eval'). */
const csp: Plugin = {
  name: "explorer-csp",
  apply: "build",
  transformIndexHtml: () => [
    {
      tag: "meta",
      attrs: {
        "http-equiv": "Content-Security-Policy",
        content:
          "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
      },
      injectTo: "head-prepend",
    },
  ],
};

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [csp],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", modulePreload: { polyfill: false } },
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1", port: 4173 },
});
