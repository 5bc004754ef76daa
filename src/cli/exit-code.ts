/**
 * Exit codes, decided in one small pure function.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success (also when the reader of stdout went away: `softmax big.csv \| head`) |
 * | 1 | bad data: not a number, ragged rows, malformed CSV/JSON/npy, missing file, empty input |
 * | 2 | usage: unknown command or flag, bad option value, options that do not fit the data |
 * | 3 | internal error (a bug: please report it) |
 */
import { CommanderError } from "commander";
import { SoftmaxError } from "../index.js";
import { DataError, UsageError } from "./errors.js";

export const EXIT = { OK: 0, DATA: 1, USAGE: 2, INTERNAL: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an outcome: `undefined`/`null` is success. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error === undefined || error === null) return EXIT.OK;
  if (error instanceof DataError) return EXIT.DATA;
  if (error instanceof UsageError) return EXIT.USAGE;
  if (error instanceof CommanderError) {
    // --help and --version are successes; everything else commander refuses is usage.
    return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (error instanceof SoftmaxError) {
    // The library refused the data (shape, empty, fully masked) or an option value we passed through.
    return error.code === "INVALID_OPTION" || error.code === "INVALID_AXIS" ? EXIT.USAGE : EXIT.DATA;
  }
  if (isNodeError(error) && (error.code === "ENOENT" || error.code === "EISDIR" || error.code === "EACCES")) return EXIT.DATA;
  if (isNodeError(error) && error.code === "EPIPE") return EXIT.OK;
  return EXIT.INTERNAL;
}

/** A Node system error (`fs`, streams). */
export function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}
