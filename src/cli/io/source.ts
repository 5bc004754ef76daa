/** Byte input: a file or stdin, read in chunks, with a byte count for the progress bar. */
import { createReadStream, promises as fs, fstatSync } from "node:fs";
import type { Readable } from "node:stream";
import { DataError } from "../errors.js";

/** An opened byte source. */
export interface ByteSource {
  /** The name for messages: the path as given, or `stdin`. */
  name: string;
  /** Size in bytes for regular files. */
  size?: number;
  /** The chunks, read once. */
  chunks: AsyncIterable<Buffer>;
  /** Bytes delivered so far. */
  bytesRead(): number;
}

/** Chunk size: large enough for throughput, small enough for bounded memory. */
export const CHUNK = 1 << 18;

/** Opens `path` (`-` is stdin). A missing file, a directory or no permission is a {@link DataError} (exit code 1). */
export async function openBytes(path: string, stdin: Readable = process.stdin): Promise<ByteSource> {
  let size: number | undefined;
  let stream: Readable;
  let name: string;
  if (path === "-") {
    name = "stdin";
    stream = stdin;
    if (stdin === process.stdin) {
      // `softmax < big.csv`: stdin is a regular file, so its size is known (for the progress bar).
      try {
        const stat = fstatSync(0);
        if (stat.isFile()) size = stat.size;
      } catch {
        // no size: no progress bar
      }
    }
  } else {
    name = path;
    let stat: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stat = await fs.stat(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new DataError(code === "ENOENT" ? "no such file" : `cannot read the file (${code})`, { source: path });
    }
    if (stat.isDirectory()) throw new DataError("is a directory, not a file", { source: path });
    if (stat.isFile()) size = stat.size;
    stream = createReadStream(path, { highWaterMark: CHUNK });
  }
  let read = 0;
  const chunks = {
    [Symbol.asyncIterator]: async function* () {
      try {
        for await (const chunk of stream) {
          const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
          read += b.length;
          yield b;
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new DataError(`read failed after ${read} bytes (${code ?? (e as Error).message})`, { source: name });
      }
    },
  };
  const source: ByteSource = { name, chunks, bytesRead: () => read };
  if (size !== undefined) source.size = size;
  return source;
}

/** Decodes UTF-8 chunks into text lines (without the `\n` or `\r\n`), with 1-based line numbers; a leading BOM is dropped. */
export async function* linesOf(bytes: ByteSource): AsyncGenerator<[string, number]> {
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  let line = 0;
  let first = true;
  for await (const chunk of bytes.chunks) {
    let text = rest + decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    let nl = text.indexOf("\n", start);
    while (nl !== -1) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield [text.slice(start, end), ++line];
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield [rest.endsWith("\r") ? rest.slice(0, -1) : rest, ++line];
}
