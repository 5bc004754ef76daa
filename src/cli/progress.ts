/** A progress bar on stderr (cli-progress) while a file of known size is read; only on a terminal unless forced with --progress. */
import type { RowSource } from "./io/rows.js";

export interface Progress {
  /** Call often: redraws at most every 100 ms. */
  tick(): void;
  /** Final state, then the bar stops (the line is kept). */
  stop(): void;
}

const NONE: Progress = { tick() {}, stop() {} };

/**
 * Starts a bar when `enabled` (default: stderr is a terminal and stdout is not, so that the bar never
 * garbles a table on the same screen) and the input size is known.
 */
export async function startProgress(
  source: RowSource,
  stderr: NodeJS.WritableStream & { isTTY?: boolean },
  enabled: boolean | undefined,
  stdoutIsTTY = false,
): Promise<Progress> {
  const total = source.totalBytes;
  if (total === undefined || total === 0 || !(enabled ?? (stderr.isTTY === true && !stdoutIsTTY))) return NONE;
  const cliProgress = (await import("cli-progress")).default;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const bar = new cliProgress.SingleBar(
    {
      stream: stderr,
      format: `${source.name} {bar} {percentage}% | {done}/{size} MB | {rate} MB/s | ETA {eta_formatted}`,
      hideCursor: false,
      noTTYOutput: true,
      notTTYSchedule: 1000,
      fps: 10,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  let last = 0;
  const payload = (b: number) => ({ done: mb(b), size: mb(total), rate: (b / 1e6 / Math.max((Date.now() - t0) / 1000, 1e-3)).toFixed(1) });
  bar.start(total, 0, payload(0));
  return {
    tick() {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const b = source.bytesRead();
      bar.update(Math.min(b, total), payload(b));
    },
    stop() {
      const b = source.bytesRead();
      bar.update(Math.min(b, total), payload(b));
      bar.stop();
    },
  };
}
