/** Builders of Kubernetes objects as the API serves them, for the rule tables. */
import type { KubeObject } from '../../src/core/verify/types.ts';

/** The cluster's "now" in the tables. */
export const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

/** An RFC 3339 time `seconds` before {@link NOW}. */
export function ago(seconds: number): string {
  return new Date(NOW - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const UID = 'd-uid-1';

/** Options of {@link deployment}. */
export interface DeploymentShape {
  readonly generation?: number;
  readonly observed?: number;
  readonly replicas?: number;
  readonly total?: number;
  readonly updated?: number;
  readonly available?: number;
  readonly revision?: string;
  readonly paused?: boolean;
  readonly image?: string;
  readonly progressing?: { status: string; reason: string };
  readonly deletion?: string;
}

/** A Deployment `web` in `prod`. */
export function deployment(shape: DeploymentShape = {}): KubeObject {
  const replicas = shape.replicas ?? 3;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'prod',
      uid: UID,
      generation: shape.generation ?? 2,
      annotations: { 'deployment.kubernetes.io/revision': shape.revision ?? '2' },
      ...(shape.deletion ? { deletionTimestamp: shape.deletion } : {}),
    },
    spec: {
      replicas,
      ...(shape.paused ? { paused: true } : {}),
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'app', image: shape.image ?? 'ghcr.io/acme/web:1.1.0' }] } },
    },
    status: {
      observedGeneration: shape.observed ?? shape.generation ?? 2,
      replicas: shape.total ?? replicas,
      updatedReplicas: shape.updated ?? replicas,
      availableReplicas: shape.available ?? replicas,
      ...(shape.progressing ? { conditions: [{ type: 'Progressing', ...shape.progressing, message: 'x' }] } : {}),
    },
  };
}

/** A ReplicaSet of the Deployment with a hash and revision. */
export function replicaSet(hash: string, revision: string, conditions: unknown[] = []): KubeObject {
  return {
    metadata: {
      name: `web-${hash}`,
      namespace: 'prod',
      labels: { app: 'web', 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': revision },
      ownerReferences: [{ kind: 'Deployment', name: 'web', uid: UID, controller: true }],
    },
    status: { conditions },
  };
}

/** Options of {@link pod}. */
export interface PodShape {
  readonly name?: string;
  readonly labels?: Record<string, string>;
  readonly waiting?: { reason: string; message?: string };
  readonly running?: boolean;
  readonly ready?: boolean;
  readonly restarts?: number;
  readonly lastExit?: number;
  /** Seconds ago the pod was scheduled. */
  readonly scheduledAgo?: number;
  readonly unschedulableAgo?: number;
  readonly imageID?: string;
  readonly image?: string;
  readonly init?: boolean;
  readonly deleting?: boolean;
}

/** A pod with one container in the state given. */
export function pod(hash: string, shape: PodShape = {}): KubeObject {
  const state = shape.waiting
    ? { waiting: shape.waiting }
    : shape.running === false
      ? { waiting: { reason: 'ContainerCreating' } }
      : { running: { startedAt: ago(30) } };
  const status = {
    name: 'app',
    image: shape.image ?? 'ghcr.io/acme/web:1.1.0',
    imageID: shape.imageID ?? '',
    ready: shape.ready ?? (!shape.waiting && shape.running !== false),
    restartCount: shape.restarts ?? 0,
    state,
    lastState:
      shape.lastExit !== undefined
        ? { terminated: { exitCode: shape.lastExit, reason: shape.lastExit === 137 ? 'OOMKilled' : 'Error' } }
        : {},
  };
  const scheduled =
    shape.unschedulableAgo !== undefined
      ? {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient cpu.',
          lastTransitionTime: ago(shape.unschedulableAgo),
        }
      : { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(shape.scheduledAgo ?? 30) };
  const ready = status.ready && shape.unschedulableAgo === undefined;
  return {
    metadata: {
      name: shape.name ?? `web-${hash}-abcde`,
      namespace: 'prod',
      labels: shape.labels ?? { app: 'web', 'pod-template-hash': hash },
      creationTimestamp: ago((shape.scheduledAgo ?? shape.unschedulableAgo ?? 30) + 1),
      ...(shape.deleting ? { deletionTimestamp: ago(1) } : {}),
    },
    status: {
      phase: shape.unschedulableAgo !== undefined ? 'Pending' : 'Running',
      conditions: [scheduled, { type: 'Ready', status: ready ? 'True' : 'False' }],
      ...(shape.unschedulableAgo !== undefined
        ? {}
        : shape.init
          ? { initContainerStatuses: [status], containerStatuses: [] }
          : { containerStatuses: [status] }),
    },
  };
}
