/** Error paths of the family functions not covered in their own files: each refusal is a SoftmaxError with the right code and argument. */
import { describe, expect, it } from "vitest";
import {
  createSoftmaxState,
  entmax15,
  entmax15Backward,
  klDivergence,
  logSoftmaxBackward,
  softmaxBackward,
  softmaxJacobian,
  sparsemax,
  sparsemaxBackward,
} from "../../src/index.js";
import { refusal } from "./_helpers.js";

describe("family error paths", () => {
  it("backward passes: dy of another shape, bad axis, unknown options, non-numbers", () => {
    for (const f of [softmaxBackward, logSoftmaxBackward, sparsemaxBackward, entmax15Backward]) {
      const e = refusal(() => f([0.5, 0.5], [1, 2, 3]));
      expect(e.code).toBe("SHAPE_MISMATCH");
      expect(e.arg).toBe("dy");
      expect(refusal(() => f([[0.5, 0.5]], [[1, 2]], { axis: 2 })).code).toBe("INVALID_AXIS");
      expect(refusal(() => f([0.5, 0.5], [1, 2], { dim: 0 } as never)).arg).toBe("options.dim");
      const nan = refusal(() => f([0.5, "x" as never], [1, 2]));
      expect(nan.code).toBe("NOT_A_NUMBER");
      expect(nan.path).toBe("[1]");
    }
  });

  it("softmaxJacobian, sparsemax, entmax15: bad axis, bad mask, unknown options", () => {
    expect(refusal(() => softmaxJacobian([0.5, 0.5], { axis: 1 })).code).toBe("INVALID_AXIS");
    expect(refusal(() => softmaxJacobian([[0.5], [0.5, 0.1]])).code).toBe("RAGGED");
    expect(refusal(() => sparsemax([1, 2], { where: [true] })).code).toBe("SHAPE_MISMATCH");
    expect(refusal(() => entmax15([1, 2], { alpha: 1.5 } as never)).arg).toBe("options.alpha");
    expect(refusal(() => entmax15("abc" as never)).code).toBe("INVALID_INPUT");
  });

  it("klDivergence and createSoftmaxState", () => {
    expect(refusal(() => klDivergence([1, 2], [1, 2], { input: "log" as never })).arg).toBe("options.input");
    expect(refusal(() => klDivergence([1, 2], [1, 2], { reduction: "batchmean" as never })).arg).toBe("options.reduction");
    const s = createSoftmaxState();
    expect(refusal(() => s.normalize({ data: new Float64Array(2), shape: [3] })).code).toBe("SHAPE_MISMATCH");
    expect(refusal(() => s.update(null as never)).fn).toBe("SoftmaxState.update");
  });
});
