import { checkOptions } from "../api/options.js";
import { SoftmaxError } from "../errors.js";
import { integerOption } from "./_internals/checks.js";
import type { ReliabilityResult } from "./reliabilityBins.js";

/** Options of {@link reliabilityDiagramSvg}. */
export interface ReliabilityDiagramOptions {
  /** A title drawn at the top (escaped). Default "Reliability diagram". */
  title?: string;
  /** Size in pixels (integers in [120, 4000]). Default 480 × 480. */
  width?: number;
  height?: number;
}

const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (v: number): string => (Math.round(v * 100) / 100).toString();

/**
 * A reliability diagram as a standalone SVG document (a string; write it
 * wherever you like): one bar per non-empty bin at the bin's accuracy, a black
 * tick at its mean confidence, a red band between the two (the gap), the row
 * count above each bar, the diagonal of perfect calibration, and ECE / MCE in the legend.
 *
 * ```ts
 * writeFileSync("reliability.svg", reliabilityDiagramSvg(reliabilityBins(p, y), { title: "Iris, test" }));
 * ```
 *
 * **Method.** Pure string building (no DOM, no Node APIs) from the bins of
 * {@link reliabilityBins}: the unit square mapped linearly onto the plot area.
 *
 * **Accuracy.** Coordinates are rounded to 0.01 px; the figures written in the
 * document are those of `result`, rounded for display (accuracy and confidence
 * to 3 decimals, ECE and MCE to 4).
 *
 * **Special cases**
 * | input | drawing |
 * |---|---|
 * | an empty bin | nothing |
 * | accuracy = confidence | no gap band |
 * | a title with markup | escaped, drawn as text |
 *
 * @throws {SoftmaxError} INVALID_INPUT when `result` is not a {@link ReliabilityResult}; INVALID_OPTION for a bad size or title.
 */
export function reliabilityDiagramSvg(result: ReliabilityResult, options?: ReliabilityDiagramOptions): string {
  const fn = "reliabilityDiagramSvg";
  const o = checkOptions(options, ["title", "width", "height"], fn);
  if (typeof result !== "object" || result === null || !Array.isArray(result.bins)) {
    throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "result", expected: "the result of reliabilityBins", received: result });
  }
  if (o.title !== undefined && typeof o.title !== "string") {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg: "options.title", expected: "a string", received: o.title });
  }
  const title = (o.title as string | undefined) ?? "Reliability diagram";
  const width = integerOption(o.width, fn, "width", 480, 120, 4000);
  const height = integerOption(o.height, fn, "height", 480, 120, 4000);
  const left = 56;
  const right = 16;
  const top = 40;
  const bottom = 84;
  const w = width - left - right;
  const h = height - top - bottom;
  const x = (v: number) => left + v * w;
  const y = (v: number) => top + (1 - v) * h;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  );
  for (let t = 0; t <= 10; t += 2) {
    const v = t / 10;
    parts.push(
      `<line x1="${fmt(x(0))}" y1="${fmt(y(v))}" x2="${fmt(x(1))}" y2="${fmt(y(v))}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${v}</text>`,
      `<text x="${fmt(x(v))}" y="${top + h + 16}" text-anchor="middle">${v}</text>`,
    );
  }
  for (const b of result.bins) {
    if (b.count === 0) continue;
    const x0 = x(b.lower) + 1;
    const bw = Math.max(1, x(b.upper) - x(b.lower) - 2);
    const hi = Math.max(b.accuracy, b.confidence);
    const lo = Math.min(b.accuracy, b.confidence);
    parts.push(
      `<rect x="${fmt(x0)}" y="${fmt(y(b.accuracy))}" width="${fmt(bw)}" height="${fmt(y(0) - y(b.accuracy))}" fill="#4c78a8"><title>(${fmt(b.lower)}, ${fmt(b.upper)}]: ${b.count} rows, accuracy ${b.accuracy.toFixed(3)}, mean confidence ${b.confidence.toFixed(3)}</title></rect>`,
    );
    if (hi > lo) {
      parts.push(
        `<rect x="${fmt(x0)}" y="${fmt(y(hi))}" width="${fmt(bw)}" height="${fmt(y(lo) - y(hi))}" fill="#e45756" fill-opacity="0.3" stroke="#e45756"/>`,
      );
    }
    parts.push(
      `<line x1="${fmt(x0)}" y1="${fmt(y(b.confidence))}" x2="${fmt(x0 + bw)}" y2="${fmt(y(b.confidence))}" stroke="#222" stroke-width="2"/>`,
      `<text x="${fmt(x0 + bw / 2)}" y="${fmt(y(hi) - 4)}" text-anchor="middle" font-size="10" fill="#555">${b.count}</text>`,
    );
  }
  parts.push(
    `<line x1="${fmt(x(0))}" y1="${fmt(y(0))}" x2="${fmt(x(1))}" y2="${fmt(y(1))}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`,
    `<text x="${fmt(x(0.5))}" y="${top + h + 34}" text-anchor="middle">confidence (largest probability)</text>`,
    `<text transform="translate(16 ${fmt(y(0.5))}) rotate(-90)" text-anchor="middle">accuracy</text>`,
    `<text x="${left}" y="${top + h + 56}">ECE ${result.ece.toFixed(4)}   MCE ${result.mce.toFixed(4)}   n = ${result.count}   (numbers above bars: rows per bin)</text>`,
    `<text x="${left}" y="${top + h + 72}"><tspan fill="#4c78a8">■ accuracy</tspan>   <tspan fill="#222">▬ mean confidence</tspan>   <tspan fill="#e45756">□ gap</tspan>   - - perfect calibration</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}
