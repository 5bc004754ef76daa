/** Types of scripts/other-node.mjs (used by test/scripts/other-node.test.ts). */
export const ROOT: string;
export const SUBSET: string[];
export const CLI_ARGS: string[];
export function parseMajor(arg: string | undefined): number;
export function packageName(platform?: string, arch?: string): string;
export function cacheDir(env?: Record<string, string | undefined>, root?: string): string;
export function nodePath(cache: string, pkg: string, version: string): string;
export function newestOfMajor(versions: unknown, major: number): string;
export function registryVersion(pkg: string, major: number): string;
export function versionOf(path: string): string;
export function download(pkg: string, version: string, cache: string): void;
export interface EnsuredNode {
  /** The binary. */
  path: string;
  /** Its version, without the v. */
  version: string;
  /** Whether this call downloaded it (else the cache had it). */
  downloaded: boolean;
}
export function ensureNode(
  major: number,
  options?: {
    cache?: string;
    pkg?: string;
    resolveVersion?: (pkg: string, major: number) => string;
    fetch?: (pkg: string, version: string, cache: string) => void;
    log?: (line: string) => void;
  },
): EnsuredNode;
