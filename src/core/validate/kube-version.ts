import { UserError } from '../errors.ts';

/** A Kubernetes release, `1.36.0`; `master` targets the newest schemas Baton has (kubeconform's `master`). */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Given as `master`: the numbers are the newest release Baton knows, schema locations get `master`. */
  readonly master?: boolean;
}

/** The release validate targets when none is given: the one the built-in schemas come from. */
export const DEFAULT_KUBERNETES_VERSION = '1.36.0';

// Why x.y too: kubeconform and kubectl users write `1.36`; the patch level changes no API.
const VERSION_RE = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

/** Parses `x.y.z` or `x.y` (a leading `v` is allowed) or `master`; anything else is a UserError naming `input`. */
export function parseKubeVersion(text: string, input = 'kubernetes-version'): KubeVersion {
  const trimmed = text.trim();
  if (trimmed === 'master') return { ...parseKubeVersion(DEFAULT_KUBERNETES_VERSION, input), master: true };
  const match = VERSION_RE.exec(trimmed);
  if (!match)
    throw new UserError(`${input}: "${text}" is not a Kubernetes version; write x.y or x.y.z (e.g. 1.36 or 1.36.0), or master.`, { input });
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/** `1.36.0`. */
export function formatKubeVersion(version: KubeVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/** The version as schema location templates see it: `1.36.0`, or `master`. */
export function schemaVersionOf(version: KubeVersion): string {
  return version.master ? 'master' : formatKubeVersion(version);
}

/** True when `version` is at or after release `major.minor`. */
export function atLeast(version: KubeVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}
