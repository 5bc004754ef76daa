/**
 * The training objective of {@link SoftmaxClassifier}: the dense layer
 * z = W x + b, the mean cross-entropy of softmax(z) and an L2 penalty on W,
 * with its gradient. Internal; exported for the gradient checks in
 * test/classifier/objective.test.ts.
 */
import { meanCrossEntropy, meanCrossEntropyGradient } from "./loss.js";

/** Parameters of the dense layer: W is k × d row-major (one row per class), b has k entries. */
export interface Parameters {
  k: number;
  d: number;
  w: Float64Array;
  b: Float64Array;
}

/** New zero parameters. */
export function zeroParameters(k: number, d: number): Parameters {
  return { k, d, w: new Float64Array(k * d), b: new Float64Array(k) };
}

/** A deep copy. */
export function copyParameters(p: Parameters): Parameters {
  return { k: p.k, d: p.d, w: p.w.slice(), b: p.b.slice() };
}

/**
 * Logits of the rows `idx` of x (rows × d, row-major; all rows when idx is null): out[r*k + c] = Σ_j W[c][j] x[i][j] + b[c].
 * Returns the number of rows written.
 */
export function logitsInto(p: Parameters, x: Float64Array, idx: Int32Array | null, out: Float64Array): number {
  const { k, d, w, b } = p;
  const rows = idx === null ? x.length / d : idx.length;
  for (let r = 0; r < rows; r++) {
    const base = (idx === null ? r : (idx[r] as number)) * d;
    for (let c = 0; c < k; c++) {
      let s = b[c] as number;
      const wc = c * d;
      for (let j = 0; j < d; j++) s += (w[wc + j] as number) * (x[base + j] as number);
      out[r * k + c] = s;
    }
  }
  return rows;
}

/** ½ Σ W². */
function halfSquaredNorm(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += (w[i] as number) * (w[i] as number);
  return s / 2;
}

/** Scratch buffers reused between calls (grown when needed). */
export interface Scratch {
  z: Float64Array;
  g: Float64Array;
}

/** Scratch big enough for `rows` rows of `k` logits. */
export function scratchFor(rows: number, k: number, s?: Scratch): Scratch {
  if (s && s.z.length >= rows * k) return s;
  return { z: new Float64Array(rows * k), g: new Float64Array(rows * k) };
}

/**
 * The objective on the rows `idx`: mean_i CE(softmax(W x_i + b), y_i) + (l2/2)·‖W‖² (b is not penalised).
 * When `grad` is given it receives the gradient (same layout as p).
 */
export function objective(
  p: Parameters,
  x: Float64Array,
  y: Int32Array,
  idx: Int32Array | null,
  l2: number,
  grad: Parameters | null,
  scratch: Scratch,
): number {
  const { k, d, w } = p;
  const rows = logitsInto(p, x, idx, scratch.z);
  const z = scratch.z.subarray(0, rows * k);
  const yb = idx === null ? y : Int32Array.from(idx, (i) => y[i] as number);
  const loss = meanCrossEntropy(z, rows, k, yb) + (l2 > 0 ? l2 * halfSquaredNorm(w) : 0);
  if (grad !== null) {
    const g = scratch.g.subarray(0, rows * k);
    meanCrossEntropyGradient(z, rows, k, yb, g);
    grad.w.fill(0);
    grad.b.fill(0);
    for (let r = 0; r < rows; r++) {
      const base = (idx === null ? r : (idx[r] as number)) * d;
      for (let c = 0; c < k; c++) {
        const gc = g[r * k + c] as number;
        if (gc === 0) continue;
        grad.b[c] = (grad.b[c] as number) + gc;
        const wc = c * d;
        for (let j = 0; j < d; j++) grad.w[wc + j] = (grad.w[wc + j] as number) + gc * (x[base + j] as number);
      }
    }
    if (l2 > 0) for (let i = 0; i < w.length; i++) grad.w[i] = (grad.w[i] as number) + l2 * (w[i] as number);
  }
  return loss;
}
