/// <reference types="@webgpu/types" preserve="true" />
/** Types of the WebGPU entry point `softmax/webgpu`. */

/** How a GPU tensor's elements are stored. */
export type GPUDtype = "float32" | "float16";

/**
 * A tensor on the GPU: `shape.reduce(×)` elements, row-major, from byte 0 of `buffer`. The buffer
 * needs `GPUBufferUsage.STORAGE`. `dtype` (default "float32"): "float16" means IEEE binary16 values,
 * two per 4 bytes (element i in bytes 2i, 2i+1, little-endian: a Uint16Array's layout), on any
 * adapter (no `shader-f16` needed); the buffer then holds at least 2·count bytes rounded up to 4.
 */
export interface GPUTensor {
  device: GPUDevice;
  buffer: GPUBuffer;
  shape: readonly number[];
  dtype?: GPUDtype;
}

/** Options of the GPU {@link softmax} and {@link logSoftmax}. */
export interface GPUSoftmaxOptions {
  /** The axis the slices run along. Default -1 (the last). */
  axis?: number;
  /**
   * Where to write: a STORAGE buffer of at least the result's byte size, not the input's buffer
   * (WebGPU forbids binding one buffer as both read and write). Default: a new buffer with usage
   * STORAGE | COPY_SRC | COPY_DST, owned by the caller (destroy it when done).
   */
  out?: GPUBuffer;
  /** How the result is stored. Default: the input's dtype. */
  outDtype?: GPUDtype;
  /**
   * Divide the logits by T first (the JS functions' `temperature`). Default 1. 0 is the argmax limit
   * (the maxima share the mass equally). Otherwise T must lie in float32's normal range
   * [2^-126, 3.4028234663852886e38]; it is used as a float32 pair, so T need not be a float32.
   */
  temperature?: number;
  /**
   * A mask: a STORAGE buffer of one byte per element of x (a Uint8Array's layout, padded to a
   * multiple of 4 bytes), nonzero where the entry counts. Masked entries get probability 0
   * (log-probability −Infinity) and do not count, whatever their value (NaN included).
   */
  where?: GPUBuffer;
  /**
   * What a slice with nothing counted (all −Infinity or all masked) gives: "zeros" (default: 0, or
   * −Infinity for logSoftmax and logSumExp), "nan", or "error": the call then waits for the GPU and
   * rejects with FULLY_MASKED naming the first such slice (a buffer it made is destroyed; an `out`
   * buffer's contents are then unspecified).
   */
  onFullyMasked?: "zeros" | "nan" | "error";
}

/** Options of the GPU {@link logSumExp}. */
export interface GPULogSumExpOptions extends GPUSoftmaxOptions {
  /** Keep the reduced axis as size 1 in the result's shape. Default false. */
  keepDims?: boolean;
}
