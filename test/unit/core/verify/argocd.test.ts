/** Argo CD Application rules. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applicationRevisions, assessApplication, normaliseRepoUrl } from '../../../../src/core/verify/argocd.ts';
import type { KubeObject } from '../../../../src/core/verify/types.ts';

const NEW = '5f3c2d1e0b9a8f7e6d5c4b3a29180716253a4b5c';
const OLD = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

function app(status: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'argocd' },
    spec: { project: 'default', source: { repoURL: 'https://git.example.com/acme/env.git', path: 'envs/prod', targetRevision: 'main' } },
    status,
    ...extra,
  };
}

const synced = (revision: string, health = 'Healthy') => ({
  sync: { status: 'Synced', revision },
  health: { status: health },
  operationState: { phase: 'Succeeded', syncResult: { revision } },
});

describe('Application', () => {
  const cases: [string, KubeObject, string, string, RegExp?][] = [
    [
      'old revision still Synced+Healthy: keeps waiting',
      app(synced(OLD)),
      'progressing',
      'waiting-for-revision',
      /at 0a1b2c3d4e5f; waiting for 5f3c2d1e0b9a/,
    ],
    ['new revision Synced+Healthy, no operation: healthy', app(synced(NEW)), 'healthy', 'healthy'],
    [
      'new revision but an operation is running: waits',
      app(synced(NEW), { operation: { sync: { revision: NEW } } }),
      'progressing',
      'operation-running',
    ],
    [
      'operation phase Running: waits',
      app({ ...synced(NEW), operationState: { phase: 'Running', message: 'waiting for healthy state of apps/Deployment/web' } }),
      'progressing',
      'operation-running',
      /waiting for healthy state/,
    ],
    [
      'new revision OutOfSync: waits',
      app({
        sync: { status: 'OutOfSync', revision: NEW },
        health: { status: 'Healthy' },
        resources: [{ kind: 'Deployment', namespace: 'prod', name: 'web', status: 'OutOfSync' }],
      }),
      'progressing',
      'out-of-sync',
      /Deployment\/prod\/web/,
    ],
    [
      'new revision Progressing: waits, naming what',
      app({
        ...synced(NEW, 'Progressing'),
        resources: [
          {
            kind: 'Deployment',
            namespace: 'prod',
            name: 'web',
            status: 'Synced',
            health: { status: 'Progressing', message: 'Waiting for rollout to finish: 1 of 3 updated replicas are available...' },
          },
        ],
      }),
      'progressing',
      'progressing',
      /1 of 3 updated replicas/,
    ],
    [
      'Degraded at the new revision fails with the resources',
      app({
        ...synced(NEW, 'Degraded'),
        resources: [
          {
            kind: 'Deployment',
            namespace: 'prod',
            name: 'web',
            status: 'Synced',
            health: { status: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' },
          },
          { kind: 'Service', name: 'web', health: { status: 'Healthy' } },
        ],
      }),
      'failed',
      'degraded',
      /Deployment\/prod\/web: Deployment "web" exceeded its progress deadline/,
    ],
    [
      'failed operation for the new revision fails with messages',
      app({
        sync: { status: 'OutOfSync', revision: NEW },
        health: { status: 'Healthy' },
        operationState: {
          phase: 'Failed',
          message: 'one or more objects failed to apply, reason: admission webhook denied the request',
          operation: { sync: { revision: NEW } },
          syncResult: {
            revision: NEW,
            resources: [
              {
                kind: 'Deployment',
                namespace: 'prod',
                name: 'web',
                status: 'SyncFailed',
                message: 'admission webhook "policy" denied the request: image not signed',
              },
            ],
          },
        },
      }),
      'failed',
      'sync-failed',
      /image not signed/,
    ],
    [
      'a hook that failed counts',
      app({
        sync: { status: 'OutOfSync', revision: NEW },
        health: { status: 'Healthy' },
        operationState: {
          phase: 'Error',
          message: 'hook failed',
          syncResult: {
            revision: NEW,
            resources: [{ kind: 'Job', name: 'migrate', hookPhase: 'Failed', message: 'Job has reached the specified backoff limit' }],
          },
        },
      }),
      'failed',
      'sync-failed',
      /Job\/migrate: Job has reached/,
    ],
    [
      'a failed operation of an older revision does not fail the new one',
      app({
        sync: { status: 'Synced', revision: OLD },
        health: { status: 'Healthy' },
        operationState: { phase: 'Failed', message: 'old', syncResult: { revision: OLD } },
      }),
      'progressing',
      'waiting-for-revision',
    ],
    [
      'ComparisonError while OutOfSync/Unknown waits with the message',
      app({
        sync: { status: 'Unknown', revision: NEW },
        health: { status: 'Healthy' },
        conditions: [{ type: 'ComparisonError', message: 'rpc error: kustomize build failed' }],
      }),
      'progressing',
      'argocd-error',
      /kustomize build failed/,
    ],
    [
      'being deleted fails',
      app(synced(NEW), { metadata: { name: 'web', deletionTimestamp: '2025-01-01T00:00:00Z' } }),
      'failed',
      'deleting',
    ],
  ];
  for (const [name, object, outcome, reason, pattern] of cases) {
    test(name, () => {
      const result = assessApplication(object, { expectedRevision: NEW });
      assert.equal(result.outcome, outcome, result.message);
      assert.equal(result.reason, reason, result.message);
      if (pattern) assert.match(result.message, pattern);
    });
  }
  test('a short expected commit matches', () =>
    assert.equal(assessApplication(app(synced(NEW)), { expectedRevision: NEW.slice(0, 8) }).outcome, 'healthy'));
  test('images Argo CD reports end up in the facts', () => {
    const result = assessApplication(app({ ...synced(NEW), summary: { images: ['ghcr.io/acme/web:1.1.0'] } }), { expectedRevision: NEW });
    assert.deepEqual(result.facts?.['images'], ['ghcr.io/acme/web:1.1.0']);
  });
});

describe('multi-source applications', () => {
  const multi = (revisions: string[]) =>
    app(
      { sync: { status: 'Synced', revisions }, health: { status: 'Healthy' } },
      {
        spec: {
          sources: [
            { repoURL: 'https://charts.example.com', chart: 'web', targetRevision: '1.4.0' },
            { repoURL: 'git@git.example.com:acme/env.git', ref: 'values' },
          ],
        },
      },
    );
  test('with the env repo named, its source is the one compared', () => {
    assert.deepEqual(applicationRevisions(multi(['1.4.0', NEW]), 'https://git.example.com/acme/env'), [NEW]);
    assert.equal(
      assessApplication(multi(['1.4.0', NEW]), { expectedRevision: NEW, repo: 'https://git.example.com/acme/env.git' }).outcome,
      'healthy',
    );
    assert.equal(
      assessApplication(multi(['1.4.0', OLD]), { expectedRevision: NEW, repo: 'https://git.example.com/acme/env.git' }).outcome,
      'progressing',
    );
  });
  test('without it, every commit-like revision must be the expected one', () => {
    assert.equal(assessApplication(multi(['1.4.0', NEW]), { expectedRevision: NEW }).outcome, 'healthy');
    assert.equal(assessApplication(multi([OLD, NEW]), { expectedRevision: NEW }).outcome, 'progressing');
  });
  test('repository URLs are compared loosely', () => {
    assert.equal(normaliseRepoUrl('git@git.example.com:acme/env.git'), normaliseRepoUrl('https://git.example.com/acme/env/'));
    assert.equal(normaliseRepoUrl('ssh://git@git.example.com:2222/acme/env.git'), 'git.example.com:2222/acme/env');
  });
});
