import { expect } from "vitest";
import { SoftmaxError } from "../src/errors.js";

/** Calls fn and returns the SoftmaxError it throws; fails the test if it throws nothing or something else. */
export function caught(fn: () => unknown): SoftmaxError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SoftmaxError);
    expect((e as Error).name).toBe("SoftmaxError");
    return e as SoftmaxError;
  }
  throw new Error("expected a SoftmaxError");
}
