/**
 * verify with provider argocd against the Argo CD API test server: an old revision that is Synced and
 * Healthy keeps verify waiting, the new revision healthy, a failed sync operation, Degraded health, and
 * the API's 401, 403, 404 and 503 answers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ArgoApplication, type ArgoCdApi, startArgoCdApi } from '../../helpers/argocd-api.ts';
import { type ManualClock, manualClock } from '../../helpers/kube-api.ts';
import { runVerifyStep, testDeps } from '../../helpers/verify-harness.ts';

const NEW = '5f3c2d1e0b9a8f7e6d5c4b3a29180716253a4b5c';
const OLD = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

type Ending = 'healthy' | 'degraded' | 'sync-failed';

/** The application controller, auto-syncing `revision` once a refresh shows it, ending as `ending`. */
function autoSync(argo: ArgoCdApi, clock: ManualClock, name: string, revision: string, ending: Ending): void {
  argo.onRefresh(name, (app) => {
    if ((app.status['sync'] as { revision: string }).revision === revision) return;
    app.status['sync'] = { status: 'OutOfSync', revision };
    app.operation = { sync: { revision }, initiatedBy: { automated: true } };
    app.status['operationState'] = {
      phase: 'Running',
      message: 'one or more tasks are running',
      operation: { sync: { revision } },
      startedAt: new Date(clock.now()).toISOString(),
    };
    clock.after(5000, () => argo.update(name, (a) => finishSync(a, revision, ending)));
    if (ending !== 'sync-failed') clock.after(25_000, () => argo.update(name, (a) => settle(a, ending)));
  });
}

function finishSync(app: ArgoApplication, revision: string, ending: Ending): void {
  delete app.operation;
  if (ending === 'sync-failed') {
    app.status['operationState'] = {
      phase: 'Failed',
      message: 'one or more objects failed to apply, reason: admission webhook "verify-images" denied the request',
      operation: { sync: { revision } },
      syncResult: {
        revision,
        resources: [
          {
            group: 'apps',
            kind: 'Deployment',
            namespace: 'prod',
            name: 'web',
            status: 'SyncFailed',
            message: 'admission webhook "verify-images" denied the request: image is not signed',
          },
        ],
      },
    };
    return;
  }
  app.status['sync'] = { status: 'Synced', revision };
  app.status['health'] = { status: 'Progressing' };
  app.status['resources'] = [
    {
      group: 'apps',
      kind: 'Deployment',
      namespace: 'prod',
      name: 'web',
      status: 'Synced',
      health: { status: 'Progressing', message: 'Waiting for rollout to finish: 1 of 3 updated replicas are available...' },
    },
  ];
  app.status['operationState'] = {
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    operation: { sync: { revision } },
    syncResult: { revision, resources: [] },
  };
}

function settle(app: ArgoApplication, ending: Ending): void {
  const degraded = ending === 'degraded';
  app.status['health'] = { status: degraded ? 'Degraded' : 'Healthy' };
  app.status['resources'] = [
    {
      group: 'apps',
      kind: 'Deployment',
      namespace: 'prod',
      name: 'web',
      status: 'Synced',
      health: degraded ? { status: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' } : { status: 'Healthy' },
    },
  ];
  app.status['summary'] = { images: ['ghcr.io/acme/web:1.1.0'] };
}

async function argoServer(): Promise<{ clock: ManualClock; argo: ArgoCdApi }> {
  const clock = manualClock();
  return { clock, argo: await startArgoCdApi({ clock, tokens: { 'argo-token': { account: 'ci', projects: ['default'] } } }) };
}

const inputs = (argo: ArgoCdApi, extra: Record<string, string> = {}) => ({
  provider: 'argocd',
  'argocd-server': argo.url,
  'argocd-token': 'argo-token',
  application: 'web',
  'expected-revision': NEW,
  ...extra,
});

describe('Argo CD scenarios', () => {
  test('old revision still Synced+Healthy: verify keeps waiting (one refresh), then times out', async () => {
    const { clock, argo } = await argoServer();
    try {
      argo.addApplication('web', { revision: OLD });
      const run = await runVerifyStep(inputs(argo, { timeout: '1m' }), testDeps(clock));
      assert.equal(run.code, 1);
      assert.equal(run.result?.outputs['status'], 'timeout');
      assert.match(run.result?.outputs['reason'] ?? '', /application\/web is at 0a1b2c3d4e5f; waiting for 5f3c2d1e0b9a/);
      const refreshes = argo.server.requests.filter((r) => r.query['refresh'] === 'normal');
      assert.equal(refreshes.length, 1, 'refresh once, then poll');
      assert.ok(argo.server.requests.length > 10);
      assert.ok(argo.server.requests.every((r) => r.headers['authorization'] === 'Bearer argo-token'));
      assert.deepEqual(run.secrets.includes('argo-token'), true, 'the token is masked');
    } finally {
      await argo.stop();
    }
  });

  test('the new revision synced and healthy: healthy, after the refresh made Argo CD see it', async () => {
    const { clock, argo } = await argoServer();
    try {
      argo.addApplication('web', { revision: OLD });
      autoSync(argo, clock, 'web', NEW, 'healthy');
      const start = clock.now();
      const run = await runVerifyStep(inputs(argo), testDeps(clock));
      assert.equal(run.code, 0, run.message);
      assert.ok(clock.now() - start >= 25_000, 'healthy only once Argo CD reports it');
      assert.ok(run.logs.some((l) => /an operation is running/.test(l)));
      assert.ok(run.logs.some((l) => /1 of 3 updated replicas are available/.test(l)));
      const [target] = JSON.parse(run.result?.outputs['details'] ?? '[]');
      assert.deepEqual(target.images, ['ghcr.io/acme/web:1.1.0']);
      assert.equal(run.result?.outputs['revision'], NEW);
    } finally {
      await argo.stop();
    }
  });

  test('a failed sync operation fails with the resources and messages Argo CD reports', async () => {
    const { clock, argo } = await argoServer();
    try {
      argo.addApplication('web', { revision: OLD });
      autoSync(argo, clock, 'web', NEW, 'sync-failed');
      const run = await runVerifyStep(inputs(argo), testDeps(clock));
      assert.equal(run.code, 1);
      assert.match(
        run.message,
        /sync failed: one or more objects failed to apply.*Deployment\/prod\/web: admission webhook "verify-images" denied the request: image is not signed/,
      );
    } finally {
      await argo.stop();
    }
  });

  test('Degraded at the new revision fails', async () => {
    const { clock, argo } = await argoServer();
    try {
      argo.addApplication('web', { revision: OLD });
      autoSync(argo, clock, 'web', NEW, 'degraded');
      const run = await runVerifyStep(inputs(argo), testDeps(clock));
      assert.equal(run.code, 1);
      assert.match(run.message, /application\/web is Degraded: Deployment\/prod\/web: Deployment "web" exceeded its progress deadline/);
    } finally {
      await argo.stop();
    }
  });
});

describe('Argo CD API answers', () => {
  test('401: a bad token stops at once with exit 2, naming argocd-token', async () => {
    const { clock, argo } = await argoServer();
    try {
      argo.addApplication('web', { revision: NEW });
      const run = await runVerifyStep(inputs(argo, { 'argocd-token': 'wrong' }), testDeps(clock));
      assert.equal(run.code, 2);
      assert.match(
        run.message,
        /^argocd-token: Argo CD at http:\/\/127.0.0.1:\d+ rejected the token \(401: invalid session: token signature is invalid\)/,
      );
      assert.ok(!run.message.includes('wrong'));
    } finally {
      await argo.stop();
    }
  });

  test('403: without project a missing app is "permission denied"; with project it is 404', async () => {
    const { clock, argo } = await argoServer();
    try {
      const denied = await runVerifyStep(inputs(argo, { application: 'nope' }), testDeps(clock));
      assert.equal(denied.code, 2);
      assert.match(denied.message, /^application: Argo CD denied access to "nope" \(give project to tell "missing" from "not allowed"\)/);
      const missing = await runVerifyStep(inputs(argo, { application: 'nope', project: 'default' }), testDeps(clock));
      assert.equal(missing.code, 2);
      assert.match(missing.message, /^application: "nope" not found in project default \(404: applications.argoproj.io "nope" not found\)/);
      argo.addApplication('secret', { revision: NEW, project: 'platform' });
      const forbidden = await runVerifyStep(inputs(argo, { application: 'secret', project: 'platform' }), testDeps(clock));
      assert.equal(forbidden.code, 2);
      assert.match(forbidden.message, /denied access to "secret" in project platform/);
    } finally {
      await argo.stop();
    }
  });

  test('503 from a proxy is retried at the next interval', async () => {
    const { clock, argo } = await argoServer();
    try {
      argo.addApplication('web', { revision: NEW });
      argo.server.fail({ path: '/api/v1/applications/web', status: 503, times: 3 });
      const run = await runVerifyStep(inputs(argo), testDeps(clock));
      assert.equal(run.code, 0, run.message);
      assert.ok(
        run.logs.some((l) => /answered 503: 503 Service Unavailable/.test(l)),
        run.logs.join('\n'),
      );
    } finally {
      await argo.stop();
    }
  });

  test('several applications: all must be healthy', async () => {
    const { clock, argo } = await argoServer();
    try {
      argo.addApplication('web', { revision: NEW });
      argo.addApplication('api', { revision: OLD });
      autoSync(argo, clock, 'api', NEW, 'healthy');
      const run = await runVerifyStep(inputs(argo, { application: 'web\napi' }), testDeps(clock));
      assert.equal(run.code, 0, run.message);
      assert.equal(run.result?.outputs['reason'], 'all 2 targets healthy');
    } finally {
      await argo.stop();
    }
  });
});
