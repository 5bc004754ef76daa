/** The abstention rule shared by `predict` and `chooseAbstention` (internal). */
import { SoftmaxError } from "../../errors.js";
import { entropyOfRow, maxOfRow } from "./entropy.js";

/** Abstain (answer null, "none of the above") when the largest probability is below `minProbability`, or when the entropy in nats is above `maxEntropy`. */
export type AbstainRule = { minProbability: number } | { maxEntropy: number };

/** Checks an `abstain` option: an object with exactly one of minProbability / maxEntropy, a number that is not NaN. */
export function abstainRuleOf(v: unknown, fn: string, arg = "options.abstain"): AbstainRule {
  const bad = (expected: string, received?: unknown): never => {
    throw new SoftmaxError({ code: "INVALID_OPTION", fn, arg, expected, ...(received !== undefined ? { received } : {}) });
  };
  if (typeof v !== "object" || v === null || Array.isArray(v)) return bad("{ minProbability } or { maxEntropy }", v);
  const keys = Object.keys(v);
  if (keys.length !== 1 || (keys[0] !== "minProbability" && keys[0] !== "maxEntropy")) {
    return bad(`exactly one of minProbability or maxEntropy, got keys ${keys.join(", ") || "(none)"}`);
  }
  const key = keys[0] as "minProbability" | "maxEntropy";
  const t = (v as Record<string, unknown>)[key];
  if (typeof t !== "number" || Number.isNaN(t)) {
    throw new SoftmaxError({
      code: "INVALID_OPTION",
      fn,
      arg: `${arg}.${key}`,
      expected: "a number (±Infinity allowed: abstain never or always)",
      received: t,
    });
  }
  return key === "minProbability" ? { minProbability: t } : { maxEntropy: t };
}

/** True when the rule abstains on the probabilities p[off .. off+k). */
export function abstains(rule: AbstainRule, p: ArrayLike<number>, off: number, k: number): boolean {
  if ("minProbability" in rule) return !(maxOfRow(p, off, k).value >= rule.minProbability);
  return !(entropyOfRow(p, off, k) <= rule.maxEntropy);
}
