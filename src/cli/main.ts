#!/usr/bin/env node
/**
 * The `softmax` command-line tool (package bin). Thin over the public API: parses flags, reads
 * inputs, renders, and sets `process.exitCode` (never `process.exit()`, so that output on pipes
 * is never cut short).
 */
import { processContext } from "./context.js";
import { main } from "./program.js";

// A reader that goes away (`softmax --help | head -1`) is not an error: writes that do not go through the output sink
// (commander's help and version text) would otherwise crash on EPIPE. Anything else on stdout still surfaces.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
});

main(process.argv.slice(2), processContext()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`softmax: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  },
);
