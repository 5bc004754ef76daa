/** The softmax classifier: output layer, training, calibration, abstention. Re-exports each public function. */
export { type AbstainRule, type AbstentionChoice, type ChooseAbstentionOptions, chooseAbstention } from "./chooseAbstention.js";
export { type ConfusionMatrix, confusionMatrix } from "./confusionMatrix.js";
export { expectedCalibrationError } from "./expectedCalibrationError.js";
export { type FitTemperatureOptions, type FitTemperatureResult, fitTemperature } from "./fitTemperature.js";
export { MODEL_FORMAT, MODEL_VERSION, type ModelFileV1 } from "./modelFile.js";
export { type ReliabilityBin, type ReliabilityOptions, type ReliabilityResult, reliabilityBins } from "./reliabilityBins.js";
export { type ReliabilityDiagramOptions, reliabilityDiagramSvg } from "./reliabilityDiagramSvg.js";
export { type ClassLabel, type EpochInfo, type FitOptions, type PredictOptions, SoftmaxClassifier } from "./SoftmaxClassifier.js";
export { type Split, type StratifiedSplitOptions, stratifiedSplit } from "./stratifiedSplit.js";
