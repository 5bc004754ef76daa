/** The explorer page: wires the controls to the library. All user text goes through text nodes (see dom.ts). */
import { sigmoid, softmax } from "../src/index.js";
import { benchOne } from "./bench.js";
import { lineChart } from "./chart.js";
import { byId, h, pow, replace } from "./dom.js";
import { DECIMALS, type Decimals, fmt, fmtT, parseLogit, parseLogitList, positionOf, temperatureAt } from "./format.js";
import { backendSetting, canForce, forceBackend, kernelName, loadWasm, webgpuStatus } from "./kernel.js";
import { compute, divideBySum, divideBySumProblem, type Result, type Row, sigmoidVersusSoftmax } from "./model.js";
import { DIV_BY_SUM_EXAMPLES, PRESETS, type Preset } from "./presets.js";

// ---------------------------------------------------------------- theme (first, so a pinned theme applies before the page renders)

type Theme = "auto" | "light" | "dark";
const THEME_KEY = "softmax-explorer-theme";

/** The theme pinned in this browser (localStorage), or "auto" (follow prefers-color-scheme); "auto" too when storage is unavailable. */
function storedTheme(): Theme {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return v === "light" || v === "dark" ? v : "auto";
  } catch {
    return "auto";
  }
}

/** html[data-theme] pins the palette in style.css (color-scheme: light or dark); without it, "light dark" follows the system. */
function applyTheme(t: Theme): void {
  if (t === "auto") delete document.documentElement.dataset["theme"];
  else document.documentElement.dataset["theme"] = t;
}
applyTheme(storedTheme());

/** The Theme menu: auto (remove the pin) or light / dark (pinned in localStorage for the next visits). */
const themeSelect = byId("theme", HTMLSelectElement);
themeSelect.value = storedTheme();
themeSelect.addEventListener("change", () => {
  const t: Theme = themeSelect.value === "light" || themeSelect.value === "dark" ? themeSelect.value : "auto";
  try {
    if (t === "auto") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, t);
  } catch {
    // Storage blocked: the choice holds for this visit only.
  }
  applyTheme(t);
});

interface State {
  rows: Row[];
  t: number;
  view: "p" | "logp";
  decimals: Decimals;
}

const first = PRESETS[0] as Preset;
const state: State = { rows: rowsOf(first), t: 1, view: "p", decimals: first.decimals };

function rowsOf(p: Preset): Row[] {
  return p.logits.map((logit, i) => ({ logit, label: p.labels[i] ?? `class ${i}`, masked: false }));
}

const el = {
  preset: byId("preset", HTMLSelectElement),
  presetSource: byId("preset-source", HTMLParagraphElement),
  allLogits: byId("all-logits", HTMLInputElement),
  decimals: byId("decimals", HTMLSelectElement),
  temperature: byId("temperature", HTMLInputElement),
  tValue: byId("t-value", HTMLOutputElement),
  tExact: byId("t-exact", HTMLInputElement),
  rows: byId("rows", HTMLTableSectionElement),
  barHeader: byId("bar-h", HTMLTableCellElement),
  addClass: byId("add-class", HTMLButtonElement),
  inputError: byId("input-error", HTMLParagraphElement),
  summary: byId("summary", HTMLParagraphElement),
  steps: byId("steps", HTMLOListElement),
  kernel: byId("kernel-name", HTMLElement),
};

/** The cells updated on every change, one set per row (rebuilt only when rows are added, removed or loaded). */
interface RowView {
  tr: HTMLTableRowElement;
  bar: HTMLDivElement;
  value: HTMLTableCellElement;
  logit: HTMLInputElement;
  label: HTMLInputElement;
}
let rowViews: RowView[] = [];

// ---------------------------------------------------------------- controls

/** The select's value while the logits or labels match no preset (not selectable itself). */
const CUSTOM = "custom";
for (const p of PRESETS) el.preset.append(h("option", { value: p.id }, p.name));
el.preset.append(h("option", { value: CUSTOM, disabled: true }, "custom (edited logits or labels)"));

const sameNumber = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** The preset whose logits and labels the rows hold (mask, T, view and decimals are settings on top of it), if any. */
function presetOf(rows: readonly Row[]): Preset | undefined {
  return PRESETS.find(
    (p) => p.logits.length === rows.length && rowsOf(p).every((r, i) => sameNumber(r.logit, (rows[i] as Row).logit) && r.label === (rows[i] as Row).label),
  );
}

/** The preset menu and its source line follow the state: an edit that leaves every preset shows "custom"; editing back restores the name. */
function syncPreset(): void {
  const p = presetOf(state.rows);
  el.preset.value = p === undefined ? CUSTOM : p.id;
  el.presetSource.textContent = p === undefined ? "Custom logits or labels, not one of the tutorials' examples: choose one above to load it." : p.source;
}

for (const d of DECIMALS) el.decimals.append(h("option", { value: String(d) }, d === "full" ? "full (shortest exact)" : String(d)));

function loadPreset(p: Preset): void {
  state.rows = rowsOf(p);
  state.decimals = p.decimals;
  el.decimals.value = String(p.decimals);
  buildRows();
  update();
}

el.preset.addEventListener("change", () => {
  const p = PRESETS.find((q) => q.id === el.preset.value);
  if (p) loadPreset(p);
});

el.decimals.addEventListener("change", () => {
  const v = el.decimals.value;
  state.decimals = v === "full" ? "full" : (Number(v) as Decimals);
  update();
});

function applyAllLogits(): void {
  const xs = parseLogitList(el.allLogits.value);
  if (xs === null) {
    el.allLogits.setAttribute("aria-invalid", "true");
    el.inputError.textContent = "All logits: write numbers separated by commas, e.g. -1, 1, 2, 3.";
    return;
  }
  el.allLogits.removeAttribute("aria-invalid");
  el.inputError.textContent = "";
  state.rows = xs.map((logit, i) => ({ logit, label: state.rows[i]?.label ?? `class ${i}`, masked: state.rows[i]?.masked ?? false }));
  buildRows();
  update();
}
el.allLogits.addEventListener("change", applyAllLogits);
el.allLogits.addEventListener("keydown", (e) => {
  if (e.key === "Enter") applyAllLogits();
});

function setTemperature(t: number, from: "slider" | "exact"): void {
  state.t = t;
  if (from !== "slider") el.temperature.value = String(positionOf(t));
  if (from !== "exact") el.tExact.value = String(Number(t.toPrecision(6)));
  update();
}
el.temperature.addEventListener("input", () => setTemperature(temperatureAt(Number(el.temperature.value)), "slider"));
el.tExact.addEventListener("input", () => {
  const t = Number(el.tExact.value);
  if (el.tExact.value !== "" && t >= 0 && Number.isFinite(t)) {
    el.tExact.removeAttribute("aria-invalid");
    setTemperature(t, "exact");
  } else el.tExact.setAttribute("aria-invalid", "true");
});

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="view"]')) {
  radio.addEventListener("change", () => {
    if (radio.checked) {
      state.view = radio.value === "logp" ? "logp" : "p";
      update();
    }
  });
}

el.addClass.addEventListener("click", () => {
  const i = state.rows.length;
  state.rows.push({ label: `class ${i}`, logit: 0, masked: false });
  buildRows();
  update();
  rowViews[i]?.logit.focus();
});

// ---------------------------------------------------------------- the class table

function highlight(i: number | null): void {
  for (const node of document.querySelectorAll(".hl")) node.classList.remove("hl");
  if (i === null) return;
  for (const node of document.querySelectorAll(`[data-class="${i}"]`)) node.classList.add("hl");
}

function buildRows(): void {
  el.rows.replaceChildren();
  rowViews = state.rows.map((row, i) => {
    const n = i + 1;
    const label = h("input", {
      type: "text",
      value: row.label,
      "aria-label": `Label of class ${n}`,
      spellcheck: "false",
      autocomplete: "off",
      class: "label-input",
    });
    const logit = h("input", {
      type: "text",
      inputmode: "decimal",
      value: fmtInput(row.logit),
      "aria-label": `Logit of class ${n}`,
      spellcheck: "false",
      autocomplete: "off",
      class: "logit-input",
      "aria-describedby": "logit-help",
    });
    const mask = h("input", { type: "checkbox", "aria-label": `Mask class ${n}`, class: "mask-input" });
    mask.checked = row.masked;
    const remove = h("button", { type: "button", "aria-label": `Remove class ${n}`, class: "remove", disabled: state.rows.length <= 1 }, "×");
    const bar = h("div", { class: "bar" });
    const value = h("td", { class: "num value" });
    const tr = h(
      "tr",
      { "data-class": i },
      h("td", {}, label),
      h("td", {}, logit),
      h("td", { class: "center" }, mask),
      h("td", { class: "bar-cell" }, h("div", { class: "track", "aria-hidden": "true" }, bar)),
      value,
      h("td", {}, remove),
    );
    label.addEventListener("input", () => {
      row.label = label.value;
      update();
    });
    // While typing, a partial number ("-", "1e") is only marked invalid; leaving the box with one says why.
    logit.addEventListener("input", () => {
      const v = parseLogit(logit.value);
      if (v === null) {
        logit.setAttribute("aria-invalid", "true");
        return;
      }
      logit.removeAttribute("aria-invalid");
      el.inputError.textContent = "";
      row.logit = v;
      update();
    });
    logit.addEventListener("change", () => {
      if (parseLogit(logit.value) === null)
        el.inputError.textContent = `Logit of class ${n}: not a number (write e.g. 2.5, -1, inf or NaN); still using ${fmtInput(row.logit)}.`;
    });
    logit.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
      e.preventDefault();
      const step = (e.shiftKey ? 1 : 0.1) * (e.key === "ArrowUp" ? 1 : -1);
      const v = Number.isFinite(row.logit) ? Math.round((row.logit + step) * 1e10) / 1e10 : row.logit;
      row.logit = v;
      logit.value = String(v);
      logit.removeAttribute("aria-invalid");
      update();
    });
    mask.addEventListener("change", () => {
      row.masked = mask.checked;
      update();
    });
    remove.addEventListener("click", () => {
      state.rows.splice(i, 1);
      buildRows();
      update();
      (rowViews[Math.min(i, rowViews.length - 1)]?.logit ?? el.addClass).focus();
    });
    for (const type of ["mouseenter", "focusin"] as const) tr.addEventListener(type, () => highlight(i));
    for (const type of ["mouseleave", "focusout"] as const) tr.addEventListener(type, () => highlight(null));
    el.rows.append(tr);
    return { tr, bar, value, logit, label };
  });
}

// Pointing at a number in the steps highlights its class everywhere (the bars included).
el.steps.addEventListener("mouseover", (e) => {
  const cell = (e.target as Element).closest("[data-class]");
  highlight(cell === null ? null : Number(cell.getAttribute("data-class")));
});
el.steps.addEventListener("mouseleave", () => highlight(null));

// ---------------------------------------------------------------- rendering

function update(): void {
  const r = compute(state.rows, state.t);
  const d = state.decimals;
  el.tValue.textContent = fmtT(state.t);
  el.temperature.setAttribute("aria-valuetext", `T = ${fmtT(state.t)}${state.t === 0 ? " (argmax)" : ""}`);
  el.allLogits.value = `[${state.rows.map((row) => fmtInput(row.logit)).join(", ")}]`;
  el.barHeader.textContent = state.view === "p" ? "Probability" : "Log-probability";
  renderBars(r);
  renderSummary(r);
  renderSteps(r, d);
  el.kernel.textContent = kernelName();
  syncPreset();
  saveToHash();
}

// ---------------------------------------------------------------- the state in the address (a link reproduces the page)

/**
 * Writes the state into location.hash (replaceState: no history entry per keystroke). `preset=<id>` is there exactly
 * when the logits and labels are that preset's (the menu shows the same), next to the x and labels it stands for.
 */
function saveToHash(): void {
  const q = new URLSearchParams();
  const p = presetOf(state.rows);
  if (p !== undefined) q.set("preset", p.id);
  q.set("x", state.rows.map((r) => fmtInput(r.logit)).join(","));
  q.set("labels", JSON.stringify(state.rows.map((r) => r.label)));
  if (state.rows.some((r) => r.masked)) q.set("mask", state.rows.map((r) => (r.masked ? 1 : 0)).join(""));
  if (state.t !== 1) q.set("t", String(state.t));
  if (state.view !== "p") q.set("view", state.view);
  q.set("d", String(state.decimals));
  history.replaceState(null, "", `#${q.toString()}`);
}

/**
 * Reads a state written by {@link saveToHash}; anything malformed is ignored (the first preset stays). The logits
 * come from `x` (with `labels`); without `x`, a known `preset=<id>` alone loads that preset (a short link). Labels
 * are data, shown as text only.
 */
function loadFromHash(): boolean {
  const q = new URLSearchParams(location.hash.slice(1));
  const mask = q.get("mask") ?? "";
  const named = PRESETS.find((p) => p.id === q.get("preset"));
  if (q.has("x") || named === undefined) {
    const xs = parseLogitList(q.get("x") ?? "");
    if (xs === null || xs.length > 1000) return false;
    let labels: unknown = null;
    try {
      labels = JSON.parse(q.get("labels") ?? "null");
    } catch {
      labels = null;
    }
    state.rows = xs.map((logit, i) => ({
      logit,
      label: Array.isArray(labels) && typeof labels[i] === "string" ? (labels[i] as string) : `class ${i}`,
      masked: mask[i] === "1",
    }));
  } else {
    state.rows = rowsOf(named).map((r, i) => ({ ...r, masked: mask[i] === "1" }));
    state.decimals = named.decimals;
  }
  const t = Number(q.get("t") ?? "1");
  state.t = Number.isFinite(t) && t >= 0 ? t : 1;
  el.temperature.value = String(positionOf(state.t));
  el.tExact.value = String(state.t);
  state.view = q.get("view") === "logp" ? "logp" : "p";
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="view"]')) radio.checked = radio.value === state.view;
  const d = q.get("d");
  const dec = DECIMALS.find((v) => String(v) === d);
  if (dec !== undefined) state.decimals = dec;
  return true;
}

function fmtInput(v: number): string {
  return Number.isNaN(v) ? "NaN" : v === Number.POSITIVE_INFINITY ? "inf" : v === Number.NEGATIVE_INFINITY ? "-inf" : String(v);
}

function renderBars(r: Result): void {
  const d = state.decimals;
  let scale = 0;
  for (const v of r.logp) if (Number.isFinite(v)) scale = Math.max(scale, -v);
  rowViews.forEach((v, i) => {
    const p = r.p[i] as number;
    const lp = r.logp[i] as number;
    const predicted = r.steps.argmax === i;
    v.tr.classList.toggle("masked", state.rows[i]?.masked === true);
    v.tr.classList.toggle("predicted", predicted);
    if (state.view === "p") {
      v.bar.className = "bar";
      v.bar.style.width = `${Number.isFinite(p) ? Math.max(0, Math.min(1, p)) * 100 : 0}%`;
      v.value.textContent = fmt(p, d);
    } else {
      v.bar.className = "bar log";
      const w = lp === Number.NEGATIVE_INFINITY ? 100 : Number.isFinite(lp) && scale > 0 ? (-lp / scale) * 100 : 0;
      v.bar.style.width = `${w}%`;
      v.bar.classList.toggle("infinite", lp === Number.NEGATIVE_INFINITY);
      v.value.textContent = fmt(lp, d);
    }
    v.value.dataset["raw"] = String(state.view === "p" ? p : lp);
  });
}

function nameOf(i: number): string {
  const label = state.rows[i]?.label ?? "";
  return label.trim() === "" ? `class ${i}` : `${label} (class ${i})`;
}

function renderSummary(r: Result): void {
  const d = state.decimals;
  const am = r.steps.argmax;
  let total = 0;
  for (const v of r.p) total += v;
  const t = `T = ${fmtT(state.t)}`;
  if (am === null) {
    el.summary.textContent = state.rows.every((row) => row.masked)
      ? `Every class is masked: no prediction (all probabilities 0). ${t}.`
      : `No prediction: a logit is NaN, so every probability is NaN. ${t}.`;
    return;
  }
  el.summary.replaceChildren(
    "Prediction: ",
    h("strong", { id: "prediction" }, nameOf(am)),
    `, p = ${fmt(r.p[am] as number, d)}. Σp = ${fmt(total, d)}. ${t}${state.t === 0 ? " (argmax: one-hot)" : ""}.`,
  );
}

/** One row of numbers in a step: a heading cell and one cell per class. */
function numberRow(head: Node | string, values: readonly (number | null)[], d: Decimals, cls = "", show = fmt): HTMLTableRowElement {
  return h(
    "tr",
    { class: cls },
    h("th", { scope: "row" }, head),
    ...values.map((v, i) => h("td", { "data-class": i, class: "num" }, v === null ? "masked" : show(v, d))),
  );
}

/** e^x as the CLI's explain writes it: where float64 gives up, it says so. */
function expCell(v: number, d: Decimals): string {
  return v === Number.POSITIVE_INFINITY ? "∞ (overflow)" : v === 0 ? "0 (underflow)" : fmt(v, d);
}

function stepTable(caption: string, rows: HTMLTableRowElement[]): HTMLDivElement {
  const head = h("tr", {}, h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "quantity")));
  state.rows.forEach((row, i) => {
    head.append(h("th", { scope: "col", "data-class": i, class: "num" }, row.label));
  });
  return h(
    "div",
    { class: "table-wrap" },
    h("table", { class: "step-table" }, h("caption", { class: "visually-hidden" }, caption), h("thead", {}, head), h("tbody", {}, ...rows)),
  );
}

function step(n: number, title: Node | string, ...body: (Node | string)[]): HTMLLIElement {
  const links = h("p", { class: "step-links" });
  if (n > 1) links.append(h("a", { href: `#step-${n - 1}` }, "← previous step"));
  if (n < 5) links.append(h("a", { href: `#step-${n + 1}` }, "next step →"));
  return h("li", { id: `step-${n}`, tabindex: -1, class: "step" }, h("h3", {}, `${n} · `, title), ...body, links);
}

function renderSteps(r: Result, d: Decimals): void {
  const s = r.steps;
  const t = state.t;
  const T = t === 1 ? "" : "/T";
  const x = state.rows.map((row) => row.logit);
  const mx = state.rows.map((row, i) => (row.masked ? null : (x[i] as number)));
  const items: HTMLLIElement[] = [];

  const rows1 = [numberRow("x", mx, d)];
  if (t !== 1 && t !== 0) rows1.push(numberRow("x/T", s.scaled, d));
  rows1.push(numberRow(t === 1 ? "x − m" : "(x − m)/T", s.shifted, d, "computed"));
  items.push(
    step(
      1,
      "x − max",
      h(
        "p",
        {},
        `The largest logit is m = ${fmt(s.max, d)}. Subtracting it changes no probability (the factor `,
        pow("e", "m"),
        " cancels between numerator and sum) but keeps every exponent at or below 0, so nothing overflows.",
        t === 0 ? " At T = 0 the shifted logits divided by T are 0 for the largest and −∞ for the rest." : "",
      ),
      stepTable("Step 1: subtract the maximum", rows1),
    ),
  );

  const rows2 = [];
  if (t !== 0) rows2.push(numberRow(pow("e", `x${T}`), s.exp, d, "", expCell));
  rows2.push(numberRow(pow("e", `(x − m)${T}`), s.expShifted, d, "computed"));
  items.push(
    step(
      2,
      pow("e", "x"),
      h(
        "p",
        {},
        `Exponentials are positive whatever the sign of x, and they grow fast: the largest logit pulls ahead.${t === 0 ? "" : " The library computes the second row; the first is the tutorial's."}`,
      ),
      stepTable("Step 2: exponentials", rows2),
    ),
  );

  const overflow = s.sum === Number.POSITIVE_INFINITY;
  items.push(
    step(
      3,
      "the sum",
      h(
        "p",
        { class: "big" },
        "Σ ",
        pow("e", `(x − m)${T}`),
        ` = ${fmt(s.sumShifted, d)}`,
        h("span", { class: "aside" }, "  (computed)"),
        h("br"),
        "Σ ",
        pow("e", `x${T}`),
        t === 0 ? ": no finite, non-zero limit as T → 0; the shifted sum counts the classes tied at the maximum" : ` = ${fmt(s.sum, d)}`,
        overflow ? " (overflows: too large for a double)" : "",
        t > 0 && Number.isFinite(s.max) && Number.isFinite(s.sum)
          ? h(
              "span",
              { class: "aside" },
              "  = ",
              pow("e", `m${T}`),
              " × ",
              `Σ `,
              pow("e", `(x − m)${T}`),
              ` = ${fmt(Math.exp(s.max / t), d)} × ${fmt(s.sumShifted, d)}`,
            )
          : "",
      ),
      h("p", {}, "The same denominator serves every class. The shifted sum is at least 1 (the maximum contributes e⁰ = 1), so dividing by it is safe."),
    ),
  );

  let total = 0;
  for (const v of s.p) total += v;
  items.push(
    step(
      4,
      "the division",
      h("p", {}, "Each exponential divided by the sum: the probabilities. They lie between 0 and 1 and add up to 1."),
      stepTable("Step 4: divide by the sum", [
        ...(t > 0 && Number.isFinite(s.sum)
          ? [
              h(
                "tr",
                {},
                h("th", { scope: "row" }, pow("e", `x${T}`), " / Σ"),
                ...s.exp.map((v, i) => h("td", { "data-class": i, class: "num" }, v === null ? "masked" : `${fmt(v, d)} / ${fmt(s.sum, d)}`)),
              ),
            ]
          : []),
        numberRow(
          "p",
          s.p.map((v, i) => (state.rows[i]?.masked ? null : v)),
          d,
          "computed",
        ),
      ]),
      h("p", {}, `Σp = ${fmt(total, d)}`),
    ),
  );

  const am = s.argmax;
  items.push(
    step(
      5,
      "argmax",
      am === null
        ? h("p", {}, "No class counts (all masked) or a logit is NaN: there is no prediction.")
        : h(
            "p",
            { class: "big" },
            "argmax = ",
            String(am),
            ": ",
            h("strong", { "data-class": am }, state.rows[am]?.label ?? ""),
            ` with p = ${fmt(s.p[am] as number, d)}. Softmax keeps the order of the logits, so argmax(p) = argmax(x).`,
          ),
    ),
  );
  replace(el.steps, ...items);
}

// ---------------------------------------------------------------- sigmoid versus softmax

function initSigmoid(): void {
  const curves = sigmoidVersusSoftmax();
  const chart = lineChart(curves.z, curves.sigma, curves.soft, "σ(z) and softmax([z, 0])[0] for z from −10 to 10: the two curves coincide", [
    "σ(z)",
    "softmax([z, 0])[0]",
  ]);
  byId("sigmoid-chart", HTMLDivElement).append(chart.svg);
  byId("sigmoid-diff", HTMLParagraphElement).textContent =
    `Largest difference over the ${curves.z.length} points plotted: |σ(z) − softmax([z, 0])[0]| = ${curves.maxDiff === 0 ? "0" : curves.maxDiff.toExponential(2)}.`;
  const z = byId("z", HTMLInputElement);
  const out = byId("z-value", HTMLOutputElement);
  const readout = byId("z-readout", HTMLParagraphElement);
  const show = (): void => {
    const v = Number(z.value);
    const a = sigmoid([v])[0] as number;
    const b = softmax([v, 0])[0] as number;
    out.textContent = v.toFixed(1);
    z.setAttribute("aria-valuetext", `z = ${v.toFixed(1)}`);
    readout.textContent = `z = ${v.toFixed(1)}: σ(z) = ${a.toFixed(6)}, softmax([z, 0]) = [${b.toFixed(6)}, ${(1 - b).toFixed(6)}].`;
    chart.mark(v, a);
  };
  z.addEventListener("input", show);
  show();
}

// ---------------------------------------------------------------- divide by the sum

function initDivSum(): void {
  const table = byId("divsum-table", HTMLTableElement);
  const head = h(
    "tr",
    {},
    h("th", { scope: "col" }, "z"),
    h("th", { scope: "col", class: "num" }, "z / Σz"),
    h("th", { scope: "col", class: "num" }, "softmax(z)"),
    h("th", { scope: "col" }, "what goes wrong with divide-by-sum"),
  );
  const body = h("tbody");
  const list = (v: readonly number[]): string => `[${v.map((x) => fmt(x, 3)).join(", ")}]`;
  for (const ex of DIV_BY_SUM_EXAMPLES) {
    const div = divideBySum(ex.z);
    const soft = softmax(ex.z);
    body.append(
      h(
        "tr",
        { "data-example": ex.name },
        h("th", { scope: "row" }, `${ex.name} = [${ex.z.join(", ")}]`),
        h("td", { class: div.some((v) => !(v >= 0 && v <= 1)) ? "num bad" : "num" }, list(div)),
        h("td", { class: "num good" }, list(soft)),
        h("td", {}, divideBySumProblem(ex.z) ?? ""),
      ),
    );
  }
  table.append(
    h("caption", { class: "visually-hidden" }, "Dividing by the sum versus softmax on the tutorial's vectors, 3 decimals"),
    h("thead", {}, head),
    body,
  );
}

// ---------------------------------------------------------------- kernel and benchmark

function initKernel(): void {
  const select = byId("backend", HTMLSelectElement);
  const setting = backendSetting();
  if (canForce && setting !== null) select.value = setting;
  else select.disabled = true;
  select.addEventListener("change", () => {
    if (!forceBackend(select.value)) select.value = backendSetting() ?? "auto";
    update();
  });
  const wasm = byId("wasm", HTMLElement);
  void loadWasm().then((s) => {
    wasm.textContent = s;
  });
  const gpu = byId("webgpu", HTMLElement);
  void webgpuStatus().then((s) => {
    gpu.textContent = s;
  });
  const run = byId("bench-run", HTMLButtonElement);
  const status = byId("bench-status", HTMLParagraphElement);
  const table = byId("bench-table", HTMLTableElement);
  run.addEventListener("click", async () => {
    run.disabled = true;
    table.hidden = false;
    const body = h("tbody");
    const col = (text: string) => h("th", { scope: "col", class: "num" }, text);
    replace(
      table,
      h("caption", {}, `Nanoseconds per element (lower is better), with the kernel that ran. Dispatch: ${backendSetting() ?? "none"}.`),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col" }, "n"), col("softmax, float64"), col("softmax, float32"), col("plain JS loop"), col("max |difference|")),
      ),
      body,
    );
    try {
      for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
        status.textContent = `Running n = ${n.toLocaleString("en")}…`;
        await new Promise((r) => setTimeout(r, 0));
        const b = benchOne(n, 50);
        body.append(
          h(
            "tr",
            {},
            h("th", { scope: "row", class: "num" }, n.toLocaleString("en")),
            h("td", { class: "num" }, `${b.f64Ns.toFixed(1)} ns `, h("span", { class: "kernel" }, b.f64Kernel)),
            h("td", { class: "num" }, `${b.f32Ns.toFixed(1)} ns `, h("span", { class: "kernel" }, b.f32Kernel)),
            h("td", { class: "num" }, `${b.naiveNs.toFixed(1)} ns`),
            h("td", { class: "num" }, b.maxDiff.toExponential(1)),
          ),
        );
      }
      status.textContent = "Done: 4 sizes measured.";
    } catch (e) {
      status.textContent = `The benchmark failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      run.disabled = false;
      update();
    }
  });
}

// ---------------------------------------------------------------- start

loadFromHash();
el.decimals.value = String(state.decimals);
buildRows();
update();
initSigmoid();
initDivSum();
initKernel();
document.documentElement.dataset["ready"] = "true";
