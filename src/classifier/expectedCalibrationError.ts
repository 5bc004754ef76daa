import { binsOf, type ReliabilityOptions } from "./reliabilityBins.js";

/**
 * Expected calibration error: Σ_b (n_b / n) · |accuracy_b − confidence_b| over
 * equal-width confidence bins (default 15). 0 is perfectly calibrated (in the binned sense).
 *
 * ```ts
 * expectedCalibrationError([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.4, 0.6]], [0, 1, 0, 0], { bins: 10 }); // 0.25
 * ```
 *
 * **Method, Accuracy, Special cases:** as {@link reliabilityBins}, of which this is the `ece` field.
 *
 * @throws {SoftmaxError} as {@link reliabilityBins}.
 */
export function expectedCalibrationError(probabilities: unknown, labels: ArrayLike<number>, options?: ReliabilityOptions): number {
  return binsOf("expectedCalibrationError", probabilities, labels, options).ece;
}
