/**
 * Options shared by the commands: declared once here, added to a command by name, and parsed
 * into checked values. A bad value is a usage error (exit code 2) naming the option.
 */
import { readFileSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Backend } from "../kernels/wasm/backend.js";
import { unmark } from "./argv.js";
import { UsageError } from "./errors.js";
import { INPUT_FORMATS } from "./io/rows.js";
import { OUTPUT_FORMATS, type OutputFormat } from "./output/formats.js";

/** The options a command can take. */
export const OPTION_NAMES = ["input", "temperature", "axis", "mask", "precision", "top", "labels", "digits", "format", "color", "progress", "compare"] as const;
export type OptionName = (typeof OPTION_NAMES)[number];

function integer(name: string, min: number) {
  return (raw: string) => {
    const v = unmark(raw);
    if (!/^[+-]?\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got ${JSON.stringify(v)} for ${name}.`);
    return Number(v);
  };
}

function temperature(raw: string): number {
  const v = unmark(raw).trim();
  const t = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(v) ? Number(v) : Number.NaN;
  if (!(t >= 0) || !Number.isFinite(t)) throw new InvalidArgumentError(`expected a finite number ≥ 0, got ${JSON.stringify(v)}.`);
  return t;
}

function axis(raw: string): number {
  const v = unmark(raw);
  if (!/^[+-]?\d+$/.test(v)) throw new InvalidArgumentError(`expected an integer (negative counts from the last axis), got ${JSON.stringify(v)}.`);
  return Number(v);
}

function mask(raw: string): Uint8Array {
  const parts = unmark(raw)
    .split(/[\s,]+/)
    .filter((s) => s !== "");
  const out = new Uint8Array(parts.length);
  parts.forEach((p, i) => {
    const v = p.toLowerCase();
    if (v === "1" || v === "true") out[i] = 1;
    else if (v !== "0" && v !== "false")
      throw new InvalidArgumentError(`expected 1 (keep) or 0 (mask out) for each class, got ${JSON.stringify(p)} at position ${i + 1}.`);
  });
  if (out.length === 0) throw new InvalidArgumentError("expected a list of 1 (keep) and 0 (mask out), one per class.");
  return out;
}

/** `--labels cat,dog,tiger` or `--labels @file` (one label per line, or a JSON array of strings). */
export function labelsOf(raw: string): string[] {
  const v = unmark(raw);
  if (v.startsWith("@")) {
    const path = v.slice(1);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new UsageError(`--labels ${v}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (text.trimStart().startsWith("[")) {
      let list: unknown;
      try {
        list = JSON.parse(text);
      } catch {
        throw new UsageError(`--labels ${v}: ${path} is not a valid JSON array of strings`);
      }
      if (!Array.isArray(list) || list.some((s) => typeof s !== "string")) throw new UsageError(`--labels ${v}: ${path} must hold a JSON array of strings`);
      return list as string[];
    }
    return text
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter((s) => s !== "");
  }
  const list = v.split(",").map((s) => s.trim());
  if (list.some((s) => s === "")) throw new UsageError(`--labels ${v}: empty label in the list`);
  return list;
}

/** Adds the named options to `cmd`. */
export function addOptions(cmd: Command, names: readonly OptionName[]): Command {
  for (const name of names) {
    switch (name) {
      case "input":
        cmd.addOption(
          new Option("--input-format <format>", "input format instead of guessing from the extension or content").choices(
            INPUT_FORMATS.filter((f) => f !== "args"),
          ),
        );
        cmd.option("--header", "the first CSV/TSV/text line is a header (default: guessed)");
        cmd.option("--no-header", "the first line is data");
        cmd.option("--label <column>", "CSV/TSV label column (a header name or a 1-based number); its values are carried to the output");
        cmd.option("--delimiter <char>", "CSV field delimiter", ",");
        cmd.option("--width <n>", "values per row for raw float32 input (default: the whole input is one row)", integer("--width", 0));
        break;
      case "temperature":
        cmd.option("-t, --temperature <T>", "divide the logits by T first (T ≥ 0; 0 is the argmax limit)", temperature);
        break;
      case "axis":
        cmd.option("--axis <axis>", "the axis to work along (default -1, the last; another axis reads the whole input into memory)", axis);
        break;
      case "mask":
        cmd.option("--mask <list>", "1 keeps a class, 0 masks it out (probability 0), one per class: --mask 1,1,0,1", mask);
        break;
      case "precision":
        cmd.addOption(
          new Option(
            "--precision <mode>",
            "exact: float64 ≤ 4 ulp, float32 correctly rounded; fast: float32 within 2.5 ulp on the WASM backend (float64 stays exact)",
          )
            .choices(["exact", "fast"])
            .default("exact"),
        );
        cmd.addOption(
          new Option(
            "--backend <name>",
            "kernels: auto (WASM SIMD for float32 rows of ≥ 64 values), js, wasm (relaxed SIMD where available), wasm-simd128 or wasm-relaxed (that module variant; JS where it is missing)",
          ).choices(["auto", "js", "wasm", "wasm-simd128", "wasm-relaxed"]),
        );
        break;
      case "top":
        cmd.option("-k, --top <K>", "show the K most likely classes", integer("--top", 0));
        break;
      case "labels":
        cmd.option("-l, --labels <list>", "class names, comma-separated (cat,dog,tiger,none) or @file (one per line, or a JSON array)");
        break;
      case "digits":
        cmd.option("-d, --digits <N>", "round to N decimals (default: exact round-trip in json/csv, 4 in tables)", integer("--digits", 0));
        break;
      case "format":
        cmd.addOption(new Option("-f, --format <format>", "output format").choices(OUTPUT_FORMATS).default("table" satisfies OutputFormat));
        break;
      case "color":
        cmd.option("--color", "colour the table even when stdout is not a terminal");
        cmd.option("--no-color", "no colour (also: NO_COLOR=1)");
        break;
      case "progress":
        cmd.option("--progress", "show a progress bar on stderr even when it is not a terminal");
        cmd.option("--no-progress", "no progress bar");
        break;
      case "compare":
        cmd.option("--compare", "compare with dividing by the sum, and (for two classes) with the sigmoid");
        break;
    }
  }
  return cmd;
}

/** The parsed option values (each present only when the command has the option). */
export interface OptionValues {
  inputFormat?: (typeof INPUT_FORMATS)[number];
  header?: boolean;
  label?: string;
  delimiter?: string;
  width?: number;
  temperature?: number;
  axis?: number;
  mask?: Uint8Array;
  precision?: "exact" | "fast";
  backend?: Backend;
  top?: number;
  labels?: string;
  digits?: number;
  format?: OutputFormat;
  color?: boolean;
  progress?: boolean;
  compare?: boolean;
}

/** Checks the delimiter (one character). */
export function delimiterOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = raw === "\\t" || raw === "tab" ? "\t" : raw;
  if ([...v].length !== 1 || v === '"' || v === "\n")
    throw new UsageError(`--delimiter ${JSON.stringify(raw)}: expected one character (not a quote or newline)`);
  return v;
}
