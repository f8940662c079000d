/**
 * The `kubernetes` provider: reads a workload, its ReplicaSets or ControllerRevisions and its pods from
 * the API, and leaves the judgement to core/verify. One probe per named target; a selector probe finds
 * the workloads a label selector matches each time it looks.
 */
import { assessConditions } from '../../core/verify/generic.ts';
import type { Related } from '../../core/verify/new-revision.ts';
import { type TargetRef, targetLabel } from '../../core/verify/targets.ts';
import type { Assessment, KubeObject } from '../../core/verify/types.ts';
import { assessWorkload, WORKLOAD_KINDS, type WorkloadRules } from '../../core/verify/workloads.ts';
import type { Clock } from './clock.ts';
import type { KubeApi } from './kube-http.ts';
import { BUILT_IN, collectionPath, objectPath, type ResourceCatalog, type ResourceType } from './kube-resources.ts';
import { type LabelSelector, selectorQuery } from './kube-selector.ts';
import { WatchSet } from './kube-watch.ts';
import type { Observation, Probe } from './probe.ts';

/** What the kubernetes probes share. */
export interface KubernetesContext {
  readonly api: KubeApi;
  readonly catalog: ResourceCatalog;
  readonly clock: Clock;
  readonly rules: Omit<WorkloadRules, 'now'>;
}

/** A list as the API serves it. */
interface List {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly items?: KubeObject[];
}

/** One look at a workload: the object, what it owns, the cluster's time, and where watches start. */
interface Snapshot {
  readonly object?: KubeObject;
  readonly related: Related;
  readonly now: number;
  readonly selector: string;
  readonly versions: Readonly<Record<string, string | undefined>>;
}

function isWorkload(kind: string): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

async function list(
  ctx: KubernetesContext,
  type: ResourceType,
  namespace: string,
  selector: string,
): Promise<{ items: KubeObject[]; version?: string; date?: number }> {
  const response = await ctx.api.get<List>(collectionPath(type, namespace), { labelSelector: selector || undefined });
  return {
    items: response.body.items ?? [],
    version: response.body.metadata?.resourceVersion,
    ...(response.date ? { date: response.date } : {}),
  };
}

/** Reads what a workload's verdict needs, given the object itself. */
async function relatedOf(
  ctx: KubernetesContext,
  kind: string,
  object: KubeObject,
  namespace: string,
  date: number | undefined,
): Promise<Snapshot> {
  const selector = selectorQuery(object.spec?.['selector'] as LabelSelector | undefined);
  // Why: an empty selector would list every pod of the namespace; a workload without one owns none.
  if (selector === '') return { object, related: { pods: [] }, now: date ?? ctx.clock.now(), selector, versions: {} };
  const pods = await list(ctx, BUILT_IN['Pod']!, namespace, selector);
  const owned = kind === 'Deployment' ? BUILT_IN['ReplicaSet'] : kind === 'DaemonSet' ? BUILT_IN['ControllerRevision'] : undefined;
  const ownedList = owned ? await list(ctx, owned, namespace, selector) : undefined;
  const related: Related = {
    pods: pods.items,
    ...(kind === 'Deployment' ? { replicaSets: ownedList?.items ?? [] } : {}),
    ...(kind === 'DaemonSet' ? { controllerRevisions: ownedList?.items ?? [] } : {}),
  };
  const now = pods.date ?? date ?? ctx.clock.now();
  return { object, related, now, selector, versions: { pods: pods.version, owned: ownedList?.version } };
}

function judge(ctx: KubernetesContext, kind: string, snapshot: Snapshot, name: string): Assessment {
  if (!isWorkload(kind)) return assessConditions(kind, snapshot.object, name);
  return assessWorkload(kind, snapshot.object, snapshot.related, { ...ctx.rules, now: snapshot.now }, name);
}

function watchWorkload(watches: WatchSet, kind: string, namespace: string, snapshot: Snapshot): void {
  if (!isWorkload(kind) || snapshot.selector === '') return;
  watches.add(collectionPath(BUILT_IN['Pod']!, namespace), { labelSelector: snapshot.selector }, snapshot.versions['pods']);
  const owned = kind === 'Deployment' ? BUILT_IN['ReplicaSet'] : kind === 'DaemonSet' ? BUILT_IN['ControllerRevision'] : undefined;
  if (owned) watches.add(collectionPath(owned, namespace), { labelSelector: snapshot.selector }, snapshot.versions['owned']);
}

/** One named workload or resource. */
export class TargetProbe implements Probe {
  readonly label: string;
  readonly #ctx: KubernetesContext;
  readonly #target: TargetRef & { readonly name: string };
  readonly #namespace: string;
  #type?: ResourceType;
  #last?: Snapshot;
  #watches?: WatchSet;
  #ownedWatched = false;

  constructor(ctx: KubernetesContext, target: TargetRef & { readonly name: string }, namespace: string) {
    this.#ctx = ctx;
    this.#target = target;
    this.#namespace = target.namespace ?? namespace;
    this.label = targetLabel(target, this.#namespace);
  }

  async #read(): Promise<{ type: ResourceType; snapshot: Snapshot }> {
    this.#type ??= await this.#ctx.catalog.resolve(this.#target);
    const type = this.#type;
    const response = await this.#ctx.api.getOptional<KubeObject>(objectPath(type, this.#namespace, this.#target.name));
    const object = response.body;
    if (object && isWorkload(type.kind))
      return { type, snapshot: await relatedOf(this.#ctx, type.kind, object, this.#namespace, response.date) };
    const now = response.date ?? this.#ctx.clock.now();
    return { type, snapshot: { related: { pods: [] }, now, selector: '', versions: {}, ...(object ? { object } : {}) } };
  }

  async observe(): Promise<Observation[]> {
    const { type, snapshot } = await this.#read();
    this.#last = snapshot;
    this.#watchOwned();
    return [{ target: this.label, ...judge(this.#ctx, type.kind, snapshot, this.#target.name) }];
  }

  /** Watches the pods (and ReplicaSets) once the workload, and so its selector, is known. */
  #watchOwned(): void {
    if (!this.#watches || this.#ownedWatched || !this.#type || !this.#last?.object) return;
    this.#ownedWatched = true;
    watchWorkload(this.#watches, this.#type.kind, this.#namespace, this.#last);
  }

  watch(changed: () => void): void {
    if (!this.#type) return;
    this.#watches = new WatchSet(this.#ctx.api, changed);
    this.#watches.add(
      collectionPath(this.#type, this.#namespace),
      { fieldSelector: `metadata.name=${this.#target.name}` },
      this.#last?.object?.metadata.resourceVersion,
    );
    this.#watchOwned();
  }

  close(): void {
    this.#watches?.stop();
  }
}

/** The workloads of some kinds that a label selector matches, found anew at each look. */
export class SelectorProbe implements Probe {
  readonly label: string;
  readonly #ctx: KubernetesContext;
  readonly #kinds: readonly TargetRef[];
  readonly #selector: string;
  readonly #namespace: string;
  #found: { kind: string; snapshot: Snapshot }[] = [];
  #versions = new Map<string, string | undefined>();
  #watches?: WatchSet;

  constructor(ctx: KubernetesContext, kinds: readonly TargetRef[], selector: string, namespace: string) {
    this.#ctx = ctx;
    this.#kinds = kinds;
    this.#selector = selector;
    this.#namespace = namespace;
    this.label = `${kinds.map((k) => k.kind.toLowerCase()).join(', ')} with ${selector} in ${namespace}`;
  }

  async #readKind(target: TargetRef): Promise<{ kind: string; snapshot: Snapshot }[]> {
    const type = await this.#ctx.catalog.resolve(target);
    const found = await list(this.#ctx, type, this.#namespace, this.#selector);
    this.#versions.set(collectionPath(type, this.#namespace), found.version);
    const snapshots = await Promise.all(found.items.map((object) => relatedOf(this.#ctx, type.kind, object, this.#namespace, found.date)));
    return snapshots.map((snapshot) => ({ kind: type.kind, snapshot }));
  }

  async observe(): Promise<Observation[]> {
    this.#found = (await Promise.all(this.#kinds.map((kind) => this.#readKind(kind)))).flat();
    const observations = this.#found
      .map(({ kind, snapshot }) => ({
        target: `${kind.toLowerCase()}/${this.#namespace}/${snapshot.object?.metadata.name}`,
        ...judge(this.#ctx, kind, snapshot, '?'),
      }))
      .filter((o) => o.reason !== 'image-not-used');
    if (observations.length > 0) return observations;
    const what = this.#ctx.rules.expectedImage ? ' that runs the expected image' : '';
    return [
      {
        target: this.label,
        outcome: 'progressing',
        reason: 'not-found',
        message:
          `no ${this.#kinds.map((k) => k.kind.toLowerCase()).join(', ')}${what} matches ${this.#selector} in namespace ` +
          `${this.#namespace} (yet)`,
      },
    ];
  }

  watch(changed: () => void): void {
    this.#watches = new WatchSet(this.#ctx.api, changed);
    for (const [path, version] of this.#versions) this.#watches.add(path, { labelSelector: this.#selector }, version);
    for (const { kind, snapshot } of this.#found) watchWorkload(this.#watches, kind, this.#namespace, snapshot);
  }

  close(): void {
    this.#watches?.stop();
  }
}
