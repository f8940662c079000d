/**
 * kubectl's rollout rules, kept to the letter (kubectl/pkg/polymorphichelpers/rollout_status.go): the
 * same checks in the same order and the same messages, so "done" means what `kubectl rollout status`
 * means. Baton's own rules (fast failure from pods, paused, OnDelete) sit on top, in workloads.ts.
 */
import { field, findCondition, generationOf, numberAt, numberAtIfAny, stringAt } from './fields.ts';
import type { KubeObject } from './types.ts';

/** What kubectl's status viewer answers: a message, whether the rollout is done, or an error. */
export interface RolloutStatus {
  readonly done: boolean;
  readonly message: string;
  /** kubectl returns an error instead of waiting: progress deadline exceeded, or not a rolling update. */
  readonly error?: string;
}

/** The reason the deployment controller sets on `Progressing` when the progress deadline passes. */
export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

/** `.spec.updateStrategy.type`; the API server defaults it to RollingUpdate when a manifest leaves it out. */
export function updateStrategyOf(object: KubeObject): string {
  return stringAt(object, 'spec.updateStrategy.type', 'RollingUpdate');
}

function name(object: KubeObject): string {
  return object.metadata.name ?? '';
}

/** kubectl's DeploymentStatusViewer. */
export function deploymentRolloutStatus(object: KubeObject): RolloutStatus {
  const n = name(object);
  if (generationOf(object) > numberAt(object, 'status.observedGeneration')) {
    return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  if (findCondition(object, 'Progressing')?.reason === PROGRESS_DEADLINE_EXCEEDED) {
    return { done: false, message: '', error: `deployment "${n}" exceeded its progress deadline` };
  }
  const replicas = numberAtIfAny(object, 'spec.replicas');
  const updated = numberAt(object, 'status.updatedReplicas');
  const current = numberAt(object, 'status.replicas');
  const available = numberAt(object, 'status.availableReplicas');
  const waiting = `Waiting for deployment "${n}" rollout to finish: `;
  if (replicas !== undefined && updated < replicas) {
    return { done: false, message: `${waiting}${updated} out of ${replicas} new replicas have been updated...` };
  }
  if (current > updated) {
    return { done: false, message: `${waiting}${current - updated} old replicas are pending termination...` };
  }
  if (available < updated) {
    return { done: false, message: `${waiting}${available} of ${updated} updated replicas are available...` };
  }
  return { done: true, message: `deployment "${n}" successfully rolled out` };
}

/** kubectl's DaemonSetStatusViewer. */
export function daemonSetRolloutStatus(object: KubeObject): RolloutStatus {
  const n = name(object);
  if (updateStrategyOf(object) !== 'RollingUpdate') {
    return { done: true, message: '', error: 'rollout status is only available for RollingUpdate strategy type' };
  }
  if (generationOf(object) > numberAt(object, 'status.observedGeneration')) {
    return { done: false, message: 'Waiting for daemon set spec update to be observed...' };
  }
  const desired = numberAt(object, 'status.desiredNumberScheduled');
  const updated = numberAt(object, 'status.updatedNumberScheduled');
  const available = numberAt(object, 'status.numberAvailable');
  const waiting = `Waiting for daemon set "${n}" rollout to finish: `;
  if (updated < desired) return { done: false, message: `${waiting}${updated} out of ${desired} new pods have been updated...` };
  if (available < desired) return { done: false, message: `${waiting}${available} of ${desired} updated pods are available...` };
  return { done: true, message: `daemon set "${n}" successfully rolled out` };
}

/** kubectl's StatefulSetStatusViewer, partitions included. */
export function statefulSetRolloutStatus(object: KubeObject): RolloutStatus {
  if (updateStrategyOf(object) !== 'RollingUpdate') {
    return { done: true, message: '', error: 'rollout status is only available for RollingUpdate strategy type' };
  }
  const observed = numberAt(object, 'status.observedGeneration');
  if (observed === 0 || generationOf(object) > observed) {
    return { done: false, message: 'Waiting for statefulset spec update to be observed...' };
  }
  const replicas = numberAtIfAny(object, 'spec.replicas');
  const ready = numberAt(object, 'status.readyReplicas');
  const updated = numberAt(object, 'status.updatedReplicas');
  if (replicas !== undefined && ready < replicas) {
    return { done: false, message: `Waiting for ${replicas - ready} pods to be ready...` };
  }
  if (field(object, 'spec.updateStrategy.rollingUpdate') !== undefined) {
    const partition = numberAtIfAny(object, 'spec.updateStrategy.rollingUpdate.partition');
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return {
        done: false,
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`,
      };
    }
    return { done: true, message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  const updateRevision = stringAt(object, 'status.updateRevision');
  const currentRevision = stringAt(object, 'status.currentRevision');
  if (updateRevision !== currentRevision) {
    return { done: false, message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...` };
  }
  const current = numberAt(object, 'status.currentReplicas');
  return { done: true, message: `statefulset rolling update complete ${current} pods at revision ${currentRevision}...` };
}
