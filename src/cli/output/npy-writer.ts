/**
 * `--format npy`: a NumPy .npy (version 1.0) file on stdout. Dtype: `<f8`, or `<f4` for float32
 * input; argmax writes `<i4` (-1 where a row has no answer); top-k writes the probabilities.
 * The header needs the shape first: when the input's shape is known before reading (npy, raw
 * float32, arguments) the data streams straight through; otherwise it is spooled to a temporary
 * file (deleted at the end) and copied after the header, so memory stays bounded.
 */
import { createReadStream, createWriteStream, promises as fs, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { npyHeader } from "../io/npy.js";
import type { Row } from "../io/rows.js";
import type { OutputContext, ResultWriter, RowResult } from "./results.js";
import { Sink } from "./sink.js";

function bytesOf(result: RowResult, float32: boolean): Uint8Array {
  switch (result.kind) {
    case "vector":
      return toBytes(result.values, float32);
    case "scalar":
      return toBytes([result.value], float32);
    case "index":
      return new Uint8Array(Int32Array.of(Number.isNaN(result.index) ? -1 : result.index).buffer);
    case "ranked":
      return toBytes(result.values, float32);
  }
}

function toBytes(values: ArrayLike<number>, float32: boolean): Uint8Array {
  const a = float32 ? Float32Array.from(values as ArrayLike<number>) : Float64Array.from(values as ArrayLike<number>);
  return new Uint8Array(a.buffer);
}

/** The result shape from the outer shape and one result. */
function shapeOf(outer: number[], result: RowResult): number[] {
  switch (result.kind) {
    case "vector":
      return [...outer, result.values.length];
    case "ranked":
      return [...outer, result.values.length];
    default:
      return outer;
  }
}

export function npyWriter(ctx: OutputContext, sink: Sink): ResultWriter {
  if (sink.isTTY) throw new UsageError("--format npy writes binary data: redirect stdout to a file (softmax ... --format npy > out.npy)");
  const dtype = (r: RowResult) => (r.kind === "index" ? "<i4" : ctx.float32 ? "<f4" : "<f8");
  let first: RowResult | undefined;
  let spool: { path: string; stream: WriteStream; sink: Sink } | undefined;
  const max: number[] = [];
  const known = ctx.shape;
  let dir: string | undefined;
  return {
    row(result: RowResult, input: Row) {
      if (!first) {
        first = result;
        if (known) {
          sink.write(npyHeader(dtype(result), shapeOf(known.slice(0, -1), result)));
        }
      }
      input.index.forEach((v, d) => {
        if (!(v < (max[d] ?? 0))) max[d] = v + 1;
      });
      if (known) return sink.write(bytesOf(result, ctx.float32));
      if (!spool) return startSpool().then(() => spool?.sink.write(bytesOf(result, ctx.float32)));
      return spool.sink.write(bytesOf(result, ctx.float32));
    },
    async abort() {
      if (spool) spool.stream.destroy();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    },
    async end() {
      try {
        if (!first) {
          const outer = known ? known.slice(0, -1) : ctx.rank > 1 ? [0] : [];
          sink.write(
            npyHeader(ctx.op === "argmax" ? "<i4" : ctx.float32 ? "<f4" : "<f8", ctx.op === "logsumexp" || ctx.op === "argmax" ? outer : [...outer, 0]),
          );
        } else if (spool) {
          await spool.sink.flush();
          await new Promise<void>((resolve, reject) => spool?.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
          sink.write(npyHeader(dtype(first), shapeOf(max, first)));
          await sink.flush();
          for await (const chunk of createReadStream(spool.path, { highWaterMark: 1 << 20 })) {
            const p = sink.write(chunk as Buffer);
            if (p) await p;
            if (sink.closed) break;
          }
        }
        await sink.flush();
      } finally {
        if (dir) await fs.rm(dir, { recursive: true, force: true });
      }
    },
  };

  async function startSpool(): Promise<void> {
    dir = await fs.mkdtemp(join(tmpdir(), "softmax-npy-"));
    const path = join(dir, "data.bin");
    const stream = createWriteStream(path);
    spool = { path, stream, sink: new Sink(stream) };
  }
}
