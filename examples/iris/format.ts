/** Formats the JSON files the examples write with the repository's Biome settings, so that `npm run lint` stays clean after a run (skipped quietly when Biome is not installed). */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function formatJsonFiles(files: string[]): void {
  const biome = join(root, "node_modules", ".bin", "biome");
  if (!existsSync(biome)) return;
  try {
    execFileSync(biome, ["format", "--write", ...files], { cwd: root, stdio: "ignore" });
  } catch {
    // Formatting is cosmetic: the files are valid JSON either way.
  }
}
