/**
 * kubectl's rollout_status tables (kubectl/pkg/polymorphichelpers/rollout_status_test.go), case by case,
 * plus the paths its tables leave out (progress deadline, unset spec.replicas, partition without
 * rollingUpdate fields, revision mismatch).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  daemonSetRolloutStatus,
  deploymentRolloutStatus,
  type RolloutStatus,
  statefulSetRolloutStatus,
} from '../../../../src/core/verify/rollout-status.ts';
import type { KubeObject } from '../../../../src/core/verify/types.ts';

function object(generation: number, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'foo', namespace: 'bar', generation }, spec, status };
}

function expectStatus(actual: RolloutStatus, expected: Partial<RolloutStatus>): void {
  assert.deepEqual(
    { done: actual.done, message: actual.message, ...(actual.error ? { error: actual.error } : {}) },
    { message: '', ...expected },
  );
}

describe('Deployment (kubectl DeploymentStatusViewer)', () => {
  const cases: [string, number, number | undefined, Record<string, unknown>, Partial<RolloutStatus>][] = [
    [
      'test1: 0 of 1 updated',
      0,
      1,
      { observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 1 },
      { done: false, message: 'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...' },
    ],
    [
      'test2: old replicas pending termination',
      1,
      1,
      { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 },
      { done: false, message: 'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...' },
    ],
    [
      'test3: updated not all available',
      1,
      2,
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 1 },
      { done: false, message: 'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...' },
    ],
    [
      'test4: successfully rolled out',
      1,
      2,
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      { done: true, message: 'deployment "foo" successfully rolled out' },
    ],
    [
      'test5: spec update not observed',
      2,
      2,
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      { done: false, message: 'Waiting for deployment spec update to be observed...' },
    ],
    [
      'spec.replicas unset: the replicas check is skipped',
      1,
      undefined,
      { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
      { done: true, message: 'deployment "foo" successfully rolled out' },
    ],
    ['scaled to zero is done', 3, 0, { observedGeneration: 3 }, { done: true, message: 'deployment "foo" successfully rolled out' }],
  ];
  for (const [name, generation, replicas, status, expected] of cases) {
    test(name, () =>
      expectStatus(deploymentRolloutStatus(object(generation, replicas === undefined ? {} : { replicas }, status)), expected),
    );
  }

  test('progress deadline exceeded is an error, not a wait', () => {
    const status = {
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 1,
      availableReplicas: 2,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    };
    expectStatus(deploymentRolloutStatus(object(2, { replicas: 3 }, status)), {
      done: false,
      error: 'deployment "foo" exceeded its progress deadline',
    });
  });

  test('a deadline condition of an unobserved generation does not count yet', () => {
    const status = { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] };
    expectStatus(deploymentRolloutStatus(object(2, { replicas: 3 }, status)), {
      done: false,
      message: 'Waiting for deployment spec update to be observed...',
    });
  });
});

describe('DaemonSet (kubectl DaemonSetStatusViewer)', () => {
  const rolling = { updateStrategy: { type: 'RollingUpdate' } };
  const cases: [string, number, Record<string, unknown>, Partial<RolloutStatus>][] = [
    [
      'test1: 0 of 1 updated',
      0,
      { observedGeneration: 1, updatedNumberScheduled: 0, desiredNumberScheduled: 1, numberAvailable: 0 },
      { done: false, message: 'Waiting for daemon set "foo" rollout to finish: 0 out of 1 new pods have been updated...' },
    ],
    [
      'test2: 1 of 2 available',
      1,
      { observedGeneration: 1, updatedNumberScheduled: 2, desiredNumberScheduled: 2, numberAvailable: 1 },
      { done: false, message: 'Waiting for daemon set "foo" rollout to finish: 1 of 2 updated pods are available...' },
    ],
    [
      'test3: rolled out',
      1,
      { observedGeneration: 1, updatedNumberScheduled: 2, desiredNumberScheduled: 2, numberAvailable: 2 },
      { done: true, message: 'daemon set "foo" successfully rolled out' },
    ],
    [
      'test4: spec update not observed',
      2,
      { observedGeneration: 1, updatedNumberScheduled: 2, desiredNumberScheduled: 2, numberAvailable: 2 },
      { done: false, message: 'Waiting for daemon set spec update to be observed...' },
    ],
  ];
  for (const [name, generation, status, expected] of cases) {
    test(name, () => expectStatus(daemonSetRolloutStatus(object(generation, rolling, status)), expected));
  }

  test('OnDelete: rollout status is only available for RollingUpdate', () => {
    expectStatus(daemonSetRolloutStatus(object(1, { updateStrategy: { type: 'OnDelete' } }, {})), {
      done: true,
      error: 'rollout status is only available for RollingUpdate strategy type',
    });
  });

  test('an updateStrategy left out is the API default, RollingUpdate', () => {
    const status = { observedGeneration: 1, updatedNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: 1 };
    expectStatus(daemonSetRolloutStatus(object(1, {}, status)), { done: true, message: 'daemon set "foo" successfully rolled out' });
  });
});

describe('StatefulSet (kubectl StatefulSetStatusViewer)', () => {
  const rolling = (extra: Record<string, unknown> = {}) => ({ replicas: 3, updateStrategy: { type: 'RollingUpdate', ...extra } });
  const cases: [string, number, Record<string, unknown>, Record<string, unknown>, Partial<RolloutStatus>][] = [
    [
      'unobserved update is not complete',
      2,
      rolling(),
      { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 0 },
      { done: false, message: 'Waiting for statefulset spec update to be observed...' },
    ],
    [
      'observedGeneration 0 is not observed',
      0,
      rolling(),
      { observedGeneration: 0 },
      { done: false, message: 'Waiting for statefulset spec update to be observed...' },
    ],
    [
      'if all pods are not ready the update is not complete',
      1,
      rolling(),
      { observedGeneration: 2, replicas: 3, readyReplicas: 2, currentReplicas: 3, updatedReplicas: 0 },
      { done: false, message: 'Waiting for 1 pods to be ready...' },
    ],
    [
      'partition update completes when all replicas above the partition are updated',
      1,
      rolling({ rollingUpdate: { partition: 2 } }),
      { observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1 },
      { done: true, message: 'partitioned roll out complete: 1 new pods have been updated...' },
    ],
    [
      'partition update is in progress if all pods above the partition have not been updated',
      1,
      rolling({ rollingUpdate: { partition: 2 } }),
      { observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 0 },
      { done: false, message: 'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...' },
    ],
    [
      'update completes when all replicas are current',
      1,
      rolling(),
      {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'foo',
        updateRevision: 'foo',
      },
      { done: true, message: 'statefulset rolling update complete 3 pods at revision foo...' },
    ],
    [
      'revisions differ: still rolling',
      1,
      rolling(),
      { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 2, currentRevision: 'foo-1', updateRevision: 'foo-2' },
      { done: false, message: 'waiting for statefulset rolling update to complete 2 pods at revision foo-2...' },
    ],
    [
      'rollingUpdate with partition 0 (the API default) waits for every pod',
      1,
      rolling({ rollingUpdate: { partition: 0 } }),
      { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 2 },
      { done: false, message: 'Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated...' },
    ],
  ];
  for (const [name, generation, spec, status, expected] of cases) {
    test(name, () => expectStatus(statefulSetRolloutStatus(object(generation, spec, status)), expected));
  }

  test('on delete returns an error', () => {
    const status = { observedGeneration: 1, replicas: 0, readyReplicas: 1, currentReplicas: 0, updatedReplicas: 0 };
    expectStatus(statefulSetRolloutStatus(object(1, { replicas: 3, updateStrategy: { type: 'OnDelete' } }, status)), {
      done: true,
      error: 'rollout status is only available for RollingUpdate strategy type',
    });
  });
});
