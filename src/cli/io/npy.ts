/**
 * NumPy `.npy` files (format versions 1, 2 and 3), float32 or float64, either byte order, any shape,
 * C order (Fortran order only for 1-d arrays). Streamed: one row (a slice along the last axis) at a time.
 * Also the header writer for `--format npy`.
 */
import { DataError } from "../errors.js";
import { peeked, type Row, type RowSource } from "./rows.js";
import type { ByteSource } from "./source.js";

/** The magic string `\x93NUMPY`. */
export const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** What an npy header says. */
export interface NpyHeader {
  dtype: "f4" | "f8";
  littleEndian: boolean;
  shape: number[];
  /** Bytes before the data. */
  dataOffset: number;
}

/** Parses an npy header from the start of a file (`head` must hold the whole header). Returns undefined when more bytes are needed. */
export function parseNpyHeader(head: Buffer, name: string): NpyHeader | undefined {
  if (head.length < 10) return undefined;
  if (!head.subarray(0, 6).equals(NPY_MAGIC)) throw new DataError("not a NumPy .npy file (the magic string \\x93NUMPY is missing)", { source: name, byte: 0 });
  const major = head[6] as number;
  if (major < 1 || major > 3) throw new DataError(`unsupported .npy format version ${major}.${head[7]}`, { source: name, byte: 6 });
  const lenSize = major === 1 ? 2 : 4;
  if (head.length < 8 + lenSize) return undefined;
  const headerLen = lenSize === 2 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = 8 + lenSize;
  if (head.length < start + headerLen) return undefined;
  const text = head.toString(major === 3 ? "utf8" : "latin1", start, start + headerLen);
  const at = { source: name, byte: start };
  const descr = /'descr'\s*:\s*'([<>|=])([a-z])(\d+)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shapeText) throw new DataError(`malformed .npy header: ${JSON.stringify(text.trim())}`, at);
  const kind = `${descr[2]}${descr[3]}`;
  if (kind !== "f4" && kind !== "f8") {
    throw new DataError(`dtype '${descr[1]}${kind}' is not supported: expected float32 ('<f4') or float64 ('<f8')`, at);
  }
  const shape = (shapeText[1] as string)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => Number(s.replace(/L$/, "")));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataError(`malformed .npy shape (${shapeText[1]})`, at);
  if (fortran[1] === "True" && shape.filter((d) => d !== 1).length > 1) {
    throw new DataError("Fortran-order .npy arrays are not supported: save with np.ascontiguousarray(x) first", at);
  }
  return { dtype: kind, littleEndian: descr[1] !== ">", shape, dataOffset: start + headerLen };
}

/** Builds an npy (version 1.0) header for `shape`, padded to 64 bytes as NumPy does. */
export function npyHeader(dtype: "<f4" | "<f8" | "<i4", shape: readonly number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + dict.length + 1;
  dict += " ".repeat((64 - (total % 64)) % 64);
  dict += "\n";
  const head = Buffer.alloc(10);
  NPY_MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, "latin1")]);
}

/** The multi-index of row `r` among `outer` dims (row-major). */
export function indexOfRow(r: number, outer: readonly number[]): number[] {
  const index = new Array<number>(outer.length);
  for (let a = outer.length - 1; a >= 0; a--) {
    const d = outer[a] as number;
    index[a] = r % d;
    r = Math.floor(r / d);
  }
  return index;
}

/** Streams fixed-size binary rows from `bytes` starting at `skip`; shared by npy and raw float32. */
export async function* binaryRows(
  bytes: ByteSource,
  skip: number,
  rows: number,
  width: number,
  itemSize: 4 | 8,
  littleEndian: boolean,
  outer: readonly number[],
): AsyncGenerator<Row> {
  const rowBytes = width * itemSize;
  let offset = 0; // bytes of the file consumed
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let r = 0;
  const make = (buf: Buffer, pos: number): Row => {
    const values = itemSize === 4 ? new Float32Array(width) : new Float64Array(width);
    if (littleEndian) new Uint8Array(values.buffer).set(buf.subarray(pos, pos + rowBytes));
    else {
      const view = new DataView(buf.buffer, buf.byteOffset + pos, rowBytes);
      for (let k = 0; k < width; k++) values[k] = itemSize === 4 ? view.getFloat32(k * 4, false) : view.getFloat64(k * 8, false);
    }
    return { values, index: indexOfRow(r, outer), at: { source: bytes.name, byte: offset } };
  };
  if (rowBytes === 0) {
    for (; r < rows; r++) yield make(Buffer.alloc(0), 0);
  }
  for await (const chunk of bytes.chunks) {
    let buf = chunk;
    if (skip > 0) {
      const s = Math.min(skip, buf.length);
      skip -= s;
      offset += s;
      buf = buf.subarray(s);
    }
    if (pendingLength > 0) {
      buf = Buffer.concat([...pending, buf]);
      pending = [];
      pendingLength = 0;
    }
    let pos = 0;
    while (buf.length - pos >= rowBytes && rowBytes > 0) {
      if (r >= rows) throw new DataError(`${buf.length - pos} more bytes after the ${rows} rows the shape announces`, { source: bytes.name, byte: offset });
      yield make(buf, pos);
      pos += rowBytes;
      offset += rowBytes;
      r++;
    }
    if (pos < buf.length) {
      pending = [buf.subarray(pos)];
      pendingLength = buf.length - pos;
    }
  }
  if (r === rows && pendingLength > 0) {
    throw new DataError(`${pendingLength} more bytes after the ${rows} rows the shape announces`, { source: bytes.name, byte: offset });
  }
  if (r < rows) {
    const got = offset + pendingLength;
    throw new DataError(
      `the data ends early: ${r} complete rows of ${width} ${itemSize === 4 ? "float32" : "float64"} values, expected ${rows}${pendingLength ? ` (${pendingLength} bytes left over)` : ""}`,
      { source: bytes.name, byte: got },
    );
  }
}

/** Opens a `.npy` source: reads the header, then streams rows. */
export async function openNpy(bytes: ByteSource): Promise<RowSource> {
  const iterator = bytes.chunks[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let header: NpyHeader | undefined;
  while (!header) {
    const next = await iterator.next();
    if (next.done) {
      if (head.length === 0) throw new DataError("the file is empty", { source: bytes.name });
      throw new DataError("the .npy header is cut short", { source: bytes.name, byte: head.length });
    }
    head = Buffer.concat([head, next.value]);
    header = parseNpyHeader(head, bytes.name);
  }
  const h = header;
  if (h.shape.length === 0) throw new DataError("a 0-d array (a single number) has no axis to take a softmax along", { source: bytes.name });
  const width = h.shape[h.shape.length - 1] as number;
  const outer = h.shape.slice(0, -1);
  const rows = outer.reduce((a, b) => a * b, 1);
  // Replays the bytes already read after the header, then the rest.
  const rest: ByteSource = {
    name: bytes.name,
    bytesRead: bytes.bytesRead,
    chunks: {
      [Symbol.asyncIterator]: async function* () {
        if (head.length > h.dataOffset) yield head.subarray(h.dataOffset);
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      },
    },
  };
  const meta: Omit<RowSource, "rows"> = {
    name: bytes.name,
    format: "npy",
    rank: h.shape.length,
    shape: h.shape,
    float32: h.dtype === "f4",
    bytesRead: bytes.bytesRead,
  };
  if (bytes.size !== undefined) meta.totalBytes = bytes.size;
  const itemSize = h.dtype === "f4" ? 4 : 8;
  return peeked(meta, binaryRows(rest, 0, rows, width, itemSize, h.littleEndian, outer));
}

/** Opens raw little-endian float32: rows of `width` values, or the whole input as one row when `width` is undefined. */
export async function openRawFloat32(bytes: ByteSource, width: number | undefined): Promise<RowSource> {
  let size = bytes.size;
  let source = bytes;
  if (size === undefined) {
    // stdin: read it all to know the length (raw input without --width is one row anyway).
    const parts: Buffer[] = [];
    for await (const c of bytes.chunks) parts.push(c);
    const all = Buffer.concat(parts);
    size = all.length;
    source = {
      name: bytes.name,
      bytesRead: bytes.bytesRead,
      chunks: {
        [Symbol.asyncIterator]: async function* () {
          yield all;
        },
      },
    };
  }
  if (size % 4 !== 0)
    throw new DataError(`raw float32 input must be a multiple of 4 bytes long, found ${size} bytes`, { source: bytes.name, byte: size - (size % 4) });
  const count = size / 4;
  const w = width ?? count;
  if (w === 0 ? count !== 0 : count % w !== 0) {
    throw new DataError(`${count} float32 values do not make rows of --width ${w} (${count % w} left over)`, {
      source: bytes.name,
      byte: size - (count % w) * 4,
    });
  }
  const rows = w === 0 ? 0 : count / w;
  const shape = width === undefined ? [count] : [rows, w];
  const meta: Omit<RowSource, "rows"> = { name: bytes.name, format: "f32", rank: shape.length, shape, float32: true, bytesRead: bytes.bytesRead };
  if (bytes.size !== undefined) meta.totalBytes = bytes.size;
  return peeked(meta, binaryRows(source, 0, rows, w, 4, true, shape.slice(0, -1)));
}
