/** The `softmax` program: commander setup, the command list, error reporting and the exit code. */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { markNegativeNumbers } from "./argv.js";
import { COMMANDS } from "./commands/index.js";
import type { CliContext } from "./context.js";
import { DataError } from "./errors.js";
import { EXIT, type ExitCode, exitCodeOf } from "./exit-code.js";

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** Commander's output through the context's streams; its error messages get the `softmax: ` prefix like ours. */
function output(ctx: CliContext) {
  return {
    writeOut: (s: string) => ctx.stdout.write(s),
    writeErr: (s: string) => ctx.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(`softmax: ${s}`),
  };
}

/** Builds the program; commands run with `ctx`. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command("softmax")
    .description("softmax, log-softmax, logsumexp, sigmoid, argmax and top-k of logits from arguments, files or stdin; explain walks through the math")
    .version(version(), "-V, --version")
    .showSuggestionAfterError(true)
    .configureOutput(output(ctx))
    .exitOverride();
  program.addHelpText(
    "after",
    `
Examples:
  softmax 1.3 5.1 2.2 0.7 1.1
  softmax -1 1 2 3 --digits 2          (or: softmax --digits 2 -- -1 1 2 3)
  softmax 1.25 2.44 0.78 0.12 --labels cat,dog,tiger,none
  softmax explain -1 1 2 3 --digits 2 --compare
  softmax logits.csv --format csv > probabilities.csv
  softmax top-k -k 2 iris.csv --label species

Exit codes: 0 ok, 1 bad data, 2 usage error, 3 internal error.`,
  );
  for (const spec of COMMANDS) {
    const cmd = new Command(spec.name).description(spec.description).exitOverride();
    cmd.configureOutput(output(ctx));
    cmd.showHelpAfterError(`(softmax ${spec.isDefault ? "" : `${spec.name} `}--help lists the options)`);
    cmd.showSuggestionAfterError(true);
    spec.configure(cmd);
    cmd.action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      await spec.run(command.args, command.opts(), ctx);
    });
    program.addCommand(cmd, spec.isDefault ? { isDefault: true } : {});
  }
  return program;
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code; prints the error, if any, on stderr. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  let error: unknown;
  try {
    await createProgram(ctx).parseAsync(markNegativeNumbers(argv), { from: "user" });
  } catch (e) {
    error = e;
  }
  const code = exitCodeOf(error);
  if (error !== undefined && !(error instanceof CommanderError) && code !== EXIT.OK) {
    const text = error instanceof Error ? error.message : String(error);
    if (code === EXIT.INTERNAL) {
      ctx.stderr.write(
        `softmax: internal error: ${text}\n${error instanceof Error && error.stack ? `${error.stack}\n` : ""}Please report this at the project's issue tracker.\n`,
      );
    } else {
      ctx.stderr.write(`softmax: ${error instanceof DataError ? "" : "error: "}${text}\n`);
    }
  }
  return code;
}
