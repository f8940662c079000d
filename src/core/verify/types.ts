/**
 * The shapes verify reads (Kubernetes objects as the API serves them in JSON) and the judgement it
 * gives. Only the fields the rules read are typed; everything else passes through untouched.
 */

/** A `metav1.Condition` or an older per-kind condition (`DeploymentCondition`, `PodCondition`, …). */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown' | string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
  readonly lastUpdateTime?: string;
  readonly observedGeneration?: number;
}

/** An owner reference, to tell which ReplicaSets and ControllerRevisions a workload owns. */
export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

/** `metadata` as the API serves it. */
export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly generation?: number;
  readonly resourceVersion?: string;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

/** Any Kubernetes object: the rules read `spec` and `status` per kind. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly status?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/**
 * What a target's state means, in Kargo's three outcomes: done and good, still moving (look again
 * later), or failed for good (stop now).
 */
export type Outcome = 'healthy' | 'progressing' | 'failed';

/**
 * Why a target is where it is, as a stable machine word (`image-pull`, `crash-loop`, `paused`, …) for
 * outputs and notes, next to a sentence for people.
 */
export interface Assessment {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly message: string;
  /** Facts for the `details` output: counts, revisions, images, the last messages seen. */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** Builds an {@link Assessment}. */
export function assess(outcome: Outcome, reason: string, message: string, facts?: Record<string, unknown>): Assessment {
  return facts === undefined ? { outcome, reason, message } : { outcome, reason, message, facts };
}

/** `deployment/web` or `deployment/prod/web`: how a target is named in messages. */
export function objectLabel(kind: string, meta: Pick<ObjectMeta, 'name' | 'namespace'>): string {
  return `${kind.toLowerCase()}/${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '?'}`;
}
