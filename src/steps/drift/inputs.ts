/**
 * drift's inputs, checked before anything is read: each problem is a UserError naming the input.
 */
import { DRIFT_FORMATS, type DriftFormat } from '../../core/drift/report.ts';
import { type IgnoreRule, parseIgnoreRules } from '../../core/drift/ignore.ts';
import type { Ownership } from '../../core/drift/types.ts';
import { UserError } from '../../core/errors.ts';
import { checkSelector, parseTarget, type TargetRef } from '../../core/verify/targets.ts';
import type { InputValues } from '../../specs/types.ts';
import type { RenderMode } from '../shared/sources.ts';

/** Where live state comes from. */
export type DriftProvider = 'kubernetes' | 'argocd' | 'flux';

/** A report to write. */
export interface DriftReportTarget {
  readonly format: DriftFormat;
  readonly path: string;
}

/** The typed inputs of drift, checked. */
export interface DriftInputs {
  readonly provider: DriftProvider;
  readonly path?: string;
  readonly env?: string;
  readonly revision?: string;
  readonly render: RenderMode;
  readonly values: readonly string[];
  readonly kubernetesVersion: string;
  readonly namespace?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** What the environment owns (owned-by). */
  readonly owned?: Ownership;
  readonly ignore: readonly IgnoreRule[];
  readonly argocdServer?: string;
  readonly argocdToken?: string;
  readonly applications: readonly { readonly name: string; readonly namespace?: string }[];
  readonly targets: readonly (TargetRef & { readonly name: string })[];
  readonly failOnDrift: boolean;
  readonly reports: readonly DriftReportTarget[];
  readonly alert: 'none' | 'issue';
  readonly alertLabel: string;
  readonly commitStatus: boolean;
  readonly repo?: string;
  readonly token?: string;
  readonly remediate: boolean;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly dryRun: boolean;
}

const PROVIDERS: readonly DriftProvider[] = ['kubernetes', 'argocd', 'flux'];

function optional(values: InputValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function list(values: InputValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? [...value] : [];
}

/**
 * Turns owned-by into an {@link Ownership}: a selector as written, the label an ApplySet or Flux puts on
 * what it applied, or an Argo CD application (its tracking label or annotation).
 */
export function ownership(text: string | undefined): Ownership | undefined {
  if (!text) return undefined;
  const m = /^(applyset|argocd|flux)=(.+)$/.exec(text);
  if (m?.[1] === 'applyset') return { selector: `applyset.kubernetes.io/part-of=${checkValue(m[2]!)}` };
  if (m?.[1] === 'argocd') return { argocdApp: checkValue(m[2]!) };
  if (m?.[1] === 'flux') {
    const [namespace, name, ...rest] = m[2]!.split('/');
    if (!namespace || !name || rest.length) throw new UserError(`owned-by: "${text}": write flux=<namespace>/<kustomization>, e.g. flux=flux-system/apps.`, { input: 'owned-by' });
    return { selector: `kustomize.toolkit.fluxcd.io/name=${checkValue(name)},kustomize.toolkit.fluxcd.io/namespace=${checkValue(namespace)}` };
  }
  return { selector: checkSelector(text, 'owned-by') };
}

function checkValue(value: string): string {
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(value)) throw new UserError(`owned-by: "${value}" cannot be a label value.`, { input: 'owned-by' });
  return value;
}

function reports(items: readonly string[]): DriftReportTarget[] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    const format = item.slice(0, eq).trim();
    const path = item.slice(eq + 1).trim();
    if (eq < 0 || !path || !(DRIFT_FORMATS as readonly string[]).includes(format)) {
      throw new UserError(`reports: "${item}" is not format=path with a format among ${DRIFT_FORMATS.join(', ')}; e.g. junit=drift-junit.xml.`, { input: 'reports' });
    }
    return { format: format as DriftFormat, path };
  });
}

function applications(values: InputValues): DriftInputs['applications'] {
  return list(values, 'application').map((text) => {
    const parts = text.split('/');
    if (parts.length > 2 || !parts.every((p) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(p))) {
      throw new UserError(`application: "${text}" is not an application name or namespace/name.`, { input: 'application' });
    }
    return parts.length === 2 ? { namespace: parts[0]!, name: parts[1]! } : { name: parts[0]! };
  });
}

function fluxTargets(values: InputValues): DriftInputs['targets'] {
  return list(values, 'targets').map((text) => {
    const target = parseTarget(text, 'targets');
    if (target.known?.provider !== 'flux' || !target.name) {
      throw new UserError(`targets: "${text}" is not a Flux Kustomization or HelmRelease (kustomization/apps, helmrelease/shop/web).`, { input: 'targets' });
    }
    return target as TargetRef & { name: string };
  });
}

function positive(values: InputValues, name: string): number {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`${name}: must be more than 0, got ${values[name]}.`, { input: name });
  return value;
}

function checkRevision(text: string): string {
  if (text.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{/.test(text)) throw new UserError(`revision: "${text}" is not a commit, branch or tag name.`, { input: 'revision' });
  return text;
}

function checkProvider(inputs: DriftInputs): void {
  if (inputs.provider === 'kubernetes' && !inputs.path && !inputs.env) {
    throw new UserError('path: give the environment\'s directory (path) or its name in baton.yaml (env), so drift knows what Git says.', { input: 'path' });
  }
  if (inputs.provider === 'argocd') {
    if (!inputs.argocdServer) throw new UserError('argocd-server: required with provider argocd (or set ARGOCD_SERVER).', { input: 'argocd-server' });
    if (inputs.applications.length === 0) throw new UserError('application: name the Argo CD application(s) to check.', { input: 'application' });
  }
  if (inputs.provider === 'flux' && inputs.targets.length === 0) throw new UserError('targets: give the Kustomizations or HelmReleases to check (kustomization/apps).', { input: 'targets' });
  if ((inputs.alert === 'issue' || inputs.commitStatus) && !inputs.repo && !inputs.dryRun) {
    throw new UserError(`repo: ${inputs.alert === 'issue' ? 'alert: issue' : 'commit-status'} needs the env repo's URL (repo or BATON_REPO).`, { input: 'repo' });
  }
  if (inputs.remediate && inputs.provider === 'kubernetes') {
    throw new UserError('remediate: drift fixes nothing itself; with provider kubernetes no agent owns the environment. Use argocd or flux, or re-apply from Git.', { input: 'remediate' });
  }
}

/** Checks raw input values and turns them into {@link DriftInputs}. */
export function driftInputs(values: InputValues): DriftInputs {
  const provider = (optional(values, 'provider') ?? 'kubernetes') as DriftProvider;
  if (!PROVIDERS.includes(provider)) throw new UserError(`provider: "${provider}" is not one of ${PROVIDERS.join(', ')}.`, { input: 'provider' });
  const value = (name: string) => optional(values, name);
  const inputs: DriftInputs = {
    provider,
    ...(value('path') ? { path: value('path')! } : {}),
    ...(value('env') ? { env: value('env')! } : {}),
    ...(value('revision') ? { revision: checkRevision(value('revision')!) } : {}),
    render: (value('render') ?? 'auto') as RenderMode,
    values: list(values, 'values'),
    kubernetesVersion: value('kubernetes-version') ?? '1.36.0',
    ...(value('namespace') ? { namespace: value('namespace')! } : {}),
    ...(value('kubeconfig') ? { kubeconfig: value('kubeconfig')! } : {}),
    ...(value('context') ? { context: value('context')! } : {}),
    ...(value('owned-by') ? { owned: ownership(value('owned-by'))! } : {}),
    ignore: parseIgnoreRules(value('ignore-differences')),
    ...(value('argocd-server') ? { argocdServer: value('argocd-server')! } : {}),
    ...(value('argocd-token') ? { argocdToken: value('argocd-token')! } : {}),
    applications: applications(values),
    targets: provider === 'flux' ? fluxTargets(values) : [],
    failOnDrift: values['fail-on-drift'] !== false,
    reports: reports(list(values, 'reports')),
    alert: value('alert') === 'issue' ? 'issue' : 'none',
    alertLabel: value('alert-label') ?? 'baton-drift',
    commitStatus: values['commit-status'] === true,
    ...(value('repo') ? { repo: value('repo')! } : {}),
    ...(value('token') ? { token: value('token')! } : {}),
    remediate: values['remediate'] === true,
    timeoutMs: positive(values, 'timeout'),
    intervalMs: positive(values, 'interval'),
    dryRun: values['dry-run'] === true,
  };
  checkProvider(inputs);
  return inputs;
}
