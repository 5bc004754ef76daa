/**
 * The training loss of the classifier on the library's own losses: mean
 * cross-entropy of a batch of logits (`crossEntropy`) and its gradient with
 * respect to the logits (`crossEntropyBackward`), both from the family area.
 */
import { crossEntropy, crossEntropyBackward } from "../../family.js";
import type { Tensor } from "../../tensor/types.js";

/** Mean over the rows of −log softmax(z_i)[y_i]; `z` is rows × k, row-major. */
export function meanCrossEntropy(z: Float64Array, rows: number, k: number, y: Int32Array): number {
  return crossEntropy({ data: z, shape: [rows, k] }, y, { reduction: "mean" }) as number;
}

/** Gradient of {@link meanCrossEntropy} with respect to z: (softmax(z_i) − onehot(y_i)) / rows, into `out`. */
export function meanCrossEntropyGradient(z: Float64Array, rows: number, k: number, y: Int32Array, out: Float64Array): void {
  const g = (crossEntropyBackward({ data: z, shape: [rows, k] }, y, { reduction: "mean" }) as Tensor).data;
  out.set(g);
}
