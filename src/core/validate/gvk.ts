import { UserError } from '../errors.ts';

/** An API group, version and kind: `apps`, `v1`, `Deployment`; the core group is ''. */
export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** Splits `apps/v1` into group and version; `v1` is the core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The GVK of an apiVersion and kind. */
export function gvkOf(apiVersion: string, kind: string): Gvk {
  return { ...parseApiVersion(apiVersion), kind };
}

/** `apps/v1/Deployment`, `v1/ConfigMap`: the key Baton uses for schemas and kind lists. */
export function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** A kind as `skip-kinds` and `reject-kinds` name it: `Deployment` (any version) or `apps/v1/Deployment`. */
export interface KindMatcher {
  readonly kind: string;
  readonly apiVersion?: string;
}

const KIND_RE = /^[A-Za-z][A-Za-z0-9]*$/;

/** Parses kind list items, throwing a UserError naming `input` for a malformed one. */
export function parseKindMatchers(items: readonly string[], input: string): KindMatcher[] {
  return items.map((item) => {
    const slash = item.lastIndexOf('/');
    const kind = slash < 0 ? item : item.slice(slash + 1);
    const apiVersion = slash < 0 ? undefined : item.slice(0, slash);
    if (!KIND_RE.test(kind) || apiVersion === '') {
      throw new UserError(`${input}: "${item}" is not a kind; write Kind or apiVersion/Kind, e.g. Secret or apps/v1/Deployment.`, {
        input,
      });
    }
    return apiVersion === undefined ? { kind } : { kind, apiVersion };
  });
}

/** True when a matcher names this apiVersion and kind. */
export function matchesKind(matchers: readonly KindMatcher[], apiVersion: string, kind: string): boolean {
  return matchers.some((m) => m.kind === kind && (m.apiVersion === undefined || m.apiVersion === apiVersion));
}
