/** Types of scripts/wasm-kernels.mjs (used by test/wasm/short-rows.test.ts). */
export function generateWat(shared?: boolean, relaxedSimd?: boolean): string;
export const RELAXED_PROBE_WAT: string;
