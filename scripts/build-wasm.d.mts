/** Types of scripts/build-wasm.mjs (used by test/wasm/module.test.ts). */
export function assemble(shared: boolean, relaxed?: boolean): Promise<Uint8Array>;
export function moduleSource(): Promise<string>;
