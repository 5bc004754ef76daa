/**
 * Test setup for the WebGPU tests: points the Vulkan loader at SwiftShader
 * (the ICD that Debian's chromium package ships), loads Dawn from the `webgpu`
 * package and asks for devices. Where no adapter exists the tests are skipped
 * with the reason printed, except under CI (CI=true), where .ci/run installs
 * chromium and libvulkan1 and a missing adapter is a failure.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { requestSoftmaxDevice } from "../../src/webgpu/index.js";

/** Candidate locations of vk_swiftshader_icd.json: Debian's chromium, `dpkg -L chromium`, Playwright's browsers. */
export function findSwiftShaderIcd(): string | null {
  const candidates = ["/usr/lib/chromium/vk_swiftshader_icd.json", "/usr/lib/chromium-browser/vk_swiftshader_icd.json"];
  try {
    const listed = execFileSync("dpkg", ["-L", "chromium"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    for (const line of listed.split("\n")) if (line.endsWith("vk_swiftshader_icd.json")) candidates.push(line.trim());
  } catch {
    // no dpkg or no chromium package: try the other places
  }
  const pw = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), ".cache", "ms-playwright");
  try {
    for (const d of readdirSync(pw)) {
      candidates.push(join(pw, d, "chrome-linux", "vk_swiftshader_icd.json"), join(pw, d, "chrome-linux64", "vk_swiftshader_icd.json"));
    }
  } catch {
    // no Playwright browsers
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

export interface GpuEnv {
  /** A device with the subgroups feature when the adapter has it (the fast path). */
  device: GPUDevice | null;
  /** A device without subgroups (the workgroup-memory fallback). */
  plain: GPUDevice | null;
  /** Why there is no device, when there is none. */
  reason: string;
  adapterName: string;
  /** Dawn's instance: it must outlive the devices. */
  gpu: GPU | null;
}

let cached: Promise<GpuEnv> | null = null;

async function open(): Promise<GpuEnv> {
  const icd = findSwiftShaderIcd();
  if (icd && !process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = icd;
  let create: (flags: string[]) => GPU;
  try {
    ({ create } = (await import("webgpu")) as unknown as { create: (flags: string[]) => GPU });
  } catch (e) {
    return { device: null, plain: null, reason: `the webgpu package did not load: ${(e as Error).message}`, adapterName: "", gpu: null };
  }
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    const why = icd
      ? `Dawn found no adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES})`
      : "no vk_swiftshader_icd.json found (install chromium and libvulkan1)";
    return { device: null, plain: null, reason: why, adapterName: "", gpu };
  }
  const info = adapter.info;
  const device = await requestSoftmaxDevice(gpu);
  const plain = await requestSoftmaxDevice(gpu, { subgroups: false });
  return { device, plain, reason: "", adapterName: `${info.vendor} ${info.architecture} ${info.description}`.trim(), gpu };
}

/** The devices for the WebGPU tests (opened once per test file). Throws under CI when there is no adapter. */
export async function gpuEnv(): Promise<GpuEnv> {
  cached ??= open();
  const env = await cached;
  if (!env.device) {
    if (process.env.CI === "true" || process.env.CI === "1") {
      throw new Error(`WebGPU tests need an adapter in CI (.ci/run installs chromium and libvulkan1): ${env.reason}`);
    }
    console.warn(`[webgpu tests] SKIPPED: ${env.reason}`);
  }
  return env;
}
