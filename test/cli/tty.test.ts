/**
 * Terminal behaviour through a pseudo-terminal (util-linux `script`): colours by default and
 * NO_COLOR honoured, the progress bar by default, no binary npy on a terminal, and no waiting
 * for input that will never come (the tool never prompts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { useFixtureDir } from "./fixtures.js";
import { BIN } from "./helpers.js";

const fx = useFixtureDir();
beforeAll(() => {
  execFileSync("script", ["--version"]); // util-linux script must be installed for these tests
});

/** Runs `softmax args` with stdin, stdout and stderr on a terminal. */
function onTerminal(args: string[], env: Record<string, string> = {}, stdoutTo?: string): { out: string; code: number | null } {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ") + (stdoutTo ? ` > ${stdoutTo}` : "");
  const base: Record<string, string | undefined> = { ...process.env, ...env };
  if (!("NO_COLOR" in env)) delete base["NO_COLOR"];
  const r = spawnSync("script", ["-qec", quoted, "/dev/null"], { cwd: fx.dir, env: base, encoding: "utf8", timeout: 20_000 });
  return { out: r.stdout, code: r.status };
}

describe.concurrent("on a terminal", () => {
  it("colours the table", () => {
    const r = onTerminal(["1", "2"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("\x1b[");
  });
  it("NO_COLOR turns colours off; --color wins over NO_COLOR", () => {
    const off = onTerminal(["1", "2"], { NO_COLOR: "1" });
    expect(off.code).toBe(0);
    expect(off.out).not.toContain("\x1b[1m");
    expect(off.out).toContain("probability");
    expect(onTerminal(["1", "2", "--color"], { NO_COLOR: "1" }).out).toContain("\x1b[1m");
  });
  it("draws the progress bar for a file when stdout goes elsewhere, not over a table on the same terminal", () => {
    const r = onTerminal(["logits.csv", "-f", "csv"], {}, "/dev/null");
    expect(r.code).toBe(0);
    expect(r.out).toContain("logits.csv");
    expect(r.out).toContain("100%");
    expect(onTerminal(["logits.csv", "-f", "csv", "--no-progress"], {}, "/dev/null").out).not.toContain("100%");
    expect(onTerminal(["logits.csv"]).out).not.toContain("100%");
  });
  it("refuses to write npy to the terminal (exit 2)", () => {
    const r = onTerminal(["1", "2", "-f", "npy"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("--format npy writes binary data");
  });
  it("never waits for input from the terminal (exit 2)", () => {
    const r = onTerminal([]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("no input: give logits as arguments");
  });
});
