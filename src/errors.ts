/**
 * One error class for the whole library. Errors are data: branch on `code`,
 * not on the message. The words are produced in one place ({@link describe}).
 */

/** Every way a call can be refused. */
export type SoftmaxErrorCode =
  /** An element is not a number (a string, `null`, a boolean...). `path` says where. */
  | "NOT_A_NUMBER"
  /** The input is not an array, typed array or tensor-like. */
  | "INVALID_INPUT"
  /** A nested array is not rectangular. `path` names the first row that differs. */
  | "RAGGED"
  /** A tensor-like's `shape` does not match its `data`, or a mask / weights / out / labels has another shape. */
  | "SHAPE_MISMATCH"
  /** `axis` is not an integer in [-ndim, ndim). */
  | "INVALID_AXIS"
  /** An option has a value outside its domain (temperature < 0, k > n, ...). */
  | "INVALID_OPTION"
  /** The operation has no answer for an empty slice (argmax of nothing). */
  | "EMPTY"
  /** A slice is entirely -Infinity or masked and `onFullyMasked: "error"` was asked for. */
  | "FULLY_MASKED"
  /** A GPU device refused or failed the work (validation, out of memory, internal error, device lost). `received` is the device's message. */
  | "DEVICE";

/** The structured fields of a {@link SoftmaxError}. */
export interface SoftmaxIssue {
  code: SoftmaxErrorCode;
  /** The public function that refused, e.g. `"softmax"`. */
  fn: string;
  /** The argument or option at fault, e.g. `"x"`, `"options.axis"`. */
  arg: string;
  /** The value received (for arrays: the offending element). */
  received?: unknown;
  /** Where in the argument, e.g. `[3][1]`. */
  path?: string;
  /** What was expected, in words. */
  expected?: string;
}

/** Thrown by every public function for bad input or options. Never thrown for special values (NaN, ±Infinity): those have a defined result. */
export class SoftmaxError extends Error implements SoftmaxIssue {
  readonly code: SoftmaxErrorCode;
  readonly fn: string;
  readonly arg: string;
  readonly received?: unknown;
  readonly path?: string;
  readonly expected?: string;

  constructor(issue: SoftmaxIssue) {
    super(describe(issue));
    this.name = "SoftmaxError";
    this.code = issue.code;
    this.fn = issue.fn;
    this.arg = issue.arg;
    if ("received" in issue) this.received = issue.received;
    if (issue.path !== undefined) this.path = issue.path;
    if (issue.expected !== undefined) this.expected = issue.expected;
  }
}

/** Shows a received value briefly and unambiguously (strings quoted, -0 kept). */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "object") return "an object";
  return typeof value;
}

/** The message of an issue: `softmax: x[3][1] is not a number (received "abc")`. */
export function describe(issue: SoftmaxIssue): string {
  const where = `${issue.arg}${issue.path ?? ""}`;
  const received = "received" in issue ? ` (received ${show(issue.received)})` : "";
  const expected = issue.expected ? `: expected ${issue.expected}` : "";
  switch (issue.code) {
    case "NOT_A_NUMBER":
      return `${issue.fn}: ${where} is not a number${received}`;
    case "RAGGED":
      return `${issue.fn}: ${where} is ragged${expected}${received}`;
    case "FULLY_MASKED":
      return `${issue.fn}: slice ${where} is entirely -Infinity or masked`;
    case "EMPTY":
      return `${issue.fn}: ${where} is empty${expected}`;
    case "DEVICE":
      return `${issue.fn}: the GPU device reported an error for ${where}${expected}${received}`;
    default:
      return `${issue.fn}: invalid ${where}${expected}${received}`;
  }
}
