/**
 * WebGPU flag values as plain numbers. They are fixed by the WebGPU spec; the
 * globals `GPUBufferUsage` and friends exist in browsers but not in Node
 * unless the caller installs them, so the library does not read them.
 */
export const BUFFER = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;

/** `GPUShaderStage.COMPUTE`. */
export const SHADER_COMPUTE = 0x4;

/** `GPUMapMode.READ`. */
export const MAP_READ = 0x1;
