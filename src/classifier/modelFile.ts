/**
 * The model file of {@link SoftmaxClassifier}: a versioned JSON document.
 *
 * Version 1 (every key required unless marked optional; no other keys allowed):
 *
 * | key | type | meaning |
 * |---|---|---|
 * | `format` | `"softmax-classifier"` | identifies the file |
 * | `version` | `1` | the format version; a reader refuses versions it does not know |
 * | `classes` | `(string \| number)[]`, k ≥ 2 distinct | the labels, in the order of the rows of W |
 * | `features` | integer d ≥ 1 | number of input columns |
 * | `featureNames` | `string[]` of length d, or `null` | column names (the CLI matches CSV headers with them) |
 * | `weights` | k rows of d finite numbers | W: logits z = W x + b on raw (unstandardised) features |
 * | `bias` | k finite numbers | b |
 * | `temperature` | number ≥ 0, or the string `"Infinity"` | divides the logits before softmax (1 = none; from `calibrate`) |
 * | `training` | object (optional) | how the model was trained: informational, not read back into the computation |
 *
 * Numbers are written with JavaScript's shortest round-trip form, so a float64
 * parameter reads back bit for bit.
 */
import { SoftmaxError } from "../errors.js";

/** The `format` value. */
export const MODEL_FORMAT = "softmax-classifier";
/** The version this library writes; it reads versions ≤ this. */
export const MODEL_VERSION = 1;

/** A version-1 model file, as parsed JSON. */
export interface ModelFileV1 {
  format: typeof MODEL_FORMAT;
  version: 1;
  classes: (string | number)[];
  features: number;
  featureNames: string[] | null;
  weights: number[][];
  bias: number[];
  temperature: number | "Infinity";
  training?: Record<string, unknown>;
}

/** What a validated file gives the classifier. */
export interface ModelState {
  classes: (string | number)[];
  featureNames: string[] | null;
  k: number;
  d: number;
  w: Float64Array;
  b: Float64Array;
  temperature: number;
  training: Record<string, unknown> | null;
}

const NONE: unique symbol = Symbol("none");
const KEYS = ["format", "version", "classes", "features", "featureNames", "weights", "bias", "temperature", "training"];

/** Parses and validates a model file (a JSON string or the parsed object). Every error names the key at fault. */
export function readModel(json: unknown, fn: string): ModelState {
  let doc: unknown = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new SoftmaxError({ code: "INVALID_INPUT", fn, arg: "json", expected: `valid JSON (${(e as Error).message})` });
    }
  }
  const fail = (path: string, expected: string, received: unknown = NONE, code: "INVALID_INPUT" | "SHAPE_MISMATCH" = "INVALID_INPUT"): never => {
    throw new SoftmaxError({ code, fn, arg: "model", path, expected, ...(received !== NONE ? { received } : {}) });
  };
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return fail("", "a model object (JSON written by SoftmaxClassifier.toJSON)", doc);
  const m = doc as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) return fail(".format", `"${MODEL_FORMAT}" (this is not a softmax classifier model file)`, m.format);
  if (typeof m.version !== "number" || !Number.isInteger(m.version) || m.version < 1) return fail(".version", "a positive integer", m.version);
  if (m.version > MODEL_VERSION) {
    return fail(".version", `a version ≤ ${MODEL_VERSION}: this file was written by a newer release of softmax; upgrade to read it`, m.version);
  }
  for (const key of Object.keys(m)) if (!KEYS.includes(key)) fail(`.${key}`, `only the keys ${KEYS.join(", ")}`);

  const classes = m.classes;
  if (!Array.isArray(classes) || classes.length < 2) return fail(".classes", "an array of at least 2 class labels", classes);
  const seen = new Set<unknown>();
  classes.forEach((c, i) => {
    if (!((typeof c === "string" && c.length > 0) || (typeof c === "number" && Number.isFinite(c))))
      fail(`.classes[${i}]`, "a non-empty string or a finite number", c);
    if (seen.has(c)) fail(`.classes[${i}]`, "distinct labels (this one repeats)", c);
    seen.add(c);
  });
  const k = classes.length;
  const d = m.features;
  if (typeof d !== "number" || !Number.isInteger(d) || d < 1) return fail(".features", "an integer ≥ 1", d);

  let featureNames: string[] | null = null;
  if (m.featureNames !== null) {
    if (!Array.isArray(m.featureNames)) return fail(".featureNames", "an array of strings or null", m.featureNames);
    if (m.featureNames.length !== d) return fail(".featureNames", `${d} names (features is ${d}), got ${m.featureNames.length}`, NONE, "SHAPE_MISMATCH");
    m.featureNames.forEach((s, i) => {
      if (typeof s !== "string") fail(`.featureNames[${i}]`, "a string", s);
    });
    featureNames = m.featureNames.slice() as string[];
  }

  const number = (v: unknown, path: string): number => (typeof v === "number" && Number.isFinite(v) ? v : fail(path, "a finite number", v));
  if (!Array.isArray(m.weights)) return fail(".weights", `an array of ${k} rows (one per class)`, m.weights);
  if (m.weights.length !== k) return fail(".weights", `${k} rows (one per class), got ${m.weights.length}`, NONE, "SHAPE_MISMATCH");
  const w = new Float64Array(k * d);
  m.weights.forEach((row: unknown, c: number) => {
    if (!Array.isArray(row)) fail(`.weights[${c}]`, `an array of ${d} numbers`, row);
    const r = row as unknown[];
    if (r.length !== d) fail(`.weights[${c}]`, `${d} numbers (features is ${d}), got ${r.length}`, NONE, "SHAPE_MISMATCH");
    r.forEach((v, j) => {
      w[c * d + j] = number(v, `.weights[${c}][${j}]`);
    });
  });
  if (!Array.isArray(m.bias)) return fail(".bias", `an array of ${k} numbers`, m.bias);
  if (m.bias.length !== k) return fail(".bias", `${k} numbers (one per class), got ${m.bias.length}`, NONE, "SHAPE_MISMATCH");
  const b = Float64Array.from(m.bias as unknown[], (v, c) => number(v, `.bias[${c}]`));

  let temperature: number;
  if (m.temperature === "Infinity") temperature = Number.POSITIVE_INFINITY;
  else if (typeof m.temperature === "number" && Number.isFinite(m.temperature) && m.temperature >= 0) temperature = m.temperature;
  else return fail(".temperature", 'a number ≥ 0 or "Infinity"', m.temperature);

  let training: Record<string, unknown> | null = null;
  if (m.training !== undefined) {
    if (typeof m.training !== "object" || m.training === null || Array.isArray(m.training)) return fail(".training", "an object", m.training);
    training = m.training as Record<string, unknown>;
  }
  return { classes: classes.slice(), featureNames, k, d, w, b, temperature, training };
}

/** The version-1 document of a state. */
export function writeModel(s: ModelState): ModelFileV1 {
  const doc: ModelFileV1 = {
    format: MODEL_FORMAT,
    version: 1,
    classes: s.classes.slice(),
    features: s.d,
    featureNames: s.featureNames ? s.featureNames.slice() : null,
    weights: Array.from({ length: s.k }, (_, c) => Array.from(s.w.subarray(c * s.d, (c + 1) * s.d))),
    bias: Array.from(s.b),
    temperature: s.temperature === Number.POSITIVE_INFINITY ? "Infinity" : s.temperature,
  };
  if (s.training) doc.training = { ...s.training };
  return doc;
}
