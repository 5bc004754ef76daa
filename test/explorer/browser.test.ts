/** The browser tests' launcher: without Chromium they fail with instructions, never skip. */
import { describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, chromiumPath } from "./browser.js";

describe("chromiumPath", () => {
  it("throws, saying how to install Chromium, when none is found", () => {
    expect(() => chromiumPath(["/nonexistent/chromium"], undefined)).toThrow(
      /Chromium not found \(looked at \/nonexistent\/chromium\).*apt-get install -y --no-install-recommends chromium/,
    );
    expect(() => chromiumPath([], "/nonexistent/also")).toThrow(/looked at \/nonexistent\/also/);
  });

  it("takes CHROMIUM_PATH first, then the Debian paths", () => {
    expect(chromiumPath(["/nonexistent/chromium"], process.execPath)).toBe(process.execPath);
    expect(chromiumPath(["/nonexistent/chromium", process.execPath], undefined)).toBe(process.execPath);
  });

  it("launches headless with the flags the issue asks for", () => {
    for (const flag of ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]) {
      expect(CHROMIUM_ARGS).toContain(flag);
    }
  });
});
