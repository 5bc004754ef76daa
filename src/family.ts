/** Losses, gradients, sampling and the rest of the softmax family (issue: losses/gradients/sampling). Re-exports each public function. */
export {};
