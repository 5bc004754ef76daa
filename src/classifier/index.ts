/** The softmax classifier: output layer, training, calibration, abstention. Re-exports each public function. */
export {};
