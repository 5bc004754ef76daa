/** Entropy helpers of the classifier area (internal). */

/** Shannon entropy in nats of the probabilities p[off .. off+k): −Σ p log p, with 0·log 0 = 0. */
export function entropyOfRow(p: ArrayLike<number>, off: number, k: number): number {
  let h = 0;
  for (let c = 0; c < k; c++) {
    const q = p[off + c] as number;
    if (q > 0) h -= q * Math.log(q);
  }
  return h;
}

/** Largest entry of p[off .. off+k) and its first index. */
export function maxOfRow(p: ArrayLike<number>, off: number, k: number): { value: number; index: number } {
  let value = p[off] as number;
  let index = 0;
  for (let c = 1; c < k; c++) {
    if ((p[off + c] as number) > value) {
      value = p[off + c] as number;
      index = c;
    }
  }
  return { value, index };
}
