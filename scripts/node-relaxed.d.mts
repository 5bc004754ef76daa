/** Types of scripts/node-relaxed.mjs (used by vitest.config.ts and test/scripts/node-relaxed.test.ts). */
export const RELAXED_FLAG: "--experimental-wasm-relaxed-simd";
export const RELAXED_PROBE: Uint8Array;
export function validatesHere(): boolean;
export interface FlagProbe {
  /** The child Node exited 0 (it accepted the flag). */
  started: boolean;
  /** It printed true: the probe validated. */
  validates: boolean;
  /** What it wrote to stderr (trimmed). */
  stderr: string;
}
export function tryFlag(flag: string): FlagProbe;
export interface RelaxedDecision {
  /** The flags to start Node with: [] or [RELAXED_FLAG]. */
  flags: string[];
  /** Whether Node started with `flags` validates relaxed SIMD. */
  relaxed: boolean;
  /** Why, in words (Node version, flag refused / not needed / needed). */
  reason: string;
}
export function relaxedNodeFlags(probes?: {
  version?: string;
  execArgv?: string[];
  validatesHere?: () => boolean;
  tryFlag?: (flag: string) => FlagProbe;
}): RelaxedDecision;
