/**
 * `softmax explain`: the tutorials' walk-through for the given logits, with the real numbers:
 * subtract the maximum (and why), exponentiate, sum, divide, the probabilities as bars, the
 * predicted class; with --compare, dividing by the sum instead (and where it fails) and, for two
 * classes, the sigmoid equivalence. Probabilities come from the library (exact); the intermediate
 * columns are the plain float64 steps the tutorials do by hand.
 */
import type { Command } from "commander";
import { argmax, sigmoid, softmax } from "../../index.js";
import { type CliContext, useColor } from "../context.js";
import { atRow } from "../engine.js";
import { DataError, UsageError } from "../errors.js";
import { openOperands } from "../input.js";
import { addOptions, labelsOf, type OptionValues } from "../options.js";
import { bar } from "../output/bars.js";
import { fixed } from "../output/numbers.js";
import { Sink } from "../output/sink.js";
import { columns, styles } from "../output/table.js";
import type { CliCommand } from "./types.js";

/** e^x overflows float64 from here on (ln of the largest double). */
export const EXP_OVERFLOW = Math.log(Number.MAX_VALUE); // 709.782712893384

export interface ExplainOptions {
  labels?: string[];
  digits: number;
  temperature?: number;
  compare: boolean;
  color: boolean;
}

/** The walk-through for one row of logits, as text. */
export function explainRow(x: Float64Array | Float32Array, o: ExplainOptions): string {
  const d = o.digits;
  const st = styles(o.color);
  const f = (v: number) => fixed(v, d);
  const n = x.length;
  const name = (i: number) => o.labels?.[i] ?? String(i);
  const list = (a: ArrayLike<number>, g: (v: number) => string = String) => `[${Array.from(a, g).join(", ")}]`;
  const out: string[] = [];
  const t = o.temperature ?? 1;
  out.push(st.bold(`softmax of x = ${list(x)}  (${n} ${n === 1 ? "class" : "classes"}${o.labels ? `: ${o.labels.join(", ")}` : ""})`));
  if (n === 0) {
    out.push("", "No classes: the softmax of an empty vector is empty.");
    return `${out.join("\n")}\n`;
  }
  if (Array.from(x).some((v) => Number.isNaN(v))) {
    out.push("", "x contains NaN: every probability is NaN (NaN propagates through the sum).");
    return `${out.join("\n")}\n`;
  }
  let step = 1;
  let z = Float64Array.from(x);
  if (t !== 1) {
    z = z.map((v) => (t === 0 ? v : v / t));
    out.push(
      "",
      st.bold(`${step++}. Divide by the temperature T = ${t}`),
      t === 0 ? "   T = 0 is the limit of T → 0: all the probability goes to the maximum (shared by ties)." : `   x / T = ${list(z, f)}`,
      t > 1 ? "   T > 1 flattens the distribution; T < 1 sharpens it." : t > 0 ? "   T < 1 sharpens the distribution; T > 1 flattens it." : "",
    );
  }
  const zn = t === 1 ? "x" : "x/T";
  let m = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > m) m = v;
  const shifted = z.map((v) => (v === m ? 0 : v - m));
  out.push(
    "",
    st.bold(`${step++}. Subtract the maximum, m = ${t === 1 ? String(m) : f(m)}`),
    `   ${zn} − m = ${list(shifted, f)}`,
    "   Why: softmax(x) = softmax(x − m) for any m (the factor e^(−m) cancels), and after the shift every",
    `   exponent is ≤ 0, so e^(${zn} − m) ≤ 1 never overflows. e^x itself overflows float64 from x ≈ ${EXP_OVERFLOW.toFixed(2)}`,
    "   (e^710 = ∞, and ∞/∞ = NaN); e^x also underflows to 0 below x ≈ −745 (and 0/0 = NaN).",
  );
  const naive = z.map((v) => Math.exp(v));
  const stable = shifted.map((v) => Math.exp(v));
  const naiveSum = naive.reduce((a, b) => a + b, 0);
  const stableSum = stable.reduce((a, b) => a + b, 0);
  const naiveOk = Number.isFinite(naiveSum) && naiveSum > 0;
  const expCell = (v: number) => (v === Number.POSITIVE_INFINITY ? "∞ (overflow)" : v === 0 ? "0 (underflow)" : f(v));
  const rows: string[][] = [["class", zn, `e^${zn}`, `e^(${zn} − m)`].map((h) => st.dim(h))];
  for (let i = 0; i < n; i++) rows.push([name(i), String(z[i]), expCell(naive[i] as number), f(stable[i] as number)]);
  out.push("", st.bold(`${step++}. Exponentiate`), ...columns(rows, "lrrr").map((l) => `   ${l}`));
  out.push(
    "",
    st.bold(`${step++}. Sum`),
    `   Σ e^${zn} = ${expCell(naiveSum)}      Σ e^(${zn} − m) = ${f(stableSum)}${naiveOk ? `   (= Σ e^${zn} · e^(−m))` : ""}`,
  );
  const p = softmax(Float64Array.from(x), t === 1 ? {} : { temperature: t });
  const divide: string[][] = [];
  for (let i = 0; i < n; i++) {
    const pi = p[i] as number;
    divide.push(
      naiveOk ? [`${name(i)}:`, f(naive[i] as number), "/", f(naiveSum), "=", f(pi)] : [`${name(i)}:`, f(stable[i] as number), "/", f(stableSum), "=", f(pi)],
    );
  }
  out.push("", st.bold(`${step++}. Divide each by the sum`), ...columns(divide, "lrlrlr", " ").map((l) => `   ${l}`));
  if (!naiveOk) {
    const why = Number.isFinite(naiveSum) ? "underflows to 0, and 0/0 = NaN" : "overflows to ∞, and ∞/∞ = NaN";
    out.push(`   ${st.red(`Without the shift, Σ e^${zn} ${why}: the textbook formula fails here, the shifted one does not.`)}`);
  }
  const best = argmax(Float64Array.from(x)) as number;
  const probs: string[][] = [["class", "p", ""].map((h) => st.dim(h))];
  for (let i = 0; i < n; i++) {
    const cells = [name(i), f(p[i] as number), st.cyan(bar(p[i] as number))];
    probs.push(i === best ? cells.map((c) => st.bold(c)) : cells);
  }
  const total = p.reduce((a, b) => a + b, 0);
  out.push("", st.bold(`${step++}. Probabilities`), ...columns(probs, "lrl").map((l) => `   ${l}`), `   Σ p = ${f(total)}`);
  out.push(
    "",
    st.bold(`${step++}. Predicted class: argmax = ${best}${o.labels ? ` (${name(best)})` : ""}`),
    `   x = ${x[best]}, p = ${f(p[best] as number)}: softmax keeps the order of the logits, so argmax(softmax(x)) = argmax(x).`,
  );
  if (o.compare) out.push("", ...compare(x, p, step, f, name, list, st));
  return `${out.join("\n")}\n`;
}

/** --compare: divide-by-sum, and the sigmoid for two classes. */
function compare(
  x: Float64Array | Float32Array,
  p: Float64Array,
  step: number,
  f: (v: number) => string,
  name: (i: number) => string,
  list: (a: ArrayLike<number>, g?: (v: number) => string) => string,
  st: ReturnType<typeof styles>,
): string[] {
  const out: string[] = [];
  let sum = 0;
  for (const v of x) sum += v;
  const div = Array.from(x, (v) => v / sum);
  out.push(st.bold(`${step++}. Compare: divide by the sum instead, x / Σx`), `   Σx = ${f(sum)}    x / Σx = ${list(div, f)}`, `   softmax = ${list(p, f)}`);
  const notes: string[] = [];
  if (sum === 0) notes.push("Σx = 0: division by zero gives ±∞ (and NaN for 0/0): no probabilities at all.");
  else if (x.some((v) => v < 0)) notes.push("x has negative entries: some 'probabilities' are negative or above 1, so they are not probabilities.");
  if (sum !== 0 && sum < 0 && !x.some((v) => v < 0)) notes.push("Σx < 0.");
  if (sum !== 0 && x.every((v) => v >= 0)) {
    notes.push("All entries ≥ 0: the result is a distribution, but it keeps the ratios of x exactly (softmax depends on differences, not ratios).");
    if (x.some((v) => v === 0)) notes.push("A logit of 0 gets probability 0 here; softmax still gives it a share (e^0 = 1).");
  }
  out.push(...notes.map((s) => `   ${s}`));
  if (x.length === 2) {
    const z = (x[0] as number) - (x[1] as number);
    const s = sigmoid([z])[0] as number;
    out.push(
      "",
      st.bold(`${step}. Two classes: softmax is the sigmoid`),
      `   softmax([a, b]) = [σ(a − b), 1 − σ(a − b)], and softmax([z, 0]) = [σ(z), 1 − σ(z)].`,
      `   a − b = ${f(z)}:  σ(${f(z)}) = ${f(s)}, 1 − σ = ${f(1 - s)};  softmax gives ${name(0)}: ${f(p[0] as number)}, ${name(1)}: ${f(p[1] as number)}.`,
    );
  }
  return out;
}

export const explainCommand: CliCommand = {
  name: "explain",
  description: "walk through the softmax of the given logits step by step (subtract the max, exponentiate, sum, divide, argmax)",
  configure(cmd: Command) {
    cmd.argument("[input...]", "logits (softmax explain 1.3 5.1 2.2; softmax explain -- -1 1 2 3), or a file / - for stdin (each row explained)");
    addOptions(cmd, ["input", "temperature", "labels", "digits", "compare", "color"]);
  },
  async run(operands, raw, ctx: CliContext) {
    const o = raw as OptionValues;
    const source = await openOperands(operands, o, ctx);
    const labels = o.labels !== undefined ? labelsOf(o.labels) : source.columns;
    const sink = new Sink(ctx.stdout);
    const options: ExplainOptions = { digits: o.digits ?? 4, compare: o.compare === true, color: useColor(o.color, ctx.stdout, ctx.env) };
    if (labels) options.labels = labels;
    if (o.temperature !== undefined) options.temperature = o.temperature;
    let count = 0;
    for await (const row of source.rows) {
      if (labels && labels.length !== row.values.length) throw new UsageError(`--labels has ${labels.length} names but rows have ${row.values.length} values`);
      let text: string;
      try {
        text = explainRow(row.values, options);
      } catch (e) {
        throw atRow(e, row);
      }
      const p = sink.write((count++ > 0 ? "\n" : "") + text);
      if (p) await p;
      if (sink.closed) break;
    }
    if (count === 0) throw new DataError("empty input: no rows of numbers", { source: source.name });
    await sink.flush();
  },
};
