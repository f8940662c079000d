/**
 * A small Deployment controller and kubelet for the Kubernetes API test server: it plays a rolling
 * update (maxSurge 1, maxUnavailable 0, as the defaults round for small replica counts) the way the
 * real controllers write it: a new ReplicaSet with the next `deployment.kubernetes.io/revision`, pods
 * labelled with its `pod-template-hash`, container states as the kubelet reports them, Deployment status
 * counts and conditions, and `ProgressDeadlineExceeded` once `progressDeadlineSeconds` pass without
 * progress. Steps run on a scheduler: the manual clock in tests, real timers in the benchmark.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../src/core/verify/types.ts';
import type { KubeApiServer, KubeObjectDraft, ManualClock } from './kube-api.ts';

/** Runs scenario steps at times. */
export type Scheduler = Pick<ManualClock, 'now' | 'after'>;

/** What the new version does once scheduled. */
export type Behaviour = 'healthy' | 'image-pull' | 'crash-loop' | 'slow';

/** A Deployment to play with. */
export interface App {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
}

/** How the rollout goes. */
export interface RolloutPlan {
  readonly image: string;
  readonly behaviour: Behaviour;
  /** Time for one new pod to become ready (healthy) or between restarts (crash-loop); default 3 s. */
  readonly stepMs?: number;
  /** Default 600 (the API's default). */
  readonly progressDeadlineSeconds?: number;
  /** The digest the node resolves the image to (`imageID`); default derived from the image. */
  readonly digest?: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A pod-template-hash-like value for an image. */
export function templateHash(image: string): string {
  return createHash('sha256').update(image).digest('hex').slice(0, 10);
}

/** A digest for an image, stable per image. */
export function imageDigest(image: string): string {
  return `sha256:${createHash('sha256').update(`digest:${image}`).digest('hex')}`;
}

function condition(type: string, value: string, reason: string, message: string, at: number): Record<string, string> {
  return { type, status: value, reason, message, lastUpdateTime: iso(at), lastTransitionTime: iso(at) };
}

/** A Deployment manifest for `image`. */
export function deploymentManifest(app: App, image: string, progressDeadlineSeconds = 600): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app.name, namespace: app.namespace, labels: { app: app.name } },
    spec: {
      replicas: app.replicas,
      progressDeadlineSeconds,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: app.name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: app.name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

/** A pod of a ReplicaSet, in one of the states the kubelet reports. */
export function podManifest(app: App, rs: KubeObject, image: string, index: number, at: number, digest = imageDigest(image)): KubeObject {
  const hash = rs.metadata.labels?.['pod-template-hash'] ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${index.toString(36).padStart(5, 'x')}`,
      namespace: app.namespace,
      labels: { app: app.name, 'pod-template-hash': hash },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name ?? '', uid: rs.metadata.uid ?? '', controller: true },
      ],
    },
    spec: { containers: [{ name: 'app', image }], nodeName: 'node-1' },
    status: {
      phase: 'Running',
      startTime: iso(at),
      conditions: [condition('PodScheduled', 'True', '', '', at), condition('Ready', 'True', '', '', at)],
      containerStatuses: [
        {
          name: 'app',
          image,
          imageID: `${image.split(':')[0]}@${digest}`,
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: iso(at) } },
        },
      ],
    },
  };
}

function replicaSetManifest(app: App, deployment: KubeObject, image: string, revision: number): KubeObject {
  const hash = templateHash(image);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${app.name}-${hash}`,
      namespace: app.namespace,
      labels: { app: app.name, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name, uid: deployment.metadata.uid ?? '', controller: true },
      ],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: app.name, 'pod-template-hash': hash } },
      template: { metadata: { labels: { app: app.name, 'pod-template-hash': hash } }, spec: { containers: [{ name: 'app', image }] } },
    },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 },
  };
}

/** The pods of the app by ReplicaSet hash. */
function podsOf(api: KubeApiServer, app: App, hash: string): KubeObject[] {
  return api.list('Pod', app.namespace).filter((pod) => pod.metadata.labels?.['pod-template-hash'] === hash);
}

function ready(pod: KubeObject): boolean {
  const conditions = (pod.status?.['conditions'] ?? []) as { type: string; status: string }[];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Rewrites the Deployment's and ReplicaSets' status from the pods, as the controllers do. */
function syncStatus(api: KubeApiServer, app: App, hashes: readonly string[], extra: (d: KubeObjectDraft) => void = () => {}): void {
  const [newHash] = hashes.slice(-1);
  let total = 0;
  let available = 0;
  for (const hash of hashes) {
    const pods = podsOf(api, app, hash);
    total += pods.length;
    available += pods.filter(ready).length;
    api.update('ReplicaSet', app.namespace, `${app.name}-${hash}`, (rs) => {
      rs.spec['replicas'] = pods.length;
      rs.status = {
        replicas: pods.length,
        readyReplicas: pods.filter(ready).length,
        availableReplicas: pods.filter(ready).length,
        observedGeneration: rs.metadata['generation'],
      };
    });
  }
  const updated = podsOf(api, app, newHash!).length;
  api.update('Deployment', app.namespace, app.name, (d) => {
    d.status['observedGeneration'] = d.metadata['generation'];
    d.status['replicas'] = total;
    d.status['updatedReplicas'] = updated;
    d.status['readyReplicas'] = available;
    d.status['availableReplicas'] = available;
    d.status['unavailableReplicas'] = Math.max(0, total - available);
    extra(d);
  });
}

/** Creates the app at `image`, fully rolled out (revision 1). */
export function seedDeployment(api: KubeApiServer, clock: Scheduler, app: App, image: string, plan: Partial<RolloutPlan> = {}): void {
  const deployment = api.create(deploymentManifest(app, image, plan.progressDeadlineSeconds));
  const rs = api.create(replicaSetManifest(app, deployment, image, 1));
  for (let i = 0; i < app.replicas; i++) api.create(podManifest(app, rs, image, i, clock.now()));
  api.update('Deployment', app.namespace, app.name, (d) => {
    d.metadata.annotations = { ...(d.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': '1' };
  });
  syncStatus(api, app, [templateHash(image)], (d) => {
    d.status['conditions'] = [
      condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', clock.now()),
      condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
        clock.now(),
      ),
    ];
  });
}

function setProgressing(d: KubeObjectDraft, value: string, reason: string, message: string, at: number): void {
  const conditions = ((d.status['conditions'] ?? []) as Record<string, string>[]).filter((c) => c['type'] !== 'Progressing');
  d.status['conditions'] = [...conditions, condition('Progressing', value, reason, message, at)];
}

/** Sets the first container's state of a pod, as the kubelet reports it. */
function setContainer(
  api: KubeApiServer,
  app: App,
  pod: string,
  at: number,
  state: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  podReady = false,
): void {
  api.update('Pod', app.namespace, pod, (p) => {
    const statuses = p.status['containerStatuses'] as Record<string, unknown>[];
    statuses[0] = { ...statuses[0], ready: podReady, started: podReady, state, ...extra };
    const conditions = (p.status['conditions'] as Record<string, string>[]).filter((c) => c['type'] !== 'Ready');
    p.status['conditions'] = [
      ...conditions,
      condition(
        'Ready',
        podReady ? 'True' : 'False',
        podReady ? '' : 'ContainersNotReady',
        podReady ? '' : 'containers with unready status: [app]',
        at,
      ),
    ];
  });
}

/** A new pod of the new ReplicaSet, not ready yet (ContainerCreating). */
function createNewPod(api: KubeApiServer, app: App, rs: KubeObject, image: string, index: number, at: number, digest?: string): string {
  const pod = podManifest(app, rs, image, 100 + index, at, digest);
  const statuses = (pod.status as Record<string, unknown>)['containerStatuses'] as Record<string, unknown>[];
  statuses[0] = { ...statuses[0], ready: false, started: false, state: { waiting: { reason: 'ContainerCreating' } } };
  (pod.status as Record<string, unknown>)['conditions'] = [
    condition('PodScheduled', 'True', '', '', at),
    condition('Ready', 'False', 'ContainersNotReady', 'containers with unready status: [app]', at),
  ];
  api.create(pod);
  return pod.metadata.name!;
}

/**
 * Starts a rolling update to `plan.image` now: the Deployment's template changes at once (generation
 * goes up), the controller acts 200 ms later, then the pods behave as `plan.behaviour` says.
 * Resolves the time the rollout's outcome becomes visible ("the flip"): the last pod ready, or the first
 * pull failure reported.
 */
export function startRollout(api: KubeApiServer, scheduler: Scheduler, app: App, plan: RolloutPlan): { flipAt: number } {
  const step = plan.stepMs ?? 3000;
  const current = api.read('Deployment', app.namespace, app.name)!;
  const oldImage = (current.spec!['template'] as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image;
  const oldHash = templateHash(oldImage);
  const newHash = templateHash(plan.image);
  api.update('Deployment', app.namespace, app.name, (d) => {
    (d.spec['template'] as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image = plan.image;
  });
  const start = scheduler.now();
  const deployment = api.read('Deployment', app.namespace, app.name)!;
  let flipAt = start;
  scheduler.after(200, () => {
    const rs = api.create(replicaSetManifest(app, deployment, plan.image, 2));
    api.update('Deployment', app.namespace, app.name, (d) => {
      d.metadata.annotations = { ...(d.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': '2' };
    });
    const first = createNewPod(api, app, rs, plan.image, 0, scheduler.now(), plan.digest);
    syncStatus(api, app, [oldHash, newHash], (d) =>
      setProgressing(d, 'True', 'ReplicaSetUpdated', `ReplicaSet "${rs.metadata.name}" is progressing.`, scheduler.now()),
    );
    behave(api, scheduler, app, plan, { rs, first, oldHash, newHash, step });
  });
  if (plan.behaviour === 'healthy') flipAt = start + 200 + step * app.replicas;
  if (plan.behaviour === 'image-pull') flipAt = start + 200 + 1000;
  return { flipAt };
}

interface Rolling {
  readonly rs: KubeObject;
  readonly first: string;
  readonly oldHash: string;
  readonly newHash: string;
  readonly step: number;
}

function behave(api: KubeApiServer, scheduler: Scheduler, app: App, plan: RolloutPlan, r: Rolling): void {
  if (plan.behaviour === 'healthy' || plan.behaviour === 'slow') healthySteps(api, scheduler, app, plan, r, 0, r.first);
  else if (plan.behaviour === 'image-pull') imagePull(api, scheduler, app, plan, r);
  else crashLoop(api, scheduler, app, r, 0);
}

function healthySteps(api: KubeApiServer, scheduler: Scheduler, app: App, plan: RolloutPlan, r: Rolling, index: number, pod: string): void {
  scheduler.after(r.step, () => {
    setContainer(api, app, pod, scheduler.now(), { running: { startedAt: iso(scheduler.now()) } }, {}, true);
    const old = podsOf(api, app, r.oldHash);
    if (old.length > 0) api.remove('Pod', app.namespace, old[0]!.metadata.name!);
    const done = index + 1 >= app.replicas;
    const next = done ? undefined : createNewPod(api, app, r.rs, plan.image, index + 1, scheduler.now(), plan.digest);
    syncStatus(api, app, [r.oldHash, r.newHash], (d) => {
      const message = done
        ? `ReplicaSet "${r.rs.metadata.name}" has successfully progressed.`
        : `ReplicaSet "${r.rs.metadata.name}" is progressing.`;
      setProgressing(d, 'True', done ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message, scheduler.now());
    });
    if (next) healthySteps(api, scheduler, app, plan, r, index + 1, next);
  });
}

function imagePull(api: KubeApiServer, scheduler: Scheduler, app: App, plan: RolloutPlan, r: Rolling): void {
  const message = `Back-off pulling image "${plan.image}"`;
  scheduler.after(1000, () => {
    setContainer(
      api,
      app,
      r.first,
      scheduler.now(),
      {
        waiting: {
          reason: 'ErrImagePull',
          message: `rpc error: code = NotFound desc = failed to pull and unpack image "${plan.image}": not found`,
        },
      },
      { imageID: '' },
    );
  });
  scheduler.after(6000, () =>
    setContainer(api, app, r.first, scheduler.now(), { waiting: { reason: 'ImagePullBackOff', message } }, { imageID: '' }),
  );
  const deadline = (plan.progressDeadlineSeconds ?? 600) * 1000;
  scheduler.after(deadline + 200, () => {
    syncStatus(api, app, [r.oldHash, r.newHash], (d) =>
      setProgressing(
        d,
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${r.rs.metadata.name}" has timed out progressing.`,
        scheduler.now(),
      ),
    );
  });
}

function crashLoop(api: KubeApiServer, scheduler: Scheduler, app: App, r: Rolling, restarts: number): void {
  const backoff = restarts === 0 ? 2000 : Math.min(300_000, 10_000 * 2 ** (restarts - 1));
  scheduler.after(backoff, () => {
    const lastState = {
      terminated: { exitCode: 1, reason: 'Error', startedAt: iso(scheduler.now() - 1000), finishedAt: iso(scheduler.now()) },
    };
    const state =
      restarts === 0
        ? { running: { startedAt: iso(scheduler.now()) } }
        : { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff / 1000}s restarting failed container=app` } };
    setContainer(api, app, r.first, scheduler.now(), state, { restartCount: restarts, lastState: restarts === 0 ? {} : lastState });
    crashLoop(api, scheduler, app, r, restarts + 1);
  });
}
