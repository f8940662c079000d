/**
 * Argo Rollouts (argoproj.io/v1alpha1 Rollout), judged from the status the rollouts controller writes:
 * `phase` (Healthy, Progressing, Paused, Degraded), `abort`, `pauseConditions`, `currentPodHash` and
 * `stableRS`. Its `observedGeneration` is a string, unlike the built-in workloads'.
 */
import { arrayAt, field, findCondition, generationOf, numberAt, stringAt } from './fields.ts';
import type { RolloutStatus } from './rollout-status.ts';
import { type Assessment, assess, type KubeObject } from './types.ts';

/** Judges a status the way the other workloads are judged (pods, digests), with an optional stop reason. */
export type RolloutJudge = (status: RolloutStatus, stuck?: Assessment) => Assessment;

function observed(object: KubeObject): boolean {
  return String(field(object, 'status.observedGeneration') ?? '') === String(generationOf(object));
}

/** Why a paused Rollout will not move on its own: a manual pause, or a canary step without a duration. */
function pauseStop(label: string, object: KubeObject): Assessment | undefined {
  if (object.spec?.['paused'] === true) return assess('failed', 'paused', `${label} is paused (spec.paused); resume or promote it`);
  if (arrayAt(object, 'status.pauseConditions').length === 0) return undefined;
  const index = numberAt(object, 'status.currentStepIndex', -1);
  const step = arrayAt<Record<string, unknown>>(object, 'spec.strategy.canary.steps')[index];
  const pause = step?.['pause'] as Record<string, unknown> | undefined;
  if (pause && pause['duration'] === undefined) {
    return assess(
      'failed',
      'paused',
      `${label} waits for manual promotion at canary step ${index} ("kubectl argo rollouts promote ${object.metadata.name}")`,
    );
  }
  return undefined;
}

/** The verdict on an Argo Rollout. */
export function argoRolloutAssessment(label: string, object: KubeObject, judge: RolloutJudge): Assessment {
  const name = object.metadata.name ?? '';
  if (!observed(object)) return judge({ done: false, message: 'Waiting for rollout spec update to be observed...' });
  const progressing = findCondition(object, 'Progressing');
  const message = stringAt(object, 'status.message');
  if (field(object, 'status.abort') === true || progressing?.reason === 'RolloutAborted') {
    return assess('failed', 'aborted', `${label} was aborted: ${message || progressing?.message || 'rolled back to the stable version'}`);
  }
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return judge({ done: false, message: '', error: `rollout "${name}" exceeded its progress deadline` });
  const phase = stringAt(object, 'status.phase');
  if (phase === 'Degraded') return assess('failed', 'degraded', `${label} is Degraded: ${message || progressing?.message || 'no message'}`);
  const stable = stringAt(object, 'status.stableRS');
  if (phase === 'Healthy' && stable !== '' && stable === stringAt(object, 'status.currentPodHash')) {
    return judge({ done: true, message: `rollout "${name}" successfully rolled out` });
  }
  const replicas = numberAt(object, 'spec.replicas', 1);
  const progress = `${numberAt(object, 'status.updatedReplicas')} of ${replicas} updated, ${numberAt(object, 'status.availableReplicas')} available`;
  return judge(
    {
      done: false,
      message: `Waiting for rollout "${name}" rollout to finish: ${phase || 'Progressing'}, ${progress}${message ? ` (${message})` : ''}...`,
    },
    pauseStop(label, object),
  );
}
