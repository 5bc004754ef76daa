/** What a subcommand provides. Register one by adding it to the list in `commands/index.ts`. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";

export interface CliCommand {
  /** The subcommand name: `softmax log-softmax ...`, `softmax train ...`. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Run when no subcommand is named (only `softmax` itself). */
  isDefault?: boolean;
  /** Declares the arguments and options (see `addOptions` in `cli/options.ts` for the shared ones). */
  configure(cmd: Command): void;
  /**
   * Does the work. Throw {@link DataError} for bad data (exit 1), {@link UsageError} for bad usage
   * (exit 2); anything else is an internal error (exit 3). Write through `ctx.stdout`/`ctx.stderr`
   * (or a `Sink` for large output); never call `process.exit`.
   */
  run(operands: string[], options: Record<string, unknown>, ctx: CliContext): Promise<void>;
}
