import { SoftmaxError } from "../errors.js";

/**
 * Each device keeps its `GPU` object alive: in Node, Dawn's instance (the object `create()` returns)
 * must outlive its devices, and a caller who drops it would otherwise crash the process at the next
 * garbage collection.
 */
const instances = new WeakMap<GPUDevice, GPU>();

/** Options of {@link requestSoftmaxDevice}. */
export interface SoftmaxDeviceOptions {
  /** Passed to `requestAdapter`. */
  powerPreference?: GPUPowerPreference;
  /** Ask for the `subgroups` feature when the adapter has it. Default true; false forces the workgroup-memory reductions. */
  subgroups?: boolean;
}

/**
 * A device suited to the GPU functions: the adapter's largest storage binding, buffer and
 * workgroup limits (the defaults cap a binding at 128 MiB and a workgroup at 256 invocations),
 * and the `subgroups` and `timestamp-query` features when the adapter has them.
 * `gpu` is `navigator.gpu` in a browser, or `create([])` from the `webgpu` package in Node.
 * Any device works with the GPU functions; this one makes the fast paths available.
 * Rejects with a DEVICE {@link SoftmaxError} when there is no adapter.
 */
export async function requestSoftmaxDevice(gpu: GPU, options: SoftmaxDeviceOptions = {}): Promise<GPUDevice> {
  const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  if (!adapter) {
    throw new SoftmaxError({ code: "DEVICE", fn: "requestSoftmaxDevice", arg: "gpu", expected: "a WebGPU adapter", received: null });
  }
  const wanted: GPUFeatureName[] = ["timestamp-query"];
  if (options.subgroups !== false) wanted.push("subgroups");
  const requiredFeatures = wanted.filter((f) => adapter.features.has(f));
  const l = adapter.limits;
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
  };
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits, label: "softmax" });
  instances.set(device, gpu);
  return device;
}
