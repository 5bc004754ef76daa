/** The process surroundings a command runs in (streams and environment), passed explicitly so that tests and embedders can swap them. */
import type { Readable, Writable } from "node:stream";

export interface CliContext {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** The real process. */
export function processContext(): CliContext {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Colours: `--color` / `--no-color` win; otherwise only on a terminal and when NO_COLOR is unset or empty (https://no-color.org). */
export function useColor(flag: boolean | undefined, stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (flag !== undefined) return flag;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  return stream.isTTY === true;
}
