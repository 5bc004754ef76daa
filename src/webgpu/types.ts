/// <reference types="@webgpu/types" preserve="true" />
/** Types of the WebGPU entry point `softmax/webgpu`. */

/**
 * A float32 tensor on the GPU: `shape.reduce(×)` floats, row-major, from
 * byte 0 of `buffer`. The buffer needs `GPUBufferUsage.STORAGE`.
 */
export interface GPUTensor {
  device: GPUDevice;
  buffer: GPUBuffer;
  shape: readonly number[];
}

/** Options of the GPU {@link softmax} and {@link logSoftmax}. */
export interface GPUSoftmaxOptions {
  /** The axis the slices run along. Default -1 (the last). */
  axis?: number;
  /**
   * Where to write: a STORAGE buffer of at least the input's byte size, not the input's buffer
   * (WebGPU forbids binding one buffer as both read and write). Default: a new buffer with usage
   * STORAGE | COPY_SRC | COPY_DST, owned by the caller (destroy it when done).
   */
  out?: GPUBuffer;
}

/** Options of the GPU {@link logSumExp}. */
export interface GPULogSumExpOptions extends GPUSoftmaxOptions {
  /** Keep the reduced axis as size 1 in the result's shape. Default false. */
  keepDims?: boolean;
}
