import { UserError } from '../errors.ts';

/** A Kubernetes release, `1.36.0`. */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** The release validate targets when none is given: the one the built-in schemas come from. */
export const DEFAULT_KUBERNETES_VERSION = '1.36.0';

const VERSION_RE = /^v?(\d+)\.(\d+)\.(\d+)$/;

/** Parses `x.y.z` (a leading `v` is allowed); anything else is a UserError naming `input`. */
export function parseKubeVersion(text: string, input = 'kubernetes-version'): KubeVersion {
  const match = VERSION_RE.exec(text.trim());
  if (!match) throw new UserError(`${input}: "${text}" is not a Kubernetes version; write x.y.z, e.g. 1.36.0.`, { input });
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** `1.36.0`. */
export function formatKubeVersion(version: KubeVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/** True when `version` is at or after release `major.minor`. */
export function atLeast(version: KubeVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}
