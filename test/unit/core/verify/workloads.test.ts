/**
 * Baton's rules on top of kubectl's: fast failure from the new revision's pods, old pods ignored, paused,
 * OnDelete, deletion, Jobs, Argo Rollouts and the expected image.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseImageRef } from '../../../../src/core/image-ref.ts';
import type { Related } from '../../../../src/core/verify/new-revision.ts';
import type { Assessment, KubeObject } from '../../../../src/core/verify/types.ts';
import { assessWorkload, type WorkloadRules } from '../../../../src/core/verify/workloads.ts';
import { ago, deployment, NOW, pod, type PodShape, replicaSet } from '../../../helpers/verify-fixtures.ts';

const RULES: WorkloadRules = { now: NOW, graceMs: 60_000, restartThreshold: 3 };
const OLD = replicaSet('old111', '1');
const NEW = replicaSet('new222', '2');

function rolling(pods: KubeObject[], shape = {}, rs = [OLD, NEW]): Assessment {
  const related: Related = { pods, replicaSets: rs };
  return assessWorkload('Deployment', deployment({ updated: 1, available: 3, total: 4, ...shape }), related, RULES);
}

function expectOutcome(result: Assessment, outcome: string, reason: string, pattern?: RegExp): void {
  assert.equal(result.outcome, outcome, result.message);
  assert.equal(result.reason, reason, result.message);
  if (pattern) assert.match(result.message, pattern);
}

describe("fast failure from the new revision's pods", () => {
  const cases: [string, PodShape, string, string, RegExp?][] = [
    [
      'ImagePullBackOff inside the grace waits',
      { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' }, scheduledAgo: 30 },
      'progressing',
      'progressing',
      /cannot pull .* for 30s \(grace 1m\)/,
    ],
    [
      'ImagePullBackOff past the grace fails',
      { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' }, scheduledAgo: 61 },
      'failed',
      'image-pull',
      /cannot pull ghcr.io\/acme\/web:1.1.0 \(ImagePullBackOff: Back-off pulling image\) for 1m1s/,
    ],
    [
      'ErrImagePull past the grace fails',
      { waiting: { reason: 'ErrImagePull', message: 'not found' }, scheduledAgo: 90 },
      'failed',
      'image-pull',
      /ErrImagePull: not found/,
    ],
    [
      'an init container that cannot pull fails too',
      { waiting: { reason: 'ErrImagePull' }, scheduledAgo: 90, init: true },
      'failed',
      'image-pull',
    ],
    [
      'InvalidImageName fails at once',
      { waiting: { reason: 'InvalidImageName', message: "couldn't parse image" }, scheduledAgo: 1 },
      'failed',
      'invalid-image',
    ],
    ['ErrImageNeverPull fails at once', { waiting: { reason: 'ErrImageNeverPull' }, scheduledAgo: 1 }, 'failed', 'invalid-image'],
    [
      'CreateContainerConfigError inside the grace waits (the Secret may come)',
      { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db" not found' }, scheduledAgo: 10 },
      'progressing',
      'progressing',
      /secret "db" not found/,
    ],
    [
      'CreateContainerConfigError past the grace fails',
      { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db" not found' }, scheduledAgo: 75 },
      'failed',
      'config-error',
      /secret "db" not found/,
    ],
    [
      'CrashLoopBackOff under the restart threshold waits',
      { waiting: { reason: 'CrashLoopBackOff' }, restarts: 2, lastExit: 1 },
      'progressing',
      'progressing',
      /restarted 2 times; last exit: Error, code 1/,
    ],
    [
      'CrashLoopBackOff at the restart threshold fails',
      { waiting: { reason: 'CrashLoopBackOff' }, restarts: 3, lastExit: 1 },
      'failed',
      'crash-loop',
      /restarted 3 times; last exit: Error, code 1 \(CrashLoopBackOff\)/,
    ],
    [
      'OOMKilled, running again but not ready, past the threshold fails',
      { restarts: 4, lastExit: 137, ready: false },
      'failed',
      'crash-loop',
      /OOMKilled, code 137/,
    ],
    [
      'Unschedulable inside the window waits',
      { unschedulableAgo: 20 },
      'progressing',
      'progressing',
      /unschedulable: 0\/3 nodes are available/,
    ],
    ['Unschedulable past the window fails', { unschedulableAgo: 65 }, 'failed', 'unschedulable', /3 Insufficient cpu/],
    ['ContainerCreating is just progress', { running: false, scheduledAgo: 5 }, 'progressing', 'progressing'],
  ];
  for (const [name, shape, outcome, reason, pattern] of cases) {
    test(name, () =>
      expectOutcome(
        rolling([pod('old111'), pod('old111', { name: 'old-2' }), pod('old111', { name: 'old-3' }), pod('new222', shape)]),
        outcome,
        reason,
        pattern,
      ),
    );
  }

  test('a terminating new pod says nothing', () => {
    expectOutcome(
      rolling([pod('new222', { waiting: { reason: 'ImagePullBackOff' }, scheduledAgo: 300, deleting: true })]),
      'progressing',
      'progressing',
    );
  });

  test("grace is measured from the pod's scheduling, against the cluster's clock", () => {
    const stuck = pod('new222', { waiting: { reason: 'ImagePullBackOff' }, scheduledAgo: 45 });
    expectOutcome(rolling([stuck]), 'progressing', 'progressing');
    const later = assessWorkload(
      'Deployment',
      deployment({ updated: 1 }),
      { pods: [stuck], replicaSets: [OLD, NEW] },
      { ...RULES, now: NOW + 20_000 },
    );
    expectOutcome(later, 'failed', 'image-pull');
  });
});

describe('old pods never fail a rollout', () => {
  test('old revision crash-looping while the new one rolls out: progressing', () => {
    const old = pod('old111', { waiting: { reason: 'CrashLoopBackOff' }, restarts: 50, lastExit: 1 });
    expectOutcome(rolling([old, pod('new222', { running: false })]), 'progressing', 'progressing');
  });
  test('old revision stuck in ImagePullBackOff, new revision done: healthy', () => {
    const old = pod('old111', { waiting: { reason: 'ImagePullBackOff' }, scheduledAgo: 3600 });
    expectOutcome(
      rolling([old, pod('new222'), pod('new222', { name: 'n2' }), pod('new222', { name: 'n3' })], { updated: 3, available: 3, total: 3 }),
      'healthy',
      'rolled-out',
    );
  });
  test('pods of a ReplicaSet another Deployment owns are not the new revision', () => {
    const foreign = {
      ...NEW,
      metadata: { ...NEW.metadata, ownerReferences: [{ kind: 'Deployment', name: 'other', uid: 'x', controller: true }] },
    };
    expectOutcome(rolling([pod('new222', { waiting: { reason: 'InvalidImageName' } })], {}, [OLD, foreign]), 'progressing', 'progressing');
  });
});

describe('Deployment verdicts', () => {
  test('progress deadline exceeded fails', () => {
    expectOutcome(
      rolling([], { progressing: { status: 'False', reason: 'ProgressDeadlineExceeded' } }),
      'failed',
      'progress-deadline',
      /exceeded its progress deadline/,
    );
  });
  test('ReplicaSet ReplicaFailure fails', () => {
    const failing = replicaSet('new222', '2', [
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-x" is forbidden: exceeded quota: compute' },
    ]);
    expectOutcome(rolling([], { updated: 0 }, [OLD, failing]), 'failed', 'replica-failure', /exceeded quota/);
  });
  test('paused with the rollout unfinished gets its own verdict', () => {
    expectOutcome(rolling([], { paused: true, updated: 0 }), 'failed', 'paused', /kubectl rollout resume deployment\/web -n prod/);
  });
  test('paused but fully rolled out is healthy', () => {
    expectOutcome(rolling([], { paused: true, updated: 3, available: 3, total: 3 }), 'healthy', 'rolled-out');
  });
  test('being deleted fails', () => {
    expectOutcome(rolling([], { deletion: ago(5) }), 'failed', 'deleting', /being deleted/);
  });
  test('not found yet is progressing', () => {
    expectOutcome(assessWorkload('Deployment', undefined, { pods: [] }, RULES, 'web'), 'progressing', 'not-found');
  });
  test('generation not observed: waiting, pods not judged yet', () => {
    const stale = assessWorkload(
      'Deployment',
      deployment({ generation: 3, observed: 2, revision: '2' }),
      { pods: [pod('new222', { waiting: { reason: 'InvalidImageName' } })], replicaSets: [OLD, NEW] },
      RULES,
    );
    expectOutcome(stale, 'progressing', 'progressing', /spec update to be observed/);
  });
  test("progress lines read like kubectl's", () => {
    expectOutcome(
      rolling([], { updated: 3, available: 2, total: 3 }),
      'progressing',
      'progressing',
      /deployment\/prod\/web: 2 of 3 updated replicas are available$/,
    );
  });
});

describe('expected image', () => {
  const image = (text: string): WorkloadRules => ({ ...RULES, expectedImage: parseImageRef(text) });
  const done = deployment({ image: 'ghcr.io/acme/web:1.1.0' });
  const digest = `sha256:${'a'.repeat(64)}`;
  test('the template still has the old tag: waiting for the GitOps tool', () => {
    expectOutcome(
      assessWorkload('Deployment', done, { pods: [], replicaSets: [NEW] }, image('ghcr.io/acme/web:1.2.0')),
      'progressing',
      'waiting-for-image',
      /still runs ghcr.io\/acme\/web:1.1.0/,
    );
  });
  test('no container of that repository: failed', () => {
    expectOutcome(
      assessWorkload('Deployment', done, { pods: [], replicaSets: [NEW] }, image('ghcr.io/acme/api:1.1.0')),
      'failed',
      'image-not-used',
    );
  });
  test('tag matches and the node pulled the expected digest: healthy', () => {
    const pods = [pod('new222', { imageID: `ghcr.io/acme/web@${digest}` })];
    expectOutcome(
      assessWorkload('Deployment', done, { pods, replicaSets: [OLD, NEW] }, image(`ghcr.io/acme/web:1.1.0@${digest}`)),
      'healthy',
      'rolled-out',
    );
  });
  test('tag matches but the node runs another digest: failed', () => {
    const pods = [pod('new222', { imageID: `docker-pullable://ghcr.io/acme/web@sha256:${'b'.repeat(64)}` })];
    expectOutcome(
      assessWorkload('Deployment', done, { pods, replicaSets: [OLD, NEW] }, image(`ghcr.io/acme/web:1.1.0@${digest}`)),
      'failed',
      'image-mismatch',
      /runs sha256:bbbbbbbbbbbb/,
    );
  });
  test('Docker Hub names are normalised (nginx = docker.io/library/nginx)', () => {
    const hub = deployment({ image: 'docker.io/library/nginx:1.27' });
    expectOutcome(assessWorkload('Deployment', hub, { pods: [], replicaSets: [NEW] }, image('nginx:1.27')), 'healthy', 'rolled-out');
  });
});

function statefulSet(spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return {
    metadata: { name: 'db', namespace: 'prod', generation: 2, uid: 's1' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, ...spec },
    status: { observedGeneration: 2, ...status },
  };
}

describe('StatefulSet and DaemonSet', () => {
  const dbPod = (hash: string, shape: PodShape = {}) => pod(hash, { labels: { app: 'db', 'controller-revision-hash': hash }, ...shape });
  test('partitioned rollout complete above the partition is healthy', () => {
    const sts = statefulSet(
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      { replicas: 3, readyReplicas: 3, updatedReplicas: 1, updateRevision: 'db-2' },
    );
    expectOutcome(assessWorkload('StatefulSet', sts, { pods: [dbPod('db-2')] }, RULES), 'healthy', 'rolled-out');
  });
  test('a crash-looping pod of the update revision fails; one of the current revision does not', () => {
    const sts = statefulSet({}, { replicas: 3, readyReplicas: 2, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' });
    const crash = { waiting: { reason: 'CrashLoopBackOff' }, restarts: 5, lastExit: 2 };
    expectOutcome(assessWorkload('StatefulSet', sts, { pods: [dbPod('db-1', crash), dbPod('db-2')] }, RULES), 'progressing', 'progressing');
    expectOutcome(assessWorkload('StatefulSet', sts, { pods: [dbPod('db-1'), dbPod('db-2', crash)] }, RULES), 'failed', 'crash-loop');
  });
  test('OnDelete with old pods left gets its own verdict', () => {
    const sts = statefulSet(
      { updateStrategy: { type: 'OnDelete' } },
      { replicas: 3, readyReplicas: 3, updatedReplicas: 1, updateRevision: 'db-2' },
    );
    expectOutcome(assessWorkload('StatefulSet', sts, { pods: [] }, RULES), 'failed', 'on-delete', /1 of 3 pods run the new revision/);
  });
  test('OnDelete with every pod replaced is healthy', () => {
    const sts = statefulSet(
      { updateStrategy: { type: 'OnDelete' } },
      { replicas: 3, readyReplicas: 3, updatedReplicas: 3, updateRevision: 'db-2' },
    );
    expectOutcome(assessWorkload('StatefulSet', sts, { pods: [] }, RULES), 'healthy', 'rolled-out');
  });
  test('DaemonSet: the newest ControllerRevision marks the new pods', () => {
    const ds: KubeObject = {
      metadata: { name: 'agent', namespace: 'prod', generation: 4, uid: 'ds1' },
      spec: { selector: { matchLabels: { app: 'agent' } } },
      status: { observedGeneration: 4, desiredNumberScheduled: 2, updatedNumberScheduled: 1, numberAvailable: 1 },
    };
    const revision = (hash: string, n: number): KubeObject => ({
      metadata: {
        name: `agent-${hash}`,
        labels: { 'controller-revision-hash': hash },
        ownerReferences: [{ kind: 'DaemonSet', name: 'agent', uid: 'ds1' }],
      },
      revision: n,
    });
    const agentPod = (hash: string, shape: PodShape) => pod(hash, { labels: { app: 'agent', 'controller-revision-hash': hash }, ...shape });
    const related = {
      pods: [
        agentPod('aaa', { waiting: { reason: 'ImagePullBackOff' }, scheduledAgo: 600 }),
        agentPod('bbb', { waiting: { reason: 'ImagePullBackOff' }, scheduledAgo: 90 }),
      ],
      controllerRevisions: [revision('aaa', 3), revision('bbb', 4)],
    };
    expectOutcome(assessWorkload('DaemonSet', ds, related, RULES), 'failed', 'image-pull', /web-bbb-abcde/);
  });
  test('DaemonSet OnDelete unfinished gets its own verdict', () => {
    const ds: KubeObject = {
      metadata: { name: 'agent', namespace: 'prod', generation: 2 },
      spec: { updateStrategy: { type: 'OnDelete' } },
      status: { observedGeneration: 2, desiredNumberScheduled: 4, updatedNumberScheduled: 1, numberAvailable: 4 },
    };
    expectOutcome(assessWorkload('DaemonSet', ds, { pods: [] }, RULES), 'failed', 'on-delete');
  });
});

describe('Jobs', () => {
  const job = (conditions: unknown[], spec = {}): KubeObject => ({
    metadata: { name: 'migrate', namespace: 'prod', generation: 1, uid: 'j1' },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'j1' } }, ...spec },
    status: { conditions, active: 1, succeeded: 0, failed: 1 },
  });
  test('Complete is healthy', () =>
    expectOutcome(assessWorkload('Job', job([{ type: 'Complete', status: 'True' }]), { pods: [] }, RULES), 'healthy', 'rolled-out'));
  test('Failed fails with the reason', () =>
    expectOutcome(
      assessWorkload(
        'Job',
        job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]),
        { pods: [] },
        RULES,
      ),
      'failed',
      'job-failed',
      /BackoffLimitExceeded/,
    ));
  test('suspended gets its own verdict', () =>
    expectOutcome(assessWorkload('Job', job([], { suspend: true }), { pods: [] }, RULES), 'failed', 'suspended'));
  test('running shows counts', () =>
    expectOutcome(assessWorkload('Job', job([]), { pods: [] }, RULES), 'progressing', 'progressing', /1 active, 0 succeeded, 1 failed/));
});

describe('Argo Rollouts', () => {
  const rollout = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject => ({
    metadata: { name: 'web', namespace: 'prod', generation: 5 },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, ...spec },
    status: { observedGeneration: '5', currentPodHash: 'h2', ...status },
  });
  test('Healthy with stableRS = currentPodHash', () =>
    expectOutcome(assessWorkload('Rollout', rollout({ phase: 'Healthy', stableRS: 'h2' }), { pods: [] }, RULES), 'healthy', 'rolled-out'));
  test('Degraded fails', () =>
    expectOutcome(
      assessWorkload(
        'Rollout',
        rollout({ phase: 'Degraded', message: 'RolloutAborted: metric "errors" assessed Failed' }),
        { pods: [] },
        RULES,
      ),
      'failed',
      'degraded',
      /assessed Failed/,
    ));
  test('aborted fails', () =>
    expectOutcome(
      assessWorkload(
        'Rollout',
        rollout({ phase: 'Degraded', abort: true, message: 'Rollout aborted update to revision 3' }),
        { pods: [] },
        RULES,
      ),
      'failed',
      'aborted',
    ));
  test('a canary pause without duration waits for a human: own verdict', () => {
    const steps = [{ setWeight: 20 }, { pause: {} }];
    expectOutcome(
      assessWorkload(
        'Rollout',
        rollout(
          { phase: 'Paused', currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep' }] },
          { strategy: { canary: { steps } } },
        ),
        { pods: [] },
        RULES,
      ),
      'failed',
      'paused',
      /promote/,
    );
  });
  test('a timed canary pause is progress', () => {
    const steps = [{ setWeight: 20 }, { pause: { duration: '1m' } }];
    expectOutcome(
      assessWorkload(
        'Rollout',
        rollout(
          { phase: 'Paused', currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep' }] },
          { strategy: { canary: { steps } } },
        ),
        { pods: [] },
        RULES,
      ),
      'progressing',
      'progressing',
    );
  });
  test('observedGeneration is a string in Argo Rollouts', () => {
    expectOutcome(
      assessWorkload('Rollout', rollout({ observedGeneration: '4', phase: 'Healthy', stableRS: 'h2' }), { pods: [] }, RULES),
      'progressing',
      'progressing',
      /to be observed/,
    );
  });
});
