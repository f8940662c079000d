import { joinPointer } from '../pointer.ts';
import type { Resource } from '../types.ts';

const POD_TEMPLATE = '/spec/template/spec';
const POD_SPEC_AT: Readonly<Record<string, string>> = {
  Pod: '/spec',
  PodTemplate: '/template/spec',
  Deployment: POD_TEMPLATE,
  StatefulSet: POD_TEMPLATE,
  DaemonSet: POD_TEMPLATE,
  ReplicaSet: POD_TEMPLATE,
  ReplicationController: POD_TEMPLATE,
  Job: POD_TEMPLATE,
  Rollout: POD_TEMPLATE,
  CronJob: '/spec/jobTemplate/spec/template/spec',
};

/** Kinds whose pods serve traffic and run until stopped (readiness matters); Jobs run to completion. */
export const LONG_RUNNING_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Rollout',
]);

/** A container of a workload, with where it is. */
export interface ContainerAt {
  readonly pointer: string;
  readonly container: Record<string, unknown>;
  readonly kind: 'containers' | 'initContainers' | 'ephemeralContainers';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The pod spec of a workload and its pointer, or undefined for kinds without pods. */
export function podSpecOf(resource: Resource): { pointer: string; spec: Record<string, unknown> } | undefined {
  const pointer = POD_SPEC_AT[resource.id.kind];
  if (!pointer) return undefined;
  let node: unknown = resource.object;
  for (const part of pointer.split('/').slice(1)) node = isObject(node) ? node[part] : undefined;
  return isObject(node) ? { pointer, spec: node } : undefined;
}

/** Every container of a workload (init and ephemeral ones too). */
export function containersOf(resource: Resource): ContainerAt[] {
  const pod = podSpecOf(resource);
  if (!pod) return [];
  const out: ContainerAt[] = [];
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const list = pod.spec[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((container, i) => {
      if (isObject(container)) out.push({ pointer: `${pod.pointer}${joinPointer(kind, i)}`, container, kind });
    });
  }
  return out;
}

/** The name of a container for messages: `container "api"`. */
export function containerName(at: ContainerAt): string {
  const label = at.kind === 'containers' ? 'container' : at.kind === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${label} "${String(at.container['name'] ?? '?')}"`;
}
