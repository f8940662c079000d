/**
 * Fast failure from the pods of the new revision: a rollout that cannot succeed says so in its pods
 * long before the Deployment's progress deadline (600 s by default). Time is measured from the pod's own
 * timestamps against the API server's clock, so a runner with a skewed clock judges the same way.
 */
import { arrayAt, field, findCondition, formatDuration, numberAt, stringAt, timeOf } from './fields.ts';
import type { KubeObject } from './types.ts';

/** How patient to be with pods. */
export interface PodRules {
  /** The cluster's current time (ms since the epoch), from the API server's `Date` header. */
  readonly now: number;
  /** How long a pod may fail to pull its image, be unschedulable, or miss its config before it fails. */
  readonly graceMs: number;
  /** Restarts after which a crash-looping container fails the rollout. */
  readonly restartThreshold: number;
}

/** What one pod says about the rollout: a failure, or a problem still inside its grace. */
export interface PodFinding {
  readonly outcome: 'failed' | 'progressing';
  readonly reason: string;
  readonly message: string;
  readonly pod: string;
}

/** One entry of `status.containerStatuses` or `status.initContainerStatuses`. */
interface ContainerStatus {
  readonly name: string;
  readonly image?: string;
  readonly imageID?: string;
  readonly ready?: boolean;
  readonly restartCount?: number;
  readonly state?: Record<string, Record<string, unknown> | undefined>;
  readonly lastState?: Record<string, Record<string, unknown> | undefined>;
}

const PULL_FAILURES = new Set(['ImagePullBackOff', 'ErrImagePull']);
const NEVER_RUNS = new Set(['InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_FAILURES = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** Every container status of a pod, init containers first. */
export function containerStatuses(pod: KubeObject): readonly ContainerStatus[] {
  return [...arrayAt<ContainerStatus>(pod, 'status.initContainerStatuses'), ...arrayAt<ContainerStatus>(pod, 'status.containerStatuses')];
}

/**
 * When the kubelet started on the pod: PodScheduled's transition to True, else `status.startTime`, else
 * the pod's creation. Image pulls and container creation begin there.
 */
export function podStartedAt(pod: KubeObject): number | undefined {
  const scheduled = findCondition(pod, 'PodScheduled');
  const fromScheduled = scheduled?.status === 'True' ? timeOf(scheduled.lastTransitionTime) : undefined;
  return fromScheduled ?? timeOf(stringAt(pod, 'status.startTime')) ?? timeOf(pod.metadata.creationTimestamp);
}

function elapsed(rules: PodRules, since: number | undefined): number {
  return since === undefined ? 0 : Math.max(0, rules.now - since);
}

function withGrace(rules: PodRules, since: number | undefined, reason: string, pod: string, what: string): PodFinding {
  const time = elapsed(rules, since);
  if (time >= rules.graceMs) return { outcome: 'failed', reason, pod, message: `${what} for ${formatDuration(time)}` };
  return { outcome: 'progressing', reason, pod, message: `${what} for ${formatDuration(time)} (grace ${formatDuration(rules.graceMs)})` };
}

function unschedulable(pod: KubeObject, name: string, rules: PodRules): PodFinding | undefined {
  const scheduled = findCondition(pod, 'PodScheduled');
  if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') return undefined;
  const since = timeOf(scheduled.lastTransitionTime) ?? timeOf(pod.metadata.creationTimestamp);
  return withGrace(rules, since, 'unschedulable', name, `pod ${name} is unschedulable: ${scheduled.message ?? 'no node fits'}`);
}

function lastExit(status: ContainerStatus): string {
  const last = status.lastState?.['terminated'];
  if (!last) return '';
  const reason = typeof last['reason'] === 'string' ? last['reason'] : 'terminated';
  return `; last exit: ${reason}, code ${String(last['exitCode'] ?? '?')}`;
}

function crashLoop(status: ContainerStatus, name: string, rules: PodRules): PodFinding | undefined {
  const restarts = status.restartCount ?? 0;
  const waiting = status.state?.['waiting']?.['reason'];
  const lastCode = status.lastState?.['terminated']?.['exitCode'];
  const looping = waiting === 'CrashLoopBackOff' || (status.ready === false && restarts > 0 && lastCode !== undefined && lastCode !== 0);
  if (!looping) return undefined;
  const what = `pod ${name}: container "${status.name}" restarted ${restarts} times${lastExit(status)}`;
  if (restarts >= rules.restartThreshold)
    return { outcome: 'failed', reason: 'crash-loop', pod: name, message: `${what} (CrashLoopBackOff)` };
  return { outcome: 'progressing', reason: 'crash-loop', pod: name, message: `${what} (threshold ${rules.restartThreshold})` };
}

function waitingFinding(pod: KubeObject, status: ContainerStatus, name: string, rules: PodRules): PodFinding | undefined {
  const waiting = status.state?.['waiting'];
  const reason = typeof waiting?.['reason'] === 'string' ? waiting['reason'] : '';
  const detail = typeof waiting?.['message'] === 'string' && waiting['message'] ? `: ${waiting['message']}` : '';
  const container = `pod ${name}: container "${status.name}"`;
  if (PULL_FAILURES.has(reason)) {
    return withGrace(
      rules,
      podStartedAt(pod),
      'image-pull',
      name,
      `${container} cannot pull ${status.image ?? 'its image'} (${reason}${detail})`,
    );
  }
  if (NEVER_RUNS.has(reason)) return { outcome: 'failed', reason: 'invalid-image', pod: name, message: `${container}: ${reason}${detail}` };
  if (CONFIG_FAILURES.has(reason)) {
    return withGrace(rules, podStartedAt(pod), 'config-error', name, `${container} cannot start (${reason}${detail})`);
  }
  return undefined;
}

/**
 * What the given pods say, worst first: failures before problems still in their grace. Terminating pods
 * say nothing. Callers pass only the new revision's pods: old pods never fail a rollout.
 */
export function podFindings(pods: readonly KubeObject[], rules: PodRules): PodFinding[] {
  const findings: PodFinding[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name ?? '?';
    const pending = unschedulable(pod, name, rules);
    if (pending) findings.push(pending);
    for (const status of containerStatuses(pod)) {
      const finding = waitingFinding(pod, status, name, rules) ?? crashLoop(status, name, rules);
      if (finding) findings.push(finding);
    }
  }
  return findings.sort((a, b) => Number(b.outcome === 'failed') - Number(a.outcome === 'failed'));
}

/** True when the pod is Ready (all containers ready and the kubelet says so). */
export function podReady(pod: KubeObject): boolean {
  return findCondition(pod, 'Ready')?.status === 'True' && stringAt(pod, 'status.phase') === 'Running';
}

/** Counts for progress lines: how many of the pods are ready. */
export function podCounts(pods: readonly KubeObject[]): { total: number; ready: number } {
  const live = pods.filter((pod) => !pod.metadata.deletionTimestamp);
  return { total: live.length, ready: live.filter(podReady).length };
}

/** The restart count of the pod's busiest container (for details). */
export function maxRestarts(pod: KubeObject): number {
  return Math.max(0, ...containerStatuses(pod).map((s) => numberAt(s, 'restartCount')));
}

/** Image IDs the pod's containers run (`repo@sha256:…`), for the verdict's record. */
export function runningImages(pod: KubeObject): string[] {
  return containerStatuses(pod)
    .map((status) => String(field(status, 'imageID') ?? ''))
    .filter((id) => id.includes('@sha256:'))
    .map((id) => id.replace(/^[a-z-]+:\/\//, ''));
}
