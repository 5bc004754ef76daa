/**
 * The CLI's own error kinds. Library errors ({@link SoftmaxError}) keep their
 * class; {@link exitCodeOf} maps every kind to an exit code in one place.
 */
import { formatPosition, type Position } from "./io/position.js";

/** Bad input data: not a number, ragged rows, malformed CSV/JSON/npy, a missing or unreadable file, empty input. Exit code 1. */
export class DataError extends Error {
  readonly at: Position | undefined;
  /** The message without the position. */
  readonly reason: string;
  constructor(reason: string, at?: Position) {
    super(at ? `${formatPosition(at)}: ${reason}` : reason);
    this.name = "DataError";
    this.reason = reason;
    this.at = at;
  }
}

/** A usage error: unknown flag, bad option value, options that do not fit the data. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
