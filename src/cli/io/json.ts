/**
 * JSON and NDJSON, streamed: a small tokenizer yields each innermost array as a row as soon as it
 * closes, so a large file never sits in memory. Checks that the arrays are rectangular (same length
 * at each depth) and names line and column (the character) of the first bad token.
 *
 * Accepted leaves: JSON numbers, the bare literals `NaN`, `Infinity`, `-Infinity` (as Python's json
 * writes them), and strings holding a number (`"NaN"`, `"-Infinity"`, `"1.5"`). `true`, `null`,
 * objects, other strings are errors.
 *
 * - `json`: exactly one top-level array, of any depth (`[1, 2]`, `[[1, 2], [3, 4]]`, ...).
 * - `ndjson`: one array per line (blank lines skipped); the line number becomes the first axis.
 */
import { DataError } from "../errors.js";
import { numberOf, showText } from "./number.js";
import type { Position } from "./position.js";
import { peeked, type Row, type RowSource } from "./rows.js";
import type { ByteSource } from "./source.js";

interface Frame {
  /** Elements completed so far. */
  count: number;
  /** 0: nothing yet, 1: numbers, 2: arrays. */
  holds: 0 | 1 | 2;
}

/** Characters of a bare token (number or literal): A-Z a-z 0-9 + - . */
function isBare(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 43 || c === 45 || c === 46;
}

/** Opens a JSON (`mode: "json"`) or NDJSON (`mode: "ndjson"`) source. */
export async function openJson(bytes: ByteSource, mode: "json" | "ndjson"): Promise<RowSource> {
  const meta: Omit<RowSource, "rows"> = { name: bytes.name, format: mode, rank: mode === "json" ? 1 : 2, float32: false, bytesRead: bytes.bytesRead };
  if (bytes.size !== undefined) meta.totalBytes = bytes.size;
  const name = bytes.name;

  async function* rows(): AsyncGenerator<Row> {
    const decoder = new TextDecoder("utf-8");
    const stack: Frame[] = [];
    const lengths: number[] = []; // expected element count per depth (index = depth - 1)
    let leafDepth = -1;
    let values: number[] = [];
    let line = 1;
    let col = 0; // column of the last character read
    let afterValue = false; // just finished a value: expect "," or "]" (or the end of a top-level value)
    let topValues = 0; // completed top-level values
    let topLine = 0; // line of the current top-level value (ndjson)
    let rowAt: Position = { source: name };
    let carry = "";
    let carryLine = 1;
    let carryCol = 0;
    let first = true;
    const at = (l: number, c: number): Position => ({ source: name, line: l, column: c });
    const fail = (msg: string, l = line, c = col): never => {
      throw new DataError(msg, at(l, c));
    };
    const found = (ch: string) => (ch === "\n" ? "the end of the line" : showText(ch));

    /** Records the end of an element in the enclosing array (or at top level). */
    const completed = () => {
      const parent = stack[stack.length - 1];
      if (parent) parent.count++;
      else {
        topValues++;
      }
      afterValue = true;
    };

    const number = (v: number, l: number, c: number, shown: string) => {
      const frame = stack[stack.length - 1];
      if (!frame) fail(`expected an array of numbers, found the number ${shown} at the top level`, l, c);
      const f = frame as Frame;
      if (f.holds === 2) fail(`ragged: a number where an array was expected (${shown})`, l, c);
      if (leafDepth !== -1 && leafDepth !== stack.length) fail(`ragged: a number at depth ${stack.length}, rows are at depth ${leafDepth}`, l, c);
      f.holds = 1;
      values.push(v);
      completed();
    };

    const scan = function* (text: string, final: boolean): Generator<Row> {
      let i = 0;
      const n = text.length;
      while (i < n) {
        const ch = text[i] as string;
        if (ch === "\n") {
          if (mode === "ndjson" && stack.length > 0) fail("malformed NDJSON: the array is not closed at the end of the line", line, col + 1);
          line++;
          col = 0;
          i++;
          continue;
        }
        col++;
        if (ch === " " || ch === "\t" || ch === "\r") {
          i++;
          continue;
        }
        if (first && ch === "\ufeff") {
          first = false;
          i++;
          continue;
        }
        first = false;
        if (ch === "[") {
          if (afterValue && stack.length > 0) fail(`malformed JSON: expected "," or "]", found "["`);
          if (stack.length === 0) {
            if (topValues > 0 && mode === "json") fail("malformed JSON: more than one top-level value (for one array per line, use --input-format ndjson)");
            if (mode === "ndjson" && topLine === line) fail("malformed NDJSON: two arrays on one line");
            topLine = line;
          }
          const parent = stack[stack.length - 1];
          if (parent) {
            if (parent.holds === 1) fail("ragged: an array where a number was expected");
            parent.holds = 2;
          }
          if (leafDepth !== -1 && stack.length + 1 > leafDepth) fail(`ragged: arrays nested deeper than the first row (depth ${leafDepth})`);
          stack.push({ count: 0, holds: 0 });
          if (stack.length === (leafDepth === -1 ? stack.length : leafDepth)) rowAt = at(line, col);
          afterValue = false;
          i++;
          continue;
        }
        if (ch === "]") {
          const frame = stack.pop();
          if (!frame) fail('malformed JSON: "]" without a matching "["');
          const f = frame as Frame;
          if (!afterValue && f.count > 0) fail('malformed JSON: "]" after ","');
          const depth = stack.length + 1;
          const isLeaf = f.holds === 1 || (f.holds === 0 && (leafDepth === -1 || leafDepth === depth));
          if (f.holds === 0 && !isLeaf) fail(`ragged: an empty array at depth ${depth}, rows are at depth ${leafDepth}`);
          const expected = lengths[depth - 1];
          if (expected === undefined) lengths[depth - 1] = f.count;
          else if (expected !== f.count) {
            const what = isLeaf ? "row" : "array";
            fail(`ragged: this ${what} has ${f.count} ${f.count === 1 ? "element" : "elements"}, expected ${expected} like the first ${what} at this depth`);
          }
          if (isLeaf) {
            if (leafDepth === -1) {
              leafDepth = depth;
              if (rowAt.line === undefined) rowAt = at(line, col);
            }
            const index = stack.map((s) => s.count);
            if (mode === "ndjson") index.unshift(topValues);
            yield { values: Float64Array.from(values), index, at: rowAt };
            values = [];
          }
          completed();
          i++;
          continue;
        }
        if (ch === ",") {
          if (stack.length === 0) fail('malformed JSON: "," outside an array');
          if (!afterValue) fail('malformed JSON: unexpected ","');
          afterValue = false;
          i++;
          continue;
        }
        if (afterValue) fail(`malformed JSON: expected "," or "]", found ${found(ch)}`);
        if (ch === "{") fail("objects are not supported: expected arrays of numbers");
        const startCol = col;
        const startLine = line;
        if (ch === '"') {
          let j = i + 1;
          while (j < n && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
          if (j >= n) {
            if (final) fail("malformed JSON: the string is not closed");
            carry = text.slice(i);
            carryLine = startLine;
            carryCol = startCol - 1;
            return;
          }
          if (text[j] === "\n") fail("malformed JSON: the string is not closed before the end of the line");
          const raw = text.slice(i, j + 1);
          let s: string;
          try {
            s = JSON.parse(raw) as string;
          } catch {
            s = raw;
          }
          const v = numberOf(s.trim());
          if (v === undefined) fail(`${raw} is not a number`, startLine, startCol);
          number(v as number, startLine, startCol, raw);
          col += j - i;
          i = j + 1;
          continue;
        }
        if (!isBare(ch.charCodeAt(0))) fail(`malformed JSON: unexpected ${found(ch)}`);
        let j = i + 1;
        while (j < n && isBare(text.charCodeAt(j))) j++;
        if (j >= n && !final) {
          carry = text.slice(i);
          carryLine = startLine;
          carryCol = startCol - 1;
          return;
        }
        const token = text.slice(i, j);
        const v = numberOf(token);
        if (v === undefined) fail(`${showText(token)} is not a number`, startLine, startCol);
        number(v as number, startLine, startCol, token);
        col += j - i - 1;
        i = j;
      }
    };

    for await (const chunk of bytes.chunks) {
      const text = carry + decoder.decode(chunk, { stream: true });
      if (carry !== "") {
        line = carryLine;
        col = carryCol;
      }
      carry = "";
      yield* scan(text, false);
    }
    const tail = carry + decoder.decode();
    if (carry !== "") {
      line = carryLine;
      col = carryCol;
    }
    carry = "";
    yield* scan(tail, true);
    if (stack.length > 0) fail("malformed JSON: the input ends inside an array");
  }
  return peeked(meta, rows());
}
