/**
 * verify's inputs, checked before anything is touched: each problem is a UserError naming the input.
 */
import { checkVersioned } from '../../core/edit/pin.ts';
import { UserError } from '../../core/errors.ts';
import { type ImageRef, parseImageRef } from '../../core/image-ref.ts';
import { checkStatusCode, type HttpExpectations, parseExpectations } from '../../core/verify/http-check.ts';
import { type ApplicationName, checkSelector, parseApplicationName, parseTarget, type TargetRef } from '../../core/verify/targets.ts';
import type { InputsOf } from '../../specs/types.ts';
import type { verifySpec } from '../../specs/verify.ts';

/** The providers verify asks. */
export type Provider = 'kubernetes' | 'argocd' | 'flux' | 'http';

/** The typed inputs of verify, checked. */
export interface VerifyInputs {
  readonly provider: Provider;
  /** Named targets (with a name). */
  readonly targets: readonly (TargetRef & { readonly name: string })[];
  /** Kinds to find by `selector` (empty without a selector). */
  readonly selectorKinds: readonly TargetRef[];
  readonly selector?: string;
  readonly namespace?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly expectedImage?: ImageRef;
  readonly expectedRevision?: string;
  readonly argocdServer?: string;
  readonly argocdToken?: string;
  readonly applications: readonly ApplicationName[];
  readonly project?: string;
  readonly url?: string;
  readonly expect: HttpExpectations;
  readonly repo?: string;
  readonly branch?: string;
  readonly env?: string;
  readonly token?: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly graceMs: number;
  readonly restartThreshold: number;
  readonly reconcile: boolean;
  readonly record: boolean;
  readonly onFailure: 'fail' | 'rollback';
  readonly dryRun: boolean;
}

const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const COMMIT_RE = /^[0-9a-fA-F]{7,64}$/;
const DEFAULT_SELECTOR_KINDS = ['deployment', 'statefulset', 'daemonset'];
const SELECTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Rollout']);

type Values = InputsOf<typeof verifySpec>;

function positive(value: number, name: string, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UserError(`${name}: must be more than ${allowZero ? 'or equal to ' : ''}0, got ${value}.`, { input: name });
  }
  return value;
}

function expectedImage(text: string | undefined): ImageRef | undefined {
  if (!text) return undefined;
  const ref = parseImageRef(text, 'expected-image');
  checkVersioned(ref, 'expected-image');
  return ref;
}

function expectedRevision(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (!COMMIT_RE.test(text)) {
    throw new UserError(`expected-revision: "${text}" is not a commit id (7 to 64 hexadecimal digits, e.g. bump's commit output).`, {
      input: 'expected-revision',
    });
  }
  return text.toLowerCase();
}

function namespaceOf(text: string | undefined): string | undefined {
  if (text !== undefined && (!NAMESPACE_RE.test(text) || text.length > 63)) {
    throw new UserError(`namespace: "${text}" is not a namespace name (lowercase letters, digits and "-").`, { input: 'namespace' });
  }
  return text;
}

function restartThreshold(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(`restart-threshold: must be a whole number of at least 1, got ${value}.`, { input: 'restart-threshold' });
  }
  return value;
}

function httpUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`url: "${text}" is not a URL; write it like https://web.example.com/version.`, { input: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`url: "${text}" is not http or https.`, { input: 'url' });
  return url.toString();
}

/** Splits targets into named ones and kind-only ones (those need a selector). */
function splitTargets(targets: readonly string[], selector: string | undefined): { named: VerifyInputs['targets']; kinds: TargetRef[] } {
  const parsed = targets.map((text) => parseTarget(text, 'targets', selector !== undefined));
  const named = parsed.filter((t): t is TargetRef & { name: string } => t.name !== undefined);
  let kinds = parsed.filter((t) => t.name === undefined);
  if (selector !== undefined && kinds.length === 0) kinds = DEFAULT_SELECTOR_KINDS.map((k) => parseTarget(k, 'targets', true));
  for (const kind of kinds) {
    if (!kind.known || !SELECTABLE.has(kind.known.kind)) {
      throw new UserError(`targets: "${kind.text}" cannot be found by selector; give deployment, statefulset, daemonset, job or rollout.`, {
        input: 'targets',
      });
    }
  }
  return { named, kinds };
}

function checkTargets(provider: Provider, named: VerifyInputs['targets'], kinds: readonly TargetRef[]): void {
  if (provider === 'http') {
    if (named.length || kinds.length) throw new UserError('targets: provider http polls url; it takes no targets.', { input: 'targets' });
    return;
  }
  const wrong = named.find((t) => (t.known?.provider ?? 'kubernetes') !== provider);
  if (wrong) {
    const owner = wrong.known?.provider ?? 'kubernetes';
    throw new UserError(`targets: "${wrong.text}" is read by provider ${owner}, not ${provider}; set provider: ${owner} or remove it.`, {
      input: 'targets',
    });
  }
  if (provider !== 'kubernetes' && kinds.length)
    throw new UserError(`selector: ${provider} targets are named, not selected by labels.`, { input: 'selector' });
  // Provider kubernetes with neither targets nor selector is refused earlier, by the spec (needsOneOf).
  if (provider === 'flux' && named.length === 0)
    throw new UserError('targets: give the Kustomization or HelmRelease to wait for (e.g. kustomization/apps).', { input: 'targets' });
}

function checkSources(inputs: Pick<VerifyInputs, 'provider' | 'applications' | 'url' | 'argocdServer'>): void {
  if (inputs.provider === 'argocd' && !inputs.argocdServer)
    throw new UserError('argocd-server: required with provider argocd (or set ARGOCD_SERVER).', { input: 'argocd-server' });
  if (inputs.provider === 'argocd' && inputs.applications.length === 0) {
    throw new UserError('application: name the Argo CD application(s) to wait for.', { input: 'application' });
  }
  if (inputs.provider === 'http' && !inputs.url) throw new UserError('url: required with provider http.', { input: 'url' });
}

function applications(values: Values, targets: VerifyInputs['targets']): ApplicationName[] {
  const named = values.application.map(parseApplicationName);
  const fromTargets = targets
    .filter((t) => t.known?.kind === 'Application')
    .map((t) => ({ name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}) }));
  return [...named, ...fromTargets];
}

function recording(values: Values, dryRun: boolean): { record: boolean; onFailure: 'fail' | 'rollback' } {
  const { record, repo, env } = values;
  const onFailure = values['on-failure'];
  if (repo && record && !dryRun && !env) {
    throw new UserError('env: needed to record the verdict for the env repo; give env, or set record: false.', { input: 'env' });
  }
  if (onFailure === 'rollback' && (!repo || !env)) {
    throw new UserError('on-failure: rollback needs repo and env (the environment to roll back).', { input: 'on-failure' });
  }
  return { record, onFailure };
}

/** Checks verify's inputs and turns them into {@link VerifyInputs}. */
export function verifyInputs(values: Values): VerifyInputs {
  const { provider, selector } = values;
  if (selector !== undefined) checkSelector(selector);
  const { named, kinds } = splitTargets(values.targets, selector);
  const dryRun = values['dry-run'];
  const timeoutMs = positive(values.timeout, 'timeout');
  const intervalMs = positive(values.interval, 'interval');
  if (intervalMs < 100)
    throw new UserError(`interval: ${intervalMs}ms would flood the API; give 100ms or more (default 2s).`, { input: 'interval' });
  checkTargets(provider, named, kinds);
  const base = {
    provider,
    targets: provider === 'argocd' ? [] : named,
    selectorKinds: kinds,
    applications: applications(values, named),
    url: httpUrl(values.url),
    argocdServer: values['argocd-server'],
  };
  checkSources(base);
  return {
    ...base,
    ...(selector !== undefined ? { selector } : {}),
    namespace: namespaceOf(values.namespace),
    kubeconfig: values.kubeconfig,
    context: values.context,
    expectedImage: expectedImage(values['expected-image']),
    expectedRevision: expectedRevision(values['expected-revision']),
    argocdToken: values['argocd-token'],
    project: values.project,
    expect: {
      status: checkStatusCode(values['expect-status']),
      json: parseExpectations(values['expect-json'], 'expect-json'),
      headers: parseExpectations(values['expect-header'], 'expect-header'),
    },
    repo: values.repo,
    branch: values.branch,
    env: values.env,
    token: values.token,
    timeoutMs,
    intervalMs: Math.min(intervalMs, timeoutMs),
    graceMs: positive(values.grace, 'grace', true),
    restartThreshold: restartThreshold(values['restart-threshold']),
    reconcile: values.reconcile,
    dryRun,
    ...recording(values, dryRun),
  };
}
