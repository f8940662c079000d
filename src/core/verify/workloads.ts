/**
 * Baton's verdict on a Kubernetes workload: kubectl's rollout rules decide "done"; the new revision's
 * pods decide "failed" early; a paused Deployment, an OnDelete strategy, a suspended Job and an object
 * being deleted each get their own verdict instead of an endless wait.
 */
import { familiarName, formatFamiliar, type ImageRef } from '../image-ref.ts';
import { findCondition, generationOf, isTrue, numberAt, numberAtIfAny } from './fields.ts';
import { checkTemplateImage, podDigestMismatch } from './image-match.ts';
import { type NewRevision, newRevision, type Related } from './new-revision.ts';
import { type PodFinding, type PodRules, podCounts, podFindings, runningImages } from './pods.ts';
import { argoRolloutAssessment } from './argo-rollout.ts';
import {
  daemonSetRolloutStatus,
  deploymentRolloutStatus,
  type RolloutStatus,
  statefulSetRolloutStatus,
  updateStrategyOf,
} from './rollout-status.ts';
import { type Assessment, assess, type KubeObject, objectLabel } from './types.ts';

/** What to hold a workload to. */
export interface WorkloadRules extends PodRules {
  /** The image the new pods must run; by digest when it has one. */
  readonly expectedImage?: ImageRef;
}

/** Kinds with kubectl-style rollout rules. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Rollout'] as const;

/** The part of kubectl's message after "rollout to finish: ", without the trailing dots. */
export function progressText(status: RolloutStatus): string {
  const text = status.message.replace(/^.*rollout to finish: /, '').replace(/\.\.\.\s*$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function facts(revision: NewRevision, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const counts = podCounts(revision.pods);
  const images = [...new Set(revision.pods.flatMap(runningImages))];
  return {
    ...(revision.revision ? { revision: revision.revision } : {}),
    newPods: counts.total,
    newPodsReady: counts.ready,
    images,
    ...extra,
  };
}

function templateCheck(label: string, object: KubeObject, expected: ImageRef | undefined): Assessment | undefined {
  if (!expected) return undefined;
  const found = checkTemplateImage(object, expected);
  if (found.state === 'absent') {
    return assess('failed', 'image-not-used', `${label} runs no container of ${familiarName(expected)}`);
  }
  if (found.state === 'other') {
    return assess(
      'progressing',
      'waiting-for-image',
      `${label} still runs ${found.image}; waiting for ${formatFamiliar(expected)} to be applied`,
    );
  }
  return undefined;
}

function failedFinding(findings: readonly PodFinding[]): PodFinding | undefined {
  return findings.find((finding) => finding.outcome === 'failed');
}

function withNotes(message: string, findings: readonly PodFinding[]): string {
  const notes = findings.filter((f) => f.outcome === 'progressing').map((f) => f.message);
  return notes.length ? `${message}; ${notes[0]}${notes.length > 1 ? ` (+${notes.length - 1} more)` : ''}` : message;
}

function doneOrMismatch(
  label: string,
  revision: NewRevision,
  rules: WorkloadRules,
  message: string,
  extra: Record<string, unknown> = {},
): Assessment {
  const mismatch = rules.expectedImage ? podDigestMismatch(revision.pods, rules.expectedImage) : undefined;
  if (mismatch) return assess('failed', 'image-mismatch', `${label}: ${mismatch}`, facts(revision, extra));
  return assess('healthy', 'rolled-out', message, facts(revision, extra));
}

/** Applies the kubectl status, then the pods, then the kind's own stop reasons. */
function judgeRollout(label: string, status: RolloutStatus, revision: NewRevision, rules: WorkloadRules, stuck?: Assessment): Assessment {
  if (status.error) return assess('failed', 'progress-deadline', `${label}: ${status.error}`, facts(revision));
  if (status.done) return doneOrMismatch(label, revision, rules, `${label} successfully rolled out`, { kubectl: status.message });
  const findings = podFindings(revision.pods, rules);
  const failed = failedFinding(findings);
  if (failed) return assess('failed', failed.reason, `${label}: ${failed.message}`, facts(revision, { kubectl: status.message }));
  if (stuck) return stuck;
  return assess(
    'progressing',
    'progressing',
    withNotes(`${label}: ${progressText(status)}`, findings),
    facts(revision, { kubectl: status.message }),
  );
}

function deploymentAssessment(label: string, object: KubeObject, revision: NewRevision, rules: WorkloadRules): Assessment {
  const status = deploymentRolloutStatus(object);
  const failure = revision.replicaSet ? findCondition(revision.replicaSet, 'ReplicaFailure') : undefined;
  let stuck: Assessment | undefined;
  if (failure?.status === 'True') {
    stuck = assess(
      'failed',
      'replica-failure',
      `${label}: ReplicaSet ${revision.replicaSet?.metadata.name} cannot create pods: ${failure.message ?? failure.reason}`,
      facts(revision),
    );
  } else if (object.spec?.['paused'] === true) {
    stuck = assess(
      'failed',
      'paused',
      `${label} is paused (spec.paused) with the rollout unfinished: ${progressText(status)}. Resume it with ` +
        `"${kubectlCommand('rollout resume', 'Deployment', object)}".`,
      facts(revision),
    );
  }
  return judgeRollout(label, status, revision, rules, stuck);
}

/** `kubectl <verb> deployment/web -n prod`: a command people can paste. */
export function kubectlCommand(verb: string, kind: string, object: KubeObject): string {
  const ns = object.metadata.namespace ? ` -n ${object.metadata.namespace}` : '';
  return `kubectl ${verb} ${kind.toLowerCase()}/${object.metadata.name}${ns}`;
}

function onDeleteAssessment(label: string, object: KubeObject, kind: string, revision: NewRevision): Assessment {
  if (generationOf(object) > numberAt(object, 'status.observedGeneration')) {
    return assess('progressing', 'progressing', `${label}: waiting for the controller to observe generation ${generationOf(object)}`);
  }
  const want = kind === 'DaemonSet' ? numberAt(object, 'status.desiredNumberScheduled') : (numberAtIfAny(object, 'spec.replicas') ?? 1);
  const updated = numberAt(object, kind === 'DaemonSet' ? 'status.updatedNumberScheduled' : 'status.updatedReplicas');
  const ready = numberAt(object, kind === 'DaemonSet' ? 'status.numberAvailable' : 'status.readyReplicas');
  if (updated >= want && ready >= want)
    return assess('healthy', 'rolled-out', `${label}: all ${want} pods run the new revision (OnDelete)`, facts(revision));
  return assess(
    'failed',
    'on-delete',
    `${label} uses the OnDelete update strategy: ${updated} of ${want} pods run the new revision and the others change only when ` +
      `deleted. Delete the old pods, or switch to RollingUpdate.`,
    facts(revision),
  );
}

function jobAssessment(label: string, object: KubeObject, revision: NewRevision, rules: WorkloadRules): Assessment {
  const failed = findCondition(object, 'Failed');
  if (failed?.status === 'True')
    return assess(
      'failed',
      'job-failed',
      `${label} failed: ${failed.reason ?? ''}${failed.message ? ` (${failed.message})` : ''}`,
      facts(revision),
    );
  if (isTrue(object, 'Complete'))
    return doneOrMismatch(label, revision, rules, `${label} completed (${numberAt(object, 'status.succeeded')} succeeded)`);
  if (isTrue(object, 'Suspended') || object.spec?.['suspend'] === true)
    return assess('failed', 'suspended', `${label} is suspended (spec.suspend); it will not run until resumed`, facts(revision));
  const findings = podFindings(revision.pods, rules);
  const failedPod = failedFinding(findings);
  if (failedPod) return assess('failed', failedPod.reason, `${label}: ${failedPod.message}`, facts(revision));
  const progress =
    `${numberAt(object, 'status.active')} active, ${numberAt(object, 'status.succeeded')} succeeded, ` +
    `${numberAt(object, 'status.failed')} failed`;
  return assess('progressing', 'progressing', withNotes(`${label}: ${progress}`, findings), facts(revision));
}

function deletion(label: string, object: KubeObject): Assessment | undefined {
  const since = object.metadata.deletionTimestamp;
  if (!since) return undefined;
  return assess('failed', 'deleting', `${label} is being deleted (since ${since}); nothing will roll out`);
}

/** The verdict on one workload (`kind` one of {@link WORKLOAD_KINDS}); `object` undefined means not found. */
export function assessWorkload(
  kind: string,
  object: KubeObject | undefined,
  related: Related,
  rules: WorkloadRules,
  name = '?',
): Assessment {
  if (!object) return assess('progressing', 'not-found', `${kind.toLowerCase()}/${name} does not exist (yet)`);
  const label = objectLabel(kind, object.metadata);
  const early = deletion(label, object) ?? templateCheck(label, object, rules.expectedImage);
  if (early) return early;
  const revision = newRevision(kind, object, related);
  switch (kind) {
    case 'Deployment':
      return deploymentAssessment(label, object, revision, rules);
    case 'StatefulSet':
      if (updateStrategyOf(object) === 'OnDelete') return onDeleteAssessment(label, object, kind, revision);
      return judgeRollout(label, statefulSetRolloutStatus(object), revision, rules);
    case 'DaemonSet':
      if (updateStrategyOf(object) === 'OnDelete') return onDeleteAssessment(label, object, kind, revision);
      return judgeRollout(label, daemonSetRolloutStatus(object), revision, rules);
    case 'Job':
      return jobAssessment(label, object, revision, rules);
    case 'Rollout':
      return argoRolloutAssessment(label, object, (status, stuck) => judgeRollout(label, status, revision, rules, stuck));
    default:
      return assess('failed', 'unsupported', `${label}: no rollout rules for kind ${kind}`);
  }
}
