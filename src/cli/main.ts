#!/usr/bin/env node
/**
 * The `softmax` command-line tool (package bin). Thin over the public API: parses flags, reads
 * inputs, renders, and sets `process.exitCode` (never `process.exit()`, so that output on pipes
 * is never cut short).
 */
import { processContext } from "./context.js";
import { main } from "./program.js";

main(process.argv.slice(2), processContext()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`softmax: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  },
);
