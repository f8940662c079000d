/**
 * drift's inputs, checked before anything is read: each problem is a UserError naming the input.
 */
import { DRIFT_FORMATS, type DriftFormat } from '../../core/drift/report.ts';
import { type IgnoreRule, parseIgnoreRules } from '../../core/drift/ignore.ts';
import type { Ownership } from '../../core/drift/types.ts';
import { UserError } from '../../core/errors.ts';
import { type ApplicationName, checkSelector, parseApplicationName, parseTarget, type TargetRef } from '../../core/verify/targets.ts';
import type { driftSpec } from '../../specs/drift.ts';
import type { InputsOf } from '../../specs/types.ts';
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
  readonly applications: readonly ApplicationName[];
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

type Values = InputsOf<typeof driftSpec>;

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
    if (!namespace || !name || rest.length)
      throw new UserError(`owned-by: "${text}": write flux=<namespace>/<kustomization>, e.g. flux=flux-system/apps.`, {
        input: 'owned-by',
      });
    return {
      selector: `kustomize.toolkit.fluxcd.io/name=${checkValue(name)},kustomize.toolkit.fluxcd.io/namespace=${checkValue(namespace)}`,
    };
  }
  return { selector: checkSelector(text, 'owned-by') };
}

function checkValue(value: string): string {
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(value))
    throw new UserError(`owned-by: "${value}" cannot be a label value.`, { input: 'owned-by' });
  return value;
}

function reports(items: readonly string[]): DriftReportTarget[] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    const format = item.slice(0, eq).trim();
    const path = item.slice(eq + 1).trim();
    if (eq < 0 || !path || !(DRIFT_FORMATS as readonly string[]).includes(format)) {
      throw new UserError(
        `reports: "${item}" is not format=path with a format among ${DRIFT_FORMATS.join(', ')}; e.g. junit=drift-junit.xml.`,
        { input: 'reports' },
      );
    }
    return { format: format as DriftFormat, path };
  });
}

function fluxTargets(items: readonly string[]): DriftInputs['targets'] {
  return items.map((text) => {
    const target = parseTarget(text, 'targets');
    if (target.known?.provider !== 'flux' || !target.name) {
      throw new UserError(`targets: "${text}" is not a Flux Kustomization or HelmRelease (kustomization/apps, helmrelease/shop/web).`, {
        input: 'targets',
      });
    }
    return target as TargetRef & { name: string };
  });
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`${name}: must be more than 0, got ${value}.`, { input: name });
  return value;
}

function checkRevision(text: string): string {
  if (text.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{/.test(text))
    throw new UserError(`revision: "${text}" is not a commit, branch or tag name.`, { input: 'revision' });
  return text;
}

function checkProvider(inputs: DriftInputs): void {
  // Provider kubernetes with neither path nor env is refused earlier, by the spec (needsOneOf).
  if (inputs.provider === 'argocd') {
    if (!inputs.argocdServer)
      throw new UserError('argocd-server: required with provider argocd (or set ARGOCD_SERVER).', { input: 'argocd-server' });
    if (inputs.applications.length === 0)
      throw new UserError('application: name the Argo CD application(s) to check.', { input: 'application' });
  }
  if (inputs.provider === 'flux' && inputs.targets.length === 0)
    throw new UserError('targets: give the Kustomizations or HelmReleases to check (kustomization/apps).', { input: 'targets' });
  if ((inputs.alert === 'issue' || inputs.commitStatus) && !inputs.repo && !inputs.dryRun) {
    throw new UserError(
      `repo: ${inputs.alert === 'issue' ? 'alert: issue' : 'commit-status'} needs the env repo's URL (repo or BATON_REPO).`,
      { input: 'repo' },
    );
  }
  if (inputs.remediate && inputs.provider === 'kubernetes') {
    throw new UserError(
      'remediate: drift fixes nothing itself; with provider kubernetes no agent owns the environment. Use argocd or flux, or ' +
        're-apply from Git.',
      { input: 'remediate' },
    );
  }
}

/** Checks drift's inputs and turns them into {@link DriftInputs}. */
export function driftInputs(values: Values): DriftInputs {
  const { provider, path, env, revision, namespace, kubeconfig, context, repo, token } = values;
  const argocdServer = values['argocd-server'];
  const argocdToken = values['argocd-token'];
  const inputs: DriftInputs = {
    provider,
    ...(path ? { path } : {}),
    ...(env ? { env } : {}),
    ...(revision ? { revision: checkRevision(revision) } : {}),
    render: values.render,
    values: [...values.values],
    kubernetesVersion: values['kubernetes-version'],
    ...(namespace ? { namespace } : {}),
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    ...(values['owned-by'] ? { owned: ownership(values['owned-by'])! } : {}),
    ignore: parseIgnoreRules(values['ignore-differences']),
    ...(argocdServer ? { argocdServer } : {}),
    ...(argocdToken ? { argocdToken } : {}),
    applications: values.application.map(parseApplicationName),
    targets: provider === 'flux' ? fluxTargets(values.targets) : [],
    failOnDrift: values['fail-on-drift'],
    reports: reports(values.reports),
    alert: values.alert,
    alertLabel: values['alert-label'],
    commitStatus: values['commit-status'],
    ...(repo ? { repo } : {}),
    ...(token ? { token } : {}),
    remediate: values.remediate,
    timeoutMs: positive(values.timeout, 'timeout'),
    intervalMs: positive(values.interval, 'interval'),
    dryRun: values['dry-run'],
  };
  checkProvider(inputs);
  return inputs;
}
