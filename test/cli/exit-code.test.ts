/** The one function that decides exit codes. */
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { DataError, UsageError } from "../../src/cli/errors.js";
import { EXIT, exitCodeOf } from "../../src/cli/exit-code.js";
import { SoftmaxError } from "../../src/index.js";

describe("exitCodeOf", () => {
  it("0 for success, --help and --version, and a reader that went away", () => {
    expect(exitCodeOf(undefined)).toBe(EXIT.OK);
    expect(exitCodeOf(new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"))).toBe(EXIT.OK);
    expect(exitCodeOf(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))).toBe(EXIT.OK);
  });
  it("1 for bad data", () => {
    expect(exitCodeOf(new DataError("x", { source: "f", line: 1 }))).toBe(EXIT.DATA);
    expect(exitCodeOf(new SoftmaxError({ code: "EMPTY", fn: "argmax", arg: "x" }))).toBe(EXIT.DATA);
    expect(exitCodeOf(new SoftmaxError({ code: "NOT_A_NUMBER", fn: "softmax", arg: "x" }))).toBe(EXIT.DATA);
    expect(exitCodeOf(Object.assign(new Error("no file"), { code: "ENOENT" }))).toBe(EXIT.DATA);
  });
  it("2 for usage", () => {
    expect(exitCodeOf(new UsageError("x"))).toBe(EXIT.USAGE);
    expect(exitCodeOf(new CommanderError(1, "commander.unknownOption", "error: unknown option '--x'"))).toBe(EXIT.USAGE);
    expect(exitCodeOf(new SoftmaxError({ code: "INVALID_OPTION", fn: "softmax", arg: "options.temperature" }))).toBe(EXIT.USAGE);
  });
  it("3 for anything else", () => {
    expect(exitCodeOf(new TypeError("bug"))).toBe(EXIT.INTERNAL);
    expect(exitCodeOf("a string")).toBe(EXIT.INTERNAL);
  });
});
