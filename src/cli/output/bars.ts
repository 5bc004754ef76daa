/** Unicode bars for probabilities: eighth blocks, so a bar of width 30 shows steps of 1/240. */

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** A bar of `p · width` cells (p clamped to [0, 1]; NaN gives an empty bar). */
export function bar(p: number, width = 30): string {
  if (!(p > 0)) return "";
  const cells = Math.min(p, 1) * width;
  const full = Math.floor(cells);
  const rest = Math.round((cells - full) * 8);
  if (rest === 8) return "█".repeat(full + 1);
  return "█".repeat(full) + (EIGHTHS[rest] as string) + (full === 0 && rest === 0 ? "▏" : "");
}
