/**
 * `--format table` (the default): readable blocks with class labels, values and Unicode bars.
 * One block per input row (headed `row [i] (line N of file)` when there are several rows); scalar
 * and argmax results of several rows are one line per row. Colours only when enabled (a terminal
 * without NO_COLOR, or --color).
 */
import { formatPosition } from "../io/position.js";
import type { Row } from "../io/rows.js";
import { bar } from "./bars.js";
import { fixed, float32Text } from "./numbers.js";
import type { OutputContext, ResultWriter, RowResult } from "./results.js";
import type { Sink } from "./sink.js";

/** ANSI styles, or none. */
export function styles(color: boolean) {
  const wrap = (open: string, close: string) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: wrap("1", "22"), dim: wrap("2", "22"), cyan: wrap("36", "39"), green: wrap("32", "39"), red: wrap("31", "39") };
}

/** Pads cells to aligned columns: `align` "l" or "r" per column. */
export function columns(rows: string[][], align: string, gap = "  "): string[] {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...stripAnsi(c)].length);
    });
  return rows.map((r) =>
    r
      .map((c, i) => {
        const pad = " ".repeat((widths[i] as number) - [...stripAnsi(c)].length);
        return align[i] === "r" ? pad + c : i === r.length - 1 ? c : c + pad;
      })
      .join(gap)
      .trimEnd(),
  );
}

function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
  return s.replace(/\x1b\[\d+m/g, "");
}

export function tableWriter(ctx: OutputContext, sink: Sink): ResultWriter {
  const digits = ctx.digits ?? 4;
  const st = styles(ctx.color);
  const many = ctx.rank > 1;
  const name = (i: number) => ctx.classLabels?.[i] ?? String(i);
  const input = (v: number) => (ctx.float32 ? float32Text(v) : String(v));
  const isProbability = ctx.valueName === "probability" || ctx.valueName === "sigmoid";
  let count = 0;
  const heading = (row: Row) => {
    const where = row.at.line !== undefined || row.at.byte !== undefined ? ` (${formatPosition(row.at)})` : "";
    const label = row.label !== undefined ? `, ${ctx.labelColumn} = ${row.label}` : "";
    return st.bold(`row [${row.index.join("][")}]${where}${label}`);
  };
  return {
    row(result: RowResult, row: Row) {
      const first = count++ === 0;
      switch (result.kind) {
        case "vector":
        case "ranked": {
          const ranked = result.kind === "ranked";
          const n = result.values.length;
          let best = -1;
          if (!ranked && ctx.valueName === "probability") {
            for (let i = 0; i < n; i++) if (best === -1 || (result.values[i] as number) > (result.values[best] as number)) best = i;
          }
          const head = ranked ? ["rank", "class", ctx.inputName, ctx.valueName] : ["class", ctx.inputName, ctx.valueName];
          const lines: string[][] = [head.map((h) => st.dim(h))];
          for (let r = 0; r < n; r++) {
            const i = ranked ? (result.indices[r] as number) : r;
            const v = result.values[r] as number;
            const cells = [name(i), input(row.values[i] as number), fixed(v, digits)];
            if (ranked) cells.unshift(String(r + 1));
            if (isProbability) cells.push(st.cyan(bar(v)));
            lines.push(i === best ? cells.map((c) => st.bold(c)) : cells);
          }
          let text = columns(lines, ranked ? "rlrr" : "lrr").join("\n");
          if (best !== -1 && Number.isFinite(result.values[best] as number)) {
            const pb = fixed(result.values[best] as number, digits);
            text += ctx.classLabels
              ? `\n${st.green(`predicted: ${name(best)}`)} ${st.dim(`(class ${best}, p = ${pb})`)}`
              : `\n${st.green(`predicted: class ${best}`)} ${st.dim(`(p = ${pb})`)}`;
          }
          const prefix = many ? `${first ? "" : "\n"}${heading(row)}\n` : "";
          return sink.write(`${prefix}${text}\n`);
        }
        case "scalar": {
          const v = fixed(result.value, digits);
          if (!many) return sink.write(`${ctx.op} = ${v}\n`);
          const head = first ? `${st.dim(`row${ctx.labelColumn !== undefined ? `\t${ctx.labelColumn}` : ""}\t${ctx.op}`)}\n` : "";
          return sink.write(`${head}[${row.index.join("][")}]${row.label !== undefined ? `\t${row.label}` : ""}\t${v}\n`);
        }
        case "index": {
          const i = result.index;
          const shown = Number.isNaN(i) ? "none (NaN or fully masked)" : ctx.classLabels ? `${name(i)} (class ${i})` : `class ${i}`;
          if (!many) return sink.write(`${ctx.op}: ${shown}\n`);
          const head = first ? `${st.dim(`row${ctx.labelColumn !== undefined ? `\t${ctx.labelColumn}` : ""}\tpredicted`)}\n` : "";
          return sink.write(`${head}[${row.index.join("][")}]${row.label !== undefined ? `\t${row.label}` : ""}\t${shown}\n`);
        }
      }
    },
    end: () => sink.flush(),
  };
}
