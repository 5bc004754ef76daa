/** Launches Debian's Chromium through playwright-core: headless, no sandbox, no GPU, no network services, a fresh profile. */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The Chromium binary (CHROMIUM_PATH first), or a thrown error that says how to install it: the browser tests never pass without a browser. */
export function chromiumPath(candidates: readonly string[] = CHROMIUM_CANDIDATES, env: string | undefined = process.env["CHROMIUM_PATH"]): string {
  const found = [env, ...candidates].find((p): p is string => typeof p === "string" && p !== "" && existsSync(p));
  if (found === undefined) {
    throw new Error(
      `Chromium not found (looked at ${[env, ...candidates].filter(Boolean).join(", ")}). The explorer's browser tests need it: ` +
        "apt-get install -y --no-install-recommends chromium libvulkan1 fonts-dejavu-core (.ci/run does this), or set CHROMIUM_PATH.",
    );
  }
  return found;
}

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

export interface Launched {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<Launched> {
  const executablePath = chromiumPath();
  const profile = await mkdtemp(join(tmpdir(), "softmax-explorer-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
    deviceScaleFactor: 1,
    timeout: 60_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
