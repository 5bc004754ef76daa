/**
 * The subcommands, in `--help` order. To add one: write `commands/<name>.ts` exporting a
 * {@link CliCommand}, import it here and add it to the list. Nothing else is needed.
 */
import { explainCommand } from "./explain.js";
import { argmaxCommand, logSoftmaxCommand, logSumExpCommand, sigmoidCommand, softmaxCommand, topKCommand } from "./operations.js";
import { predictCommand } from "./predict.js";
import { trainCommand } from "./train.js";
import type { CliCommand } from "./types.js";

export type { CliCommand } from "./types.js";

export const COMMANDS: CliCommand[] = [
  softmaxCommand,
  logSoftmaxCommand,
  logSumExpCommand,
  sigmoidCommand,
  argmaxCommand,
  topKCommand,
  explainCommand,
  trainCommand,
  predictCommand,
];
