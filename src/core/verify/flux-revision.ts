/**
 * Flux revision strings and whether they name a given commit. Flux writes `<ref>@<algo>:<digest>` since
 * v2.0 (`main@sha1:…`, `v1.2.3@sha1:…`, `refs/pull/1/head@sha1:…`, `latest@sha256:…`), a bare
 * `sha1:<sha>` for a commit with no named ref, and before that `<branch>/<sha>`. A Helm chart built from a
 * Git source with `reconcileStrategy: Revision` carries the commit as semver build metadata (`1.2.3+<sha12>`).
 */

/** A parsed revision: the ref (if any) and the digest after the last `@` (algorithm stripped). */
export interface FluxRevision {
  readonly ref?: string;
  readonly algorithm?: string;
  readonly digest: string;
}

const HEX = /^[0-9a-f]{7,64}$/;

function digestPart(text: string): { algorithm?: string; digest: string } {
  const colon = text.indexOf(':');
  return colon < 0 ? { digest: text } : { algorithm: text.slice(0, colon), digest: text.slice(colon + 1) };
}

/** Parses a revision as Flux writes it; undefined when it carries no digest (e.g. a plain chart version). */
export function parseFluxRevision(text: string | undefined): FluxRevision | undefined {
  const value = (text ?? '').trim();
  if (!value) return undefined;
  const at = value.lastIndexOf('@');
  if (at >= 0) {
    const digest = digestPart(value.slice(at + 1));
    return { ref: value.slice(0, at), ...digest };
  }
  if (/^[a-z0-9]+:[0-9a-f]+$/.test(value)) return digestPart(value);
  const slash = value.lastIndexOf('/');
  if (slash >= 0 && HEX.test(value.slice(slash + 1))) return { ref: value.slice(0, slash), digest: value.slice(slash + 1) };
  const plus = value.lastIndexOf('+');
  if (plus >= 0) {
    const build = value.slice(plus + 1).split('.')[0] ?? '';
    if (HEX.test(build)) return { ref: value.slice(0, plus), digest: build };
  }
  if (/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(value)) return { digest: value };
  return undefined;
}

/** True when two commit ids name the same commit: equal, or one an abbreviation (7+ hex) of the other. */
export function sameCommit(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (!HEX.test(x) || !HEX.test(y)) return false;
  return x.length <= y.length ? y.startsWith(x) : x.startsWith(y);
}

/** True when `revision` (any Flux format) names the commit `expected`. */
export function revisionNames(revision: string | undefined, expected: string): boolean {
  const parsed = parseFluxRevision(revision);
  return parsed !== undefined && sameCommit(parsed.digest, expected);
}

/** `main@sha1:1a2b3c4d5e6f`: a revision shortened for messages. */
export function shortRevision(revision: string): string {
  return revision.replace(/([0-9a-f]{12})[0-9a-f]{28,52}\b/g, '$1');
}
