/**
 * Flux Kustomizations and HelmReleases, judged from what kustomize-controller and helm-controller write:
 * `observedGeneration`, the `Ready`/`Stalled`/`Reconciling` conditions with Flux's reasons, and the
 * revision last applied. A failure counts only when it is about the expected revision (or none is given):
 * an older revision's failure does not fail a rollout that has not been attempted yet.
 */
import { arrayAt, findCondition, generationOf, numberAtIfAny, stringAt } from './fields.ts';
import { parseFluxRevision, revisionNames, shortRevision } from './flux-revision.ts';
import { type Assessment, assess, type KubeObject, objectLabel } from './types.ts';

/** Flux's kinds that verify knows. */
export type FluxKind = 'Kustomization' | 'HelmRelease';

/** What to hold a Flux object to. */
export interface FluxRules {
  /** The env-repo commit that must be applied. */
  readonly expectedRevision?: string;
}

/** Ready=False reasons that end the rollout (when about the expected revision), with Baton's word for each. */
const FAILURES: Readonly<Record<string, string>> = {
  HealthCheckFailed: 'health-check-failed',
  ReconciliationFailed: 'reconciliation-failed',
  BuildFailed: 'reconciliation-failed',
  PruneFailed: 'reconciliation-failed',
  InstallFailed: 'install-failed',
  UpgradeFailed: 'upgrade-failed',
  TestFailed: 'test-failed',
  RollbackSucceeded: 'remediated',
  RollbackFailed: 'remediated',
  UninstallSucceeded: 'remediated',
  UninstallFailed: 'remediated',
};

function why(condition: { reason?: string; message?: string }): string {
  return [condition.reason, condition.message].filter(Boolean).join(': ');
}

/** The revisions a Flux object reports, newest meaning first: attempted, then applied. */
export function fluxRevisions(kind: FluxKind, object: KubeObject): { attempted?: string; applied?: string } {
  const attempted = stringAt(object, 'status.lastAttemptedRevision') || undefined;
  if (kind === 'Kustomization') return { attempted, applied: stringAt(object, 'status.lastAppliedRevision') || undefined };
  const history = arrayAt<Record<string, unknown>>(object, 'status.history')[0];
  const deployed = history && history['status'] === 'deployed' ? String(history['chartVersion'] ?? '') : '';
  return { attempted, applied: stringAt(object, 'status.lastAppliedRevision') || deployed || attempted };
}

/** Whether a failure is about the expected revision: yes when nothing else can be told. */
function aboutExpected(revision: string | undefined, expected: string | undefined): boolean {
  if (!expected || !revision || !parseFluxRevision(revision)) return true;
  return revisionNames(revision, expected);
}

function remediated(label: string, object: KubeObject): Assessment | undefined {
  const done = findCondition(object, 'Remediated');
  if (done?.status !== 'True' || (done.observedGeneration ?? generationOf(object)) < generationOf(object)) return undefined;
  const cause = ['Released', 'TestSuccess'].map((type) => findCondition(object, type)).find((c) => c?.status === 'False');
  const text = cause ? why(cause) : 'the release failed';
  return assess('failed', 'remediated', `${label}: ${text}; helm-controller remediated it (${why(done)})`);
}

function readyTrue(kind: FluxKind, label: string, object: KubeObject, rules: FluxRules): Assessment {
  const { applied } = fluxRevisions(kind, object);
  const facts = { revision: applied ?? '' };
  if (!rules.expectedRevision) return assess('healthy', 'ready', `${label} is Ready at ${shortRevision(applied ?? '?')}`, facts);
  if (revisionNames(applied, rules.expectedRevision))
    return assess('healthy', 'ready', `${label} is Ready at ${shortRevision(applied!)}`, facts);
  if (kind === 'HelmRelease' && !parseFluxRevision(applied)) {
    return assess(
      'healthy',
      'ready',
      `${label} is Ready with chart ${applied ?? '?'} (a chart version names no commit; verify the Kustomization that applies it for ` +
        `the commit)`,
      { ...facts, revisionChecked: false },
    );
  }
  return assess(
    'progressing',
    'waiting-for-revision',
    `${label} is Ready at ${shortRevision(applied ?? 'nothing yet')}; waiting for ${rules.expectedRevision.slice(0, 12)}`,
    facts,
  );
}

function readyFalse(kind: FluxKind, label: string, object: KubeObject, rules: FluxRules, reason: string, text: string): Assessment {
  if (reason === 'DependencyNotReady') return assess('progressing', 'dependency-not-ready', `${label} waits for a dependency: ${text}`);
  const failure = FAILURES[reason];
  const { attempted } = fluxRevisions(kind, object);
  if (failure && aboutExpected(attempted, rules.expectedRevision)) {
    return assess('failed', failure, `${label} failed: ${text}`, { revision: attempted ?? '' });
  }
  return assess('progressing', 'not-ready', `${label} is not Ready: ${text}`, { revision: attempted ?? '' });
}

/** The verdict on a Kustomization or HelmRelease; `object` undefined means not found. */
export function assessFlux(kind: FluxKind, object: KubeObject | undefined, rules: FluxRules, name = '?'): Assessment {
  if (!object) return assess('progressing', 'not-found', `${kind.toLowerCase()}/${name} does not exist (yet)`);
  const label = objectLabel(kind, object.metadata);
  if (object.metadata.deletionTimestamp)
    return assess('failed', 'deleting', `${label} is being deleted (since ${object.metadata.deletionTimestamp})`);
  if (object.spec?.['suspend'] === true) {
    return assess(
      'failed',
      'suspended',
      `${label} is suspended (spec.suspend); resume it with "flux resume ${kind.toLowerCase()} ${object.metadata.name} -n ` +
        `${object.metadata.namespace}"`,
    );
  }
  const observed = numberAtIfAny(object, 'status.observedGeneration') ?? -1;
  if (observed < generationOf(object))
    return assess('progressing', 'not-observed', `${label}: generation ${generationOf(object)} not observed yet`);
  const stalled = findCondition(object, 'Stalled');
  if (stalled?.status === 'True') return assess('failed', 'stalled', `${label} is stalled: ${why(stalled)}`);
  const ready = findCondition(object, 'Ready');
  if (!ready) return assess('progressing', 'no-status', `${label} reports no Ready condition yet`);
  if (ready.status === 'Unknown') return assess('progressing', 'reconciling', `${label} is reconciling: ${why(ready) || 'in progress'}`);
  const fixed = kind === 'HelmRelease' ? remediated(label, object) : undefined;
  if (fixed) return fixed;
  if (ready.status === 'True') return readyTrue(kind, label, object, rules);
  return readyFalse(kind, label, object, rules, ready.reason ?? '', why(ready));
}
