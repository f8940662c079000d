/**
 * Targets as people write them, kubectl style: `deployment/web`, `deploy/prod/web`, `sts/db`,
 * `kustomization/flux-system/apps`, `certificate.cert-manager.io/web` (any resource with standard
 * conditions), or a kind alone next to a label selector.
 */
import { UserError } from '../errors.ts';

/** A kind verify knows by name. */
export interface KnownKind {
  readonly kind: string;
  readonly group: string;
  readonly plural: string;
  readonly aliases: readonly string[];
  /** The provider that reads it. */
  readonly provider: 'kubernetes' | 'flux' | 'argocd';
}

/** Every kind verify knows by a short name. */
export const KNOWN_KINDS: readonly KnownKind[] = [
  { kind: 'Deployment', group: 'apps', plural: 'deployments', aliases: ['deployment', 'deploy'], provider: 'kubernetes' },
  { kind: 'StatefulSet', group: 'apps', plural: 'statefulsets', aliases: ['statefulset', 'sts'], provider: 'kubernetes' },
  { kind: 'DaemonSet', group: 'apps', plural: 'daemonsets', aliases: ['daemonset', 'ds'], provider: 'kubernetes' },
  { kind: 'Job', group: 'batch', plural: 'jobs', aliases: ['job'], provider: 'kubernetes' },
  { kind: 'Rollout', group: 'argoproj.io', plural: 'rollouts', aliases: ['rollout', 'ro'], provider: 'kubernetes' },
  {
    kind: 'Kustomization',
    group: 'kustomize.toolkit.fluxcd.io',
    plural: 'kustomizations',
    aliases: ['kustomization', 'ks'],
    provider: 'flux',
  },
  { kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', plural: 'helmreleases', aliases: ['helmrelease', 'hr'], provider: 'flux' },
  { kind: 'Application', group: 'argoproj.io', plural: 'applications', aliases: ['application', 'app'], provider: 'argocd' },
];

/** A parsed target. `known` is undefined for a custom resource, found through discovery at run time. */
export interface TargetRef {
  readonly text: string;
  /** The kind word as written for custom resources (`certificate`), else the canonical kind. */
  readonly kind: string;
  readonly group: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly known?: KnownKind;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function knownKind(word: string, group?: string): KnownKind | undefined {
  const lower = word.toLowerCase();
  return KNOWN_KINDS.find(
    (k) =>
      (group === undefined || k.group === group) && (k.aliases.includes(lower) || k.plural === lower || k.kind.toLowerCase() === lower),
  );
}

function unknownKind(text: string, word: string, input: string): UserError {
  const names = KNOWN_KINDS.map((k) => k.aliases[0]).join(', ');
  return new UserError(
    `${input}: "${text}" names an unknown kind "${word}". Known kinds: ${names}; for any other resource with status conditions write ` +
      `<kind>.<group>/<name>, e.g. certificate.cert-manager.io/web.`,
    { input },
  );
}

function checkName(text: string, value: string, what: 'name' | 'namespace', input: string): string {
  const ok = what === 'name' ? DNS_SUBDOMAIN.test(value) && value.length <= 253 : DNS_LABEL.test(value) && value.length <= 63;
  if (!ok)
    throw new UserError(
      `${input}: "${text}" has an invalid ${what} "${value}" (lowercase letters, digits, "-"${what === 'name' ? ' and "."' : ''}).`,
      { input },
    );
  return value;
}

function parseKind(text: string, word: string, input: string): Pick<TargetRef, 'kind' | 'group' | 'known'> {
  const dot = word.indexOf('.');
  if (dot < 0) {
    const known = knownKind(word);
    if (!known) throw unknownKind(text, word, input);
    return { kind: known.kind, group: known.group, known };
  }
  const resource = word.slice(0, dot);
  const group = word.slice(dot + 1).toLowerCase();
  if (!resource || !DNS_SUBDOMAIN.test(group)) throw unknownKind(text, word, input);
  const known = knownKind(resource, group);
  return known ? { kind: known.kind, group, known } : { kind: resource, group };
}

/** Parses `kind/name`, `kind/namespace/name`, or (with `kindOnly`) a bare `kind` for a selector. */
export function parseTarget(text: string, input = 'targets', kindOnly = false): TargetRef {
  const parts = text.trim().split('/');
  if (parts.some((p) => p === '') || parts.length > 3 || (parts.length === 1 && !kindOnly)) {
    throw new UserError(`${input}: "${text}" is not kind/name or kind/namespace/name (e.g. deployment/web).`, { input });
  }
  const kind = parseKind(text, parts[0]!, input);
  if (parts.length === 1) return { text, ...kind };
  const name = checkName(text, parts[parts.length - 1]!, 'name', input);
  const namespace = parts.length === 3 ? checkName(text, parts[1]!, 'namespace', input) : undefined;
  return { text, ...kind, name, ...(namespace ? { namespace } : {}) };
}

/** `deployment/prod/web`: a target named for messages and outputs. */
export function targetLabel(target: TargetRef, namespace?: string): string {
  const ns = target.namespace ?? namespace;
  const kind = target.known ? target.known.kind.toLowerCase() : `${target.kind}.${target.group}`;
  return `${kind}/${ns ? `${ns}/` : ''}${target.name ?? '*'}`;
}

/** Checks a label selector's syntax the way the API server will (equality and set-based terms). */
export function checkSelector(selector: string, input = 'selector'): string {
  const term = /^\s*(!?[A-Za-z0-9][-A-Za-z0-9_./]*)(\s*(=|==|!=)\s*[A-Za-z0-9]?[-A-Za-z0-9_.]*|\s+(in|notin)\s*\([^()]*\))?\s*$/;
  const terms = selector.split(/,(?![^()]*\))/);
  for (const t of terms) {
    if (!term.test(t))
      throw new UserError(`${input}: "${selector}" is not a label selector; write it like app=web or tier in (api,web).`, { input });
  }
  return selector.trim();
}

/** An Argo CD application by name, with its namespace when outside Argo CD's own. */
export interface ApplicationName {
  readonly name: string;
  readonly namespace?: string;
}

/** Parses the `application` input's `name` or `namespace/name` (verify and drift ask Argo CD the same way). */
export function parseApplicationName(text: string): ApplicationName {
  const parts = text.split('/');
  const ok = parts.length <= 2 && parts.every((p) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(p));
  if (!ok) throw new UserError(`application: "${text}" is not an application name or namespace/name.`, { input: 'application' });
  return parts.length === 2 ? { namespace: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}
