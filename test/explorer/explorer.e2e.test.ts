/**
 * The explorer in a real browser: Debian's Chromium driven by playwright-core, the page built by Vite into a
 * temporary folder and served from 127.0.0.1. Expected numbers come from the library (and from the seeds' own
 * printed figures), never from the page's code.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Decimal } from "decimal.js";
import type { Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exact } from "../../reference/decimal.mjs";
import { logSoftmax, softmax } from "../../src/index.js";
import * as dispatch from "../../src/kernels/dispatch.js";
import { chromiumPath, type Launched, launch } from "./browser.js";
import { decodePng, inkOf } from "./png.js";
import { type StaticServer, serveStatic } from "./serve.js";

const ROOT = join(import.meta.dirname, "..", "..");

let outDir = "";
let server: StaticServer;
let browser: Launched;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

/**
 * The page's documented display rule (the CLI's too): d decimals (toFixed), except a non-zero value too small for
 * them, which gets an exponent with max(d − 1, 2) decimals (1.19e-7); zero shows without a sign.
 */
function fixed(v: number, d: number): string {
  if (v === 0) return (0).toFixed(d);
  if (Math.abs(v) < 0.5 * 10 ** -d) return v.toExponential(Math.max(d - 1, 2)).replace("e+", "e");
  return v.toFixed(d);
}

/** |a − b| in units in the last place of b (b nonzero; a converted exactly, not through its shortest decimal form). */
function ulps(a: number, b: Decimal): number {
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(b.toNumber()))) - 52);
  return exact(a).minus(b).abs().div(ulp).toNumber();
}

async function texts(selector: string): Promise<string[]> {
  return page.locator(selector).allTextContents();
}

async function open(hash = ""): Promise<void> {
  await page.goto("about:blank");
  await page.goto(server.url + hash);
  await page.waitForSelector("html[data-ready='true']", { timeout: 15_000 });
}

async function valueCells(): Promise<string[]> {
  return (await texts("#rows td.value")).map((t) => t.replace(/\s*◀.*$/, "").trim());
}

/** Types into a logit box the way a person does: focus, select all, type, (the input event fires per key). */
async function typeLogit(i: number, text: string): Promise<void> {
  const box = page.getByLabel(`Logit of class ${i + 1}`, { exact: true });
  await box.click();
  await box.press("Control+a");
  await box.pressSequentially(text);
}

type Rgb = [number, number, number];

/** The colours that carry the page, as computed in the browser: each text colour with the background it sits on. */
interface Palette {
  page: Rgb;
  ink: Rgb;
  paper: Rgb;
  lede: Rgb;
  hint: Rgb;
  summaryInk: Rgb;
  summaryBack: Rgb;
  button: Rgb;
  buttonBack: Rgb;
  navInk: Rgb;
  navBack: Rgb;
  computed: Rgb;
  argmaxNote: Rgb;
  bar: Rgb;
  hotBar: Rgb;
  track: Rgb;
  curve: Rgb;
  axisText: Rgb;
  marker: Rgb;
}

const TEXT_PAIRS = [
  "h1 on page",
  "lede on page",
  "text on card",
  "hint on card",
  "summary",
  "button",
  "step nav",
  "computed row",
  "argmax note",
  "axis labels",
] as const;
const GRAPHIC_PAIRS = ["bar on track", "argmax bar on track", "curve on card", "marker on card"] as const;

async function palette(): Promise<Palette> {
  const raw = await page.evaluate(() => {
    const rgb = (v: string): number[] => {
      const m = v.match(/[\d.]+/g);
      if (m === null || m.length < 3) throw new Error(`not a colour: ${v}`);
      return m.slice(0, 3).map(Number);
    };
    const q = (sel: string): Element => {
      const e = document.querySelector(sel);
      if (e === null) throw new Error(`no ${sel}`);
      return e;
    };
    const prop = (sel: string, p: string, pseudo?: string): number[] => rgb(getComputedStyle(q(sel), pseudo).getPropertyValue(p));
    /** The first opaque background at or above the element. */
    const back = (sel: string): number[] => {
      for (let e: Element | null = q(sel); e !== null; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (!/rgba\(.*,\s*0\)$/.test(c) && c !== "transparent") return rgb(c);
      }
      throw new Error(`no background behind ${sel}`);
    };
    return {
      page: back("header.top"),
      ink: prop("#walk > p", "color"),
      paper: back("#walk > p"),
      lede: prop(".lede", "color"),
      hint: prop("#logit-help", "color"),
      summaryInk: prop("#summary", "color"),
      summaryBack: back("#summary"),
      button: prop("#add-class", "color"),
      buttonBack: prop("#add-class", "background-color"),
      navInk: prop(".step-nav a", "color"),
      navBack: back(".step-nav a"),
      computed: prop("#step-1 tr.computed td", "color"),
      argmaxNote: prop("#rows tr.predicted .value", "color", "::after"),
      bar: prop("#rows tr:not(.predicted) .bar", "background-color"),
      hotBar: prop("#rows tr.predicted .bar", "background-color"),
      track: prop("#rows .track", "background-color"),
      curve: prop("#sigmoid-chart path.curve-b", "stroke"),
      axisText: prop("#sigmoid-chart .grid text", "fill"),
      marker: prop("#sigmoid-chart .marker", "stroke"),
    };
  });
  return raw as unknown as Palette;
}

/** WCAG 2 relative luminance of an sRGB colour. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number): number => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2 contrast ratio (L1 + 0.05) / (L2 + 0.05). */
function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function contrasts(p: Palette): Record<(typeof TEXT_PAIRS)[number] | (typeof GRAPHIC_PAIRS)[number], number> {
  return {
    "h1 on page": contrast(p.ink, p.page),
    "lede on page": contrast(p.lede, p.page),
    "text on card": contrast(p.ink, p.paper),
    "hint on card": contrast(p.hint, p.paper),
    summary: contrast(p.summaryInk, p.summaryBack),
    button: contrast(p.button, p.buttonBack),
    "step nav": contrast(p.navInk, p.navBack),
    "computed row": contrast(p.computed, p.paper),
    "argmax note": contrast(p.argmaxNote, p.paper),
    "axis labels": contrast(p.axisText, p.paper),
    "bar on track": contrast(p.bar, p.track),
    "argmax bar on track": contrast(p.hotBar, p.track),
    "curve on card": contrast(p.curve, p.paper),
    "marker on card": contrast(p.marker, p.paper),
  };
}

beforeAll(async () => {
  chromiumPath(); // throws, with how to install it, when Chromium is missing: these tests fail, never skip
  outDir = await mkdtemp(join(tmpdir(), "softmax-explorer-dist-"));
  await build({ configFile: join(ROOT, "explorer", "vite.config.ts"), logLevel: "error", build: { outDir, emptyOutDir: true } });
  server = await serveStatic(outDir);
  browser = await launch();
  page = await browser.context.newPage();
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith("data:")) foreignRequests.push(r.url());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe("explorer page (Chromium)", () => {
  it("loads from the local server only, with a Content-Security-Policy and no errors", async () => {
    await open();
    expect(await page.title()).toBe("Softmax explorer");
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    expect(csp).toContain("default-src 'self'");
    expect(server.requests).toContain("/");
    expect(server.requests.some((p) => p.endsWith(".js"))).toBe(true);
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    // The first preset is seed 000's example; the live summary names the prediction and its probability.
    const p = softmax([-1, 1, 2, 3]);
    expect(await page.locator("#summary").textContent()).toBe(`Prediction: onion (class 3), p = ${fixed(p[3] as number, 2)}. Σp = 1.00. T = 1.`);
    expect(await page.locator("#summary").getAttribute("aria-live")).toBe("polite");
  });

  it("shows the seed's walk-through numbers for [-1, 1, 2, 3]", async () => {
    await open();
    const step = (n: number, row: number) => page.locator(`#step-${n} tbody tr`).nth(row).locator("td");
    expect(await step(1, 1).allTextContents()).toEqual(["-4.00", "-2.00", "-1.00", "0.00"]);
    // Seed 000 prints e^x as 0.36, 2.72, 7.39, 20.09: e^-1 = 0.3679 rounds to 0.37 (the seed truncated it).
    expect(await step(2, 0).allTextContents()).toEqual(["0.37", "2.72", "7.39", "20.09"]);
    expect(await page.locator("#step-3").textContent()).toContain("Σ ex = 30.56");
    expect(await page.locator("#step-3").textContent()).toContain("Σ e(x − m) = 1.52");
    expect(await step(4, 0).allTextContents()).toEqual(["0.37 / 30.56", "2.72 / 30.56", "7.39 / 30.56", "20.09 / 30.56"]);
    expect(await step(4, 1).allTextContents()).toEqual(["0.01", "0.09", "0.24", "0.66"]);
    expect(await page.locator("#step-5").textContent()).toContain("argmax = 3: onion with p = 0.66");
    // A class is linked across the steps: focusing its row highlights its numbers in every step, and pointing at a number highlights its row.
    await page.getByLabel("Logit of class 2", { exact: true }).focus();
    expect(await page.locator("#steps td.hl").count()).toBe(6); // x, x − m, e^x, e^(x − m), e^x / Σ, p
    expect(await page.locator('#steps td.hl[data-class="1"]').count()).toBe(6);
    await page.locator("#step-4 tbody tr").nth(1).locator('td[data-class="2"]').hover();
    expect(await page.locator('#rows tr[data-class="2"]').getAttribute("class")).toContain("hl");
    // The steps are linked: the navigation reaches each one.
    await page.getByRole("link", { name: "4 · the division" }).click();
    expect(new URL(page.url()).hash).toBe("#step-4");
  });

  it("updates the bars and values live while logits are typed", async () => {
    await open();
    await typeLogit(0, "4.5");
    const x = [4.5, 1, 2, 3];
    const p = softmax(x);
    expect(await valueCells()).toEqual(p.map((v) => fixed(v, 2)));
    expect(await page.locator("#prediction").textContent()).toBe("cat (class 0)");
    // Bar widths are the probabilities.
    const widths = await page.locator("#rows .bar").evaluateAll((bars) => bars.map((b) => (b as HTMLElement).style.width));
    widths.forEach((w, i) => {
      expect(Number.parseFloat(w)).toBeCloseTo((p[i] as number) * 100, 3); // CSS keeps 4 decimals of a percentage
    });
    // "All logits" follows, and applying a list rebuilds the rows.
    expect(await page.locator("#all-logits").inputValue()).toBe("[4.5, 1, 2, 3]");
    await page.locator("#all-logits").fill("0.25, 1.23, -0.8");
    await page.locator("#all-logits").press("Enter");
    expect(await page.locator("#rows tr").count()).toBe(3);
    expect(await valueCells()).toEqual(softmax([0.25, 1.23, -0.8]).map((v) => fixed(v, 2)));
    // Arrow keys step a logit by 0.1.
    await page.getByLabel("Logit of class 3", { exact: true }).press("ArrowUp");
    expect(await page.getByLabel("Logit of class 3", { exact: true }).inputValue()).toBe("-0.7");
    expect(await valueCells()).toEqual(softmax([0.25, 1.23, -0.7]).map((v) => fixed(v, 2)));
    // A typo is flagged, not applied; leaving the box says why.
    await typeLogit(0, "abc");
    expect(await page.getByLabel("Logit of class 1", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await valueCells()).toEqual(softmax([0.25, 1.23, -0.7]).map((v) => fixed(v, 2)));
    await page.keyboard.press("Tab");
    expect(await page.locator("#input-error").textContent()).toBe("Logit of class 1: not a number (write e.g. 2.5, -1, inf or NaN); still using 0.25.");
  });

  it("moves the temperature with the keyboard: Home is the argmax, End is nearly uniform", async () => {
    await open();
    const slider = page.getByLabel(/Temperature T/);
    const x = [-1, 1, 2, 3];
    await slider.focus();
    await slider.press("Home");
    expect(await slider.getAttribute("aria-valuetext")).toBe("T = 0 (argmax)");
    expect(await valueCells()).toEqual(softmax(x, { temperature: 0 }).map((v) => fixed(v, 2)));
    expect(await valueCells()).toEqual(["0.00", "0.00", "0.00", "1.00"]);
    await slider.press("End");
    expect(await page.locator("#t-value").textContent()).toBe("1000");
    const uniform = softmax(x, { temperature: 1000 });
    expect(await valueCells()).toEqual(uniform.map((v) => fixed(v, 2)));
    expect(await valueCells()).toEqual(["0.25", "0.25", "0.25", "0.25"]);
    // Position 50 is T = 1; each step is a factor 10^(3/50). Ten steps left of the middle: T = 10^-0.6.
    await slider.press("End");
    for (let i = 0; i < 60; i++) await slider.press("ArrowLeft");
    const t = 10 ** -0.6;
    expect(Number(await page.locator("#t-exact").inputValue())).toBeCloseTo(t, 5);
    expect(await valueCells()).toEqual(softmax(x, { temperature: t }).map((v) => fixed(v, 2)));
    // Typing an exact temperature moves the slider too.
    await page.locator("#t-exact").fill("2");
    expect(await slider.inputValue()).toBe("55");
    expect(await valueCells()).toEqual(softmax(x, { temperature: 2 }).map((v) => fixed(v, 2)));
  });

  it("masks a class: probability 0, not counted, the prediction moves", async () => {
    await open();
    await page.getByLabel("Mask class 4", { exact: true }).check();
    const x = [-1, 1, 2, 3];
    const where = [true, true, true, false];
    expect(await valueCells()).toEqual(softmax(x, { where }).map((v) => fixed(v, 2)));
    expect(await page.locator("#prediction").textContent()).toBe("alligator (class 2)");
    expect(await page.locator('#step-1 tbody tr:first-child td[data-class="3"]').textContent()).toBe("masked");
    // The log-probability view: the masked class is -∞.
    await page.getByLabel("log-probabilities").check();
    expect(await page.locator("#bar-h").textContent()).toBe("Log-probability");
    expect(await valueCells()).toEqual(logSoftmax(x, { where }).map((v) => (v === Number.NEGATIVE_INFINITY ? "-∞" : fixed(v, 2))));
    // Unmask: every class counts again.
    await page.getByLabel("Mask class 4", { exact: true }).uncheck();
    expect(await valueCells()).toEqual(logSoftmax(x).map((v) => fixed(v, 2)));
  });

  it("shows labels as text: markup typed into a label never runs", async () => {
    await open();
    const evil = "<img src=x onerror=alert(1)>";
    const label = page.getByLabel("Label of class 4", { exact: true });
    await label.fill(evil);
    await page.getByLabel("Label of class 1", { exact: true }).fill('"><script>alert(2)</script>');
    await page.waitForTimeout(300); // time for an injected onerror to fire, were there one
    expect(dialogs).toEqual([]);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("main script").count()).toBe(0);
    expect(await page.locator("#prediction").textContent()).toBe(`${evil} (class 3)`);
    expect(await page.locator('#step-1 thead th[data-class="3"]').textContent()).toBe(evil);
    expect(await page.locator('#step-1 thead th[data-class="0"]').textContent()).toBe('"><script>alert(2)</script>');
    expect(await page.getByText(evil, { exact: true }).first().isVisible()).toBe(true);
    // The state travels in the address; a link carrying markup in a label shows it as text too.
    const link = new URL(page.url()).hash;
    expect(new URLSearchParams(link.slice(1)).get("labels")).toBe(JSON.stringify(['"><script>alert(2)</script>', "dog", "alligator", evil]));
    await open(`#x=1,2&labels=${encodeURIComponent(JSON.stringify(["<b>bold</b>", "<svg onload=alert(3)>"]))}&mask=01&t=2`);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(await page.locator("main b, main svg[onload]").count()).toBe(0);
    expect(await page.locator("#prediction").textContent()).toBe("<b>bold</b> (class 0)");
    expect(await page.getByLabel("Label of class 2", { exact: true }).inputValue()).toBe("<svg onload=alert(3)>");
    expect(await page.getByLabel("Mask class 2", { exact: true }).isChecked()).toBe(true);
    expect(await page.locator("#t-exact").inputValue()).toBe("2");
    expect(await valueCells()).toEqual(["1.00", "0.00"]);
  });

  it("loads every seed example as a preset", async () => {
    await open();
    const cases: { id: string; x: number[]; d: number | "full"; seed: number[] }[] = [
      { id: "walkthrough", x: [-1, 1, 2, 3], d: 2, seed: [0.01, 0.09, 0.24, 0.66] },
      { id: "five", x: [1.3, 5.1, 2.2, 0.7, 1.1], d: 2, seed: [0.02019046, 0.90253769, 0.04966053, 0.01108076, 0.01653055] },
      { id: "cat-dog", x: [1.25, 2.44, 0.78, 0.12], d: "full", seed: [0.19101770813831334, 0.627890718698843, 0.11938650086860875, 0.061705072294234845] },
      { id: "seal-panda-duck", x: [0.25, 1.23, -0.8], d: 3, seed: [0.249, 0.664, 0.087] },
      { id: "z2", x: [-0.25, 1, -0.75], d: 3, seed: [] },
      { id: "z3", x: [0.1, 0.9, 0.2], d: 3, seed: [0.231, 0.514, 0.255] },
      { id: "z4", x: [0, 0.9, 0.1], d: 3, seed: [0.219, 0.539, 0.242] },
      { id: "13-31-5", x: [13, 31, 5], d: "full", seed: [1.52299795e-8, 9.99999985e-1, 5.10908895e-12] },
      { id: "0-100-0", x: [0, 100, 0], d: "full", seed: [3.72007598e-44, 1, 3.72007598e-44] },
    ];
    expect(await page.locator("#preset option").count()).toBe(cases.length + 1); // and "custom", not selectable
    expect(await page.locator('#preset option[value="custom"]').isDisabled()).toBe(true);
    for (const c of cases) {
      await page.locator("#preset").selectOption(c.id);
      expect(await page.locator("#all-logits").inputValue()).toBe(`[${c.x.join(", ")}]`);
      expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).get("preset")).toBe(c.id);
      const shown = await valueCells();
      if (c.d === "full") {
        // Shortest round-trip text, within the library's 4 ulp of the 60-digit value. (Chromium's Math.exp and
        // Node's can differ by an ulp, so the page and this process may disagree in the last digit.)
        // The logits converted exactly (new Decimal(2.44) would be the decimal 2.44, not the double the page used).
        const e = c.x.map((v) => exact(v).exp());
        const sum = e.reduce((a, b) => a.plus(b));
        shown.forEach((t, i) => {
          expect(Number(t).toString()).toBe(t);
          expect(ulps(Number(t), (e[i] as Decimal).div(sum)), `${c.id}[${i}] = ${t}`).toBeLessThanOrEqual(4);
        });
      } else {
        const d = c.d;
        expect(shown).toEqual(softmax(c.x).map((v) => fixed(v, d)));
      }
      // The seeds' own printed figures, to their printed precision.
      c.seed.forEach((s, i) => {
        const v = Number(shown[i]);
        const tol = c.d === "full" ? Math.abs(s) * 1e-8 + 1e-16 : 0.5 * 10 ** -(c.d as number) + 1e-12;
        expect(Math.abs(v - s), `${c.id}[${i}]: shown ${shown[i]}, seed ${s}`).toBeLessThanOrEqual(tol);
      });
    }
  });

  it("the preset menu follows the logits and labels: custom after an edit, the preset again when edited back; the link agrees", async () => {
    await open();
    const menu = page.locator("#preset");
    const hash = (): URLSearchParams => new URLSearchParams(new URL(page.url()).hash.slice(1));
    const walkthroughSource = (await page.locator("#preset-source").textContent()) ?? "";
    expect(await menu.inputValue()).toBe("walkthrough");
    expect(walkthroughSource).toMatch(/^Seed 000/);
    expect(hash().get("preset")).toBe("walkthrough");
    // An edited logit: the menu says custom, the source line says so, and the link no longer names the preset.
    await typeLogit(0, "4.5");
    expect(await menu.inputValue()).toBe("custom");
    expect(await menu.locator("option:checked").textContent()).toBe("custom (edited logits or labels)");
    expect(await page.locator("#preset-source").textContent()).toMatch(/^Custom logits or labels/);
    expect(hash().get("preset")).toBeNull();
    expect(hash().get("x")).toBe("4.5,1,2,3");
    // Typing the preset's value back restores its name.
    await typeLogit(0, "-1");
    expect(await menu.inputValue()).toBe("walkthrough");
    expect(await page.locator("#preset-source").textContent()).toBe(walkthroughSource);
    expect(hash().get("preset")).toBe("walkthrough");
    // A label counts too; mask, temperature, view and decimals are settings on top of a preset.
    await page.getByLabel("Label of class 1", { exact: true }).fill("kitten");
    expect(await menu.inputValue()).toBe("custom");
    expect(hash().get("preset")).toBeNull();
    await page.getByLabel("Label of class 1", { exact: true }).fill("cat");
    expect(await menu.inputValue()).toBe("walkthrough");
    await page.getByLabel("Mask class 2", { exact: true }).check();
    await page.locator("#t-exact").fill("2");
    await page.locator("#decimals").selectOption("4");
    expect(await menu.inputValue()).toBe("walkthrough");
    expect(hash().get("preset")).toBe("walkthrough");
    // A class added or a list pasted is custom; a pasted list equal to a preset's logits (same labels) is that preset.
    await page.getByRole("button", { name: "Add a class" }).click();
    expect(await menu.inputValue()).toBe("custom");
    await page.locator("#all-logits").fill("-1, 1, 2, 3");
    await page.locator("#all-logits").press("Enter");
    expect(await menu.inputValue()).toBe("walkthrough");
    // The link reproduces the menu: reloading a preset's address shows that preset (and its source), not the first.
    await menu.selectOption("cat-dog");
    const catDog = page.url();
    await open(new URL(catDog).hash);
    expect(await menu.inputValue()).toBe("cat-dog");
    expect(await page.locator("#preset-source").textContent()).toMatch(/^Seed 002/);
    expect(await page.locator("#all-logits").inputValue()).toBe("[1.25, 2.44, 0.78, 0.12]");
    // A custom address shows custom; a short link #preset=<id> loads the preset with its rounding.
    await open("#x=1,2");
    expect(await menu.inputValue()).toBe("custom");
    expect(await valueCells()).toEqual(softmax([1, 2]).map((v) => fixed(v, 2)));
    await open("#preset=five");
    expect(await menu.inputValue()).toBe("five");
    expect(await page.locator("#all-logits").inputValue()).toBe("[1.3, 5.1, 2.2, 0.7, 1.1]");
    expect(await page.locator("#decimals").inputValue()).toBe("2");
    expect(hash().get("x")).toBe("1.3,5.1,2.2,0.7,1.1");
  });

  it("has a dark theme: follows prefers-color-scheme, a Theme control pins light or dark (remembered), contrast holds in both", async () => {
    await page.emulateMedia({ colorScheme: "light" });
    await open();
    const light = await palette();
    await page.emulateMedia({ colorScheme: "dark" });
    const dark = await palette();
    // Every colour below changes with the system setting (computed styles, not the stylesheet's text).
    for (const key of Object.keys(light) as (keyof Palette)[]) expect(dark[key], key).not.toEqual(light[key]);
    expect(luminance(dark.page)).toBeLessThan(0.02);
    expect(luminance(light.page)).toBeGreaterThan(0.85);
    for (const [name, pal] of [
      ["light", light],
      ["dark", dark],
    ] as const) {
      const report = contrasts(pal);
      console.log(
        `contrast, ${name} theme: ${Object.entries(report)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(", ")}`,
      );
      // Text (WCAG 1.4.3): 4.5:1. Bars, the chart's curve and marker (non-text, WCAG 1.4.11): 3:1.
      for (const k of TEXT_PAIRS) expect(report[k], `${name}: ${k}`).toBeGreaterThanOrEqual(4.5);
      for (const k of GRAPHIC_PAIRS) expect(report[k], `${name}: ${k}`).toBeGreaterThanOrEqual(3);
    }
    // The Theme control pins a palette over the system's, and this browser remembers it (localStorage).
    const theme = page.locator("#theme");
    expect(await theme.inputValue()).toBe("auto");
    await theme.selectOption("light");
    expect(await palette()).toEqual(light);
    await open();
    expect(await theme.inputValue()).toBe("light");
    expect(await palette()).toEqual(light);
    await theme.selectOption("auto");
    expect(await palette()).toEqual(dark);
    await page.emulateMedia({ colorScheme: "light" });
    await theme.selectOption("dark");
    expect(await palette()).toEqual(dark);
    expect(await page.evaluate(() => localStorage.getItem("softmax-explorer-theme"))).toBe("dark");
    // Back to following the system (and the light screenshot below).
    await theme.selectOption("auto");
    expect(await page.evaluate(() => localStorage.getItem("softmax-explorer-theme"))).toBeNull();
    expect(await palette()).toEqual(light);
    await page.waitForTimeout(200);
    await mkdir(join(ROOT, "test-results"), { recursive: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await writeFile(join(ROOT, "test-results", "explorer-dark.png"), await page.screenshot({ fullPage: true }));
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("plots σ(z) against softmax([z, 0])[0] and compares divide-by-sum on the seed's vectors", async () => {
    await open();
    expect(await page.locator("#sigmoid-chart svg path").count()).toBe(2);
    expect(await page.locator("#sigmoid-diff").textContent()).toMatch(/= (0|\d\.\d\de-1[6-9])\.$/);
    const z = page.getByLabel(/^z/);
    await z.focus();
    for (let i = 0; i < 5; i++) await z.press("ArrowRight");
    const s = 1 / (1 + Math.exp(-2.5));
    expect(await page.locator("#z-readout").textContent()).toContain(`z = 2.5: σ(z) = ${s.toFixed(6)}, softmax([z, 0]) = [${s.toFixed(6)}, `);
    // Seed 003's printed outputs, literally.
    const row = (name: string) => page.locator(`tr[data-example="${name}"] td`);
    expect((await row("z1").allTextContents()).slice(0, 2)).toEqual(["[0.368, 1.809, -1.176]", "[0.249, 0.664, 0.087]"]);
    expect((await row("z2").allTextContents())[0]).toBe("[-∞, ∞, -∞]");
    expect((await row("z3").allTextContents()).slice(0, 2)).toEqual(["[0.083, 0.750, 0.167]", "[0.231, 0.514, 0.255]"]);
    expect((await row("z4").allTextContents()).slice(0, 2)).toEqual(["[0.000, 0.900, 0.100]", "[0.219, 0.539, 0.242]"]);
  });

  it("says which kernel ran, loads the WASM kernels, and runs the in-page benchmark", async () => {
    await open();
    const wasmInBuild = typeof (dispatch as Record<string, unknown>)["initWasm"] === "function";
    expect(await page.locator("#kernel-name").textContent()).toMatch(/^(JS|WASM|WebGPU)/i);
    await expect.poll(() => page.locator("#webgpu").textContent(), { timeout: 5_000 }).not.toBe("checking…");
    await expect
      .poll(() => page.locator("#wasm").textContent(), { timeout: 5_000 })
      .toBe(wasmInBuild ? "loaded (SIMD)" : "not in this build (JavaScript kernels only)");
    await page.getByRole("button", { name: "Run the benchmark" }).press("Enter");
    await expect.poll(() => page.locator("#bench-status").textContent(), { timeout: 30_000 }).toBe("Done: 4 sizes measured.");
    const rows = page.locator("#bench-table tbody tr");
    expect(await rows.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      const cells = await rows.nth(i).locator("td").allTextContents();
      expect(cells[0]).toMatch(/^\d+\.\d ns (js|JS)$/);
      // float32 logits of 1000 or more elements go to WASM under "auto" when it is loaded.
      expect(cells[1]).toMatch(wasmInBuild ? /^\d+\.\d ns wasm/ : /^\d+\.\d ns (js|JS)$/);
      expect(Number.parseFloat(cells[2] as string)).toBeGreaterThan(0);
      expect(Number.parseFloat(cells[3] as string)).toBeLessThan(1e-12);
    }
    if (wasmInBuild) {
      // Forcing "js" from the page: the float32 runs stay in JavaScript.
      await page.locator("#backend").selectOption("js");
      await page.getByRole("button", { name: "Run the benchmark" }).click();
      await expect.poll(() => page.locator("#bench-status").textContent(), { timeout: 30_000 }).toBe("Done: 4 sizes measured.");
      expect((await rows.nth(0).locator("td").allTextContents())[1]).toMatch(/ns js$/);
      await page.locator("#backend").selectOption("auto");
    }
  });

  it("draws a non-blank chart: the screenshot has bars, the argmax bar in its colour, and both curves", async () => {
    await open();
    await page.waitForTimeout(200); // the bars' width transition
    const png = await page.screenshot({ fullPage: true });
    await mkdir(join(ROOT, "test-results"), { recursive: true });
    await writeFile(join(ROOT, "test-results", "explorer.png"), png);
    const img = decodePng(png);
    expect(img.width).toBe(1100);
    const box = async (sel: string) => {
      const b = await page.locator(sel).boundingBox();
      if (b === null) throw new Error(`${sel} is not visible`);
      return b;
    };
    const tracks = await box("#rows");
    const bars = inkOf(img, tracks, [255, 255, 255]);
    expect(bars.ink / bars.total).toBeGreaterThan(0.05);
    expect(bars.colours).toBeGreaterThan(5);
    // The argmax bar (onion, p = 0.66) is drawn in the accent red #c4462b at its middle.
    const hot = await box("#rows tr:nth-child(4) .bar");
    const cx = Math.round(hot.x + hot.width / 2);
    const cy = Math.round(hot.y + hot.height / 2);
    const o = (cy * img.width + cx) * 4;
    expect([img.rgba[o], img.rgba[o + 1], img.rgba[o + 2]]).toEqual([0xc4, 0x46, 0x2b]);
    expect(hot.width / (await box("#rows tr:nth-child(4) .track")).width).toBeCloseTo(softmax([-1, 1, 2, 3])[3] as number, 2);
    const chart = inkOf(img, await box("#sigmoid-chart svg"), [255, 255, 255]);
    expect(chart.ink / chart.total).toBeGreaterThan(0.03);
    expect(chart.colours).toBeGreaterThan(5);
    // Nothing in the whole session (every test above) raised an error or broke the Content-Security-Policy.
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
