/**
 * Argmax and top-k kernels over one strided slice. Compute only.
 * Ties go to the lowest index (stable).
 */
import { HAS_NAN, NOTHING, scan, scanned } from "./stats.js";

/**
 * Index (in slice positions) of the first maximum of the slice; NaN when the
 * slice holds a NaN or nothing is counted (all masked). An all -Infinity
 * slice gives 0: every entry ties.
 */
export function argmaxKernel(x: ArrayLike<number>, off: number, stride: number, n: number, mask: Uint8Array | null): number {
  const status = scan(x, off, stride, n, mask);
  if (status === HAS_NAN) return Number.NaN;
  if (status === NOTHING) {
    // All -Infinity (some counted): the first counted entry; all masked: none.
    for (let k = 0, i = off; k < n; k++, i += stride) if (mask === null || mask[i] !== 0) return k;
    return Number.NaN;
  }
  return scanned.argmax;
}

/**
 * Writes the slice positions of the k largest entries, largest first, ties by
 * lowest index, to `idx[0..k)`. NaN ranks above +Infinity (as in PyTorch's
 * topk and NumPy's sort order), so a NaN is never hidden. `order` is scratch
 * of length ≥ n. Sorts only what it must: O(n log n) worst case.
 */
export function topKKernel(x: ArrayLike<number>, off: number, stride: number, n: number, k: number, idx: Int32Array | number[], order: Int32Array): void {
  for (let j = 0; j < n; j++) order[j] = j;
  const key = (j: number): number => x[off + j * stride] as number;
  const before = (a: number, b: number): number => {
    const va = key(a);
    const vb = key(b);
    if (va !== va) return vb !== vb ? a - b : -1;
    if (vb !== vb) return 1;
    return va > vb ? -1 : va < vb ? 1 : a - b;
  };
  const view = order.subarray(0, n);
  view.sort(before);
  for (let j = 0; j < k; j++) idx[j] = view[j] as number;
}
