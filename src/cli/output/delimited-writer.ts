/**
 * `--format csv` and `--format tsv`: one line per input row. A header line is written when class
 * labels are known (`--labels` or the input's header). The input's label column (`--label`), when
 * named, comes first. Columns by result kind:
 *
 * | kind | columns |
 * |---|---|
 * | vector | one per class |
 * | scalar | `logsumexp` |
 * | index | `index`, and `label` when labels are known |
 * | ranked | `index_1`, (`label_1`), `p_1`, `index_2`, ... |
 */
import type { Row } from "../io/rows.js";
import { joinNumbers, machineNumber } from "./numbers.js";
import type { OutputContext, ResultWriter, RowResult } from "./results.js";
import type { Sink } from "./sink.js";

function quote(field: string, sep: string): string {
  if (sep === "\t") return field.replace(/[\t\n\r]/g, " ");
  return /[",\n\r]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function delimitedWriter(sep: "," | "\t") {
  return (ctx: OutputContext, sink: Sink): ResultWriter => {
    let started = false;
    const labels = ctx.classLabels;
    const num = (v: number) => machineNumber(v, ctx.digits, ctx.float32);
    const header = (result: RowResult): string[] | undefined => {
      if (!labels) return undefined;
      switch (result.kind) {
        case "vector":
          return labels;
        case "scalar":
          return [ctx.op];
        case "index":
          return ["index", "label"];
        case "ranked": {
          const cols: string[] = [];
          for (let r = 1; r <= result.indices.length; r++) cols.push(`index_${r}`, `label_${r}`, `p_${r}`);
          return cols;
        }
      }
    };
    return {
      row(result: RowResult, input: Row) {
        let s = "";
        if (!started) {
          started = true;
          const cols = header(result);
          if (cols) s += `${[...(ctx.labelColumn !== undefined ? [ctx.labelColumn] : []), ...cols].map((c) => quote(c, sep)).join(sep)}\n`;
        }
        const fields: string[] = [];
        if (ctx.labelColumn !== undefined) fields.push(quote(input.label ?? "", sep));
        switch (result.kind) {
          case "vector": {
            const line = joinNumbers(result.values, sep, ctx.digits, ctx.float32);
            return sink.write(`${s}${fields.length > 0 ? fields[0] + sep : ""}${line}\n`);
          }
          case "scalar":
            fields.push(num(result.value));
            break;
          case "index":
            fields.push(Number.isNaN(result.index) ? "" : String(result.index));
            if (labels) fields.push(Number.isNaN(result.index) ? "" : quote(labels[result.index] ?? "", sep));
            break;
          case "ranked":
            result.indices.forEach((i, r) => {
              fields.push(String(i));
              if (labels) fields.push(quote(labels[i] ?? "", sep));
              fields.push(num(result.values[r] as number));
            });
            break;
        }
        return sink.write(`${s}${fields.join(sep)}\n`);
      },
      end: () => sink.flush(),
    };
  };
}
