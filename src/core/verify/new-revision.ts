/**
 * Which pods belong to the revision being rolled out. Each controller marks its pods its own way:
 * Deployments through the ReplicaSet's `pod-template-hash`, StatefulSets and DaemonSets through
 * `controller-revision-hash`, Argo Rollouts through `rollouts-pod-template-hash`. Pods of older
 * revisions are never judged: they are on their way out.
 */
import { field, generationOf, numberAt, stringAt } from './fields.ts';
import type { KubeObject } from './types.ts';

/** The annotation the deployment controller numbers revisions with, on the Deployment and its ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** Objects a workload's verdict needs besides itself. */
export interface Related {
  readonly pods: readonly KubeObject[];
  /** ReplicaSets matching a Deployment's selector. */
  readonly replicaSets?: readonly KubeObject[];
  /** ControllerRevisions matching a DaemonSet's selector. */
  readonly controllerRevisions?: readonly KubeObject[];
}

/** The new revision's marker and its pods; `revision` is undefined while the controller has not acted yet. */
export interface NewRevision {
  readonly revision?: string;
  readonly pods: readonly KubeObject[];
  /** The Deployment's new ReplicaSet, for its `ReplicaFailure` condition. */
  readonly replicaSet?: KubeObject;
}

function ownedBy(owner: KubeObject, object: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid && ref.controller !== false);
}

function observed(object: KubeObject): boolean {
  return generationOf(object) <= numberAt(object, 'status.observedGeneration');
}

function podsLabelled(pods: readonly KubeObject[], label: string, value: string | undefined): KubeObject[] {
  return value ? pods.filter((pod) => pod.metadata.labels?.[label] === value) : [];
}

/** The Deployment's ReplicaSet for its current template: the owned one carrying the Deployment's revision. */
export function newReplicaSet(deployment: KubeObject, replicaSets: readonly KubeObject[]): KubeObject | undefined {
  if (!observed(deployment)) return undefined;
  const revision = deployment.metadata.annotations?.[REVISION_ANNOTATION];
  const owned = replicaSets.filter((rs) => ownedBy(deployment, rs));
  return owned.find((rs) => revision !== undefined && rs.metadata.annotations?.[REVISION_ANNOTATION] === revision);
}

function daemonSetRevision(daemonSet: KubeObject, revisions: readonly KubeObject[]): string | undefined {
  if (!observed(daemonSet)) return undefined;
  const owned = revisions.filter((rev) => ownedBy(daemonSet, rev));
  const newest = owned.sort((a, b) => numberAt(b, 'revision') - numberAt(a, 'revision'))[0];
  return newest?.metadata.labels?.['controller-revision-hash'];
}

/** The new revision of a workload and the pods that run it. */
export function newRevision(kind: string, object: KubeObject, related: Related): NewRevision {
  switch (kind) {
    case 'Deployment': {
      const rs = newReplicaSet(object, related.replicaSets ?? []);
      const hash = rs?.metadata.labels?.['pod-template-hash'];
      return {
        ...(hash ? { revision: hash } : {}),
        ...(rs ? { replicaSet: rs } : {}),
        pods: podsLabelled(related.pods, 'pod-template-hash', hash),
      };
    }
    case 'StatefulSet': {
      const revision = observed(object) ? stringAt(object, 'status.updateRevision') || undefined : undefined;
      return { ...(revision ? { revision } : {}), pods: podsLabelled(related.pods, 'controller-revision-hash', revision) };
    }
    case 'DaemonSet': {
      const revision = daemonSetRevision(object, related.controllerRevisions ?? []);
      return { ...(revision ? { revision } : {}), pods: podsLabelled(related.pods, 'controller-revision-hash', revision) };
    }
    case 'Rollout': {
      const hash = stringAt(object, 'status.currentPodHash') || undefined;
      return { ...(hash ? { revision: hash } : {}), pods: podsLabelled(related.pods, 'rollouts-pod-template-hash', hash) };
    }
    case 'Job':
      return { revision: String(field(object, 'metadata.uid') ?? ''), pods: [...related.pods] };
    default:
      return { pods: [] };
  }
}
