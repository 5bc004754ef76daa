/**
 * A buffered writer over a stream that respects backpressure: text is batched into chunks of
 * about 64 KiB and each chunk waits for `drain` when the stream asks, so nothing is lost or
 * truncated on pipes. When the reader goes away (EPIPE: `softmax big.csv | head`), the sink
 * closes quietly and the caller stops reading.
 */
import type { Writable } from "node:stream";

const FLUSH_AT = 1 << 16;

export class Sink {
  private parts: (string | Uint8Array)[] = [];
  private size = 0;
  /** True once the reader has gone away. */
  closed = false;
  /** Bytes or characters handed to the stream. */
  written = 0;

  /** A write error other than the reader going away (disk full, EIO): thrown by the next flush. */
  private failure: Error | undefined;

  constructor(readonly stream: Writable) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") this.closed = true;
      else this.failure = e;
    });
  }

  /** True when the stream is a terminal. */
  get isTTY(): boolean {
    return (this.stream as Writable & { isTTY?: boolean }).isTTY === true;
  }

  /** Queues `data`; returns a promise only when a flush had to wait (await it then). */
  write(data: string | Uint8Array): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.parts.push(data);
    this.size += data.length;
    return this.size >= FLUSH_AT ? this.flush() : undefined;
  }

  /** Hands everything queued to the stream and waits for `drain` if the stream is full. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.parts.length === 0 || this.closed) return;
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    const chunk = parts.every((p) => typeof p === "string") ? parts.join("") : Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
    this.written += chunk.length;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off("drain", done);
          this.stream.off("close", done);
          this.stream.off("error", done);
          resolve();
        };
        this.stream.on("drain", done);
        this.stream.on("close", done);
        this.stream.on("error", done);
      });
    }
  }
}
