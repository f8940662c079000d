/**
 * verify with provider flux against the Kubernetes API test server serving Flux's kinds: the revision
 * formats Flux writes, HealthCheckFailed (fails) against DependencyNotReady (waits), a HelmRelease whose
 * upgrade failed and was remediated, and `reconcile` through the requestedAt annotation.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CUSTOM_RESOURCES, type KubeApiServer, type ManualClock, manualClock, startKubeApi } from '../../helpers/kube-api.ts';
import type { KubeObject } from '../../../src/core/verify/types.ts';
import { runVerifyStep, testDeps } from '../../helpers/verify-harness.ts';

const NEW = '5f3c2d1e0b9a8f7e6d5c4b3a29180716253a4b5c';
const OLD = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

async function fluxServer(): Promise<{ clock: ManualClock; api: KubeApiServer }> {
  const clock = manualClock();
  const api = await startKubeApi({ clock, resources: [CUSTOM_RESOURCES['kustomization']!, CUSTOM_RESOURCES['helmrelease']!] });
  return { clock, api };
}

const ready = (status: string, reason: string, message: string, at: number) => ({
  type: 'Ready',
  status,
  reason,
  message,
  lastTransitionTime: new Date(at).toISOString(),
  observedGeneration: 1,
});

function kustomization(name: string, revision: string, at: number): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '10m', path: './envs/prod', prune: true, sourceRef: { kind: 'GitRepository', name: 'env' } },
    status: {
      observedGeneration: 1,
      lastAppliedRevision: revision,
      lastAttemptedRevision: revision,
      conditions: [ready('True', 'ReconciliationSucceeded', `Applied revision: ${revision}`, at)],
    },
  };
}

/** kustomize-controller applying a new revision after `delayMs`. */
function applyLater(api: KubeApiServer, clock: ManualClock, name: string, revision: string, delayMs: number): void {
  clock.after(delayMs, () => {
    api.update('Kustomization', 'flux-system', name, (k) => {
      k.status['lastAttemptedRevision'] = revision;
      k.status['lastAppliedRevision'] = revision;
      k.status['conditions'] = [ready('True', 'ReconciliationSucceeded', `Applied revision: ${revision}`, clock.now())];
    });
  });
}

function details(outputs: Record<string, string> | undefined): Record<string, unknown>[] {
  return JSON.parse(outputs?.['details'] ?? '[]') as Record<string, unknown>[];
}

describe('Kustomization', () => {
  for (const [format, old, next] of [
    ['branch@sha1', `main@sha1:${OLD}`, `main@sha1:${NEW}`],
    ['tag@sha1', `v1.2.2@sha1:${OLD}`, `v1.2.3@sha1:${NEW}`],
    ['bare sha1', `sha1:${OLD}`, `sha1:${NEW}`],
    ['legacy branch/sha', `main/${OLD}`, `main/${NEW}`],
  ] as const) {
    test(`revision format ${format}: waits for the commit, then healthy`, async () => {
      const { clock, api } = await fluxServer();
      try {
        api.create(kustomization('apps', old, clock.now()));
        applyLater(api, clock, 'apps', next, 20_000);
        const start = clock.now();
        const run = await runVerifyStep(
          { provider: 'flux', targets: 'kustomization/apps', kubeconfig: api.kubeconfig(), 'expected-revision': NEW },
          testDeps(clock),
        );
        assert.equal(run.code, 0, run.message);
        assert.ok(clock.now() - start >= 20_000, 'the old revision did not pass');
        assert.ok(
          run.logs.some((l) => /Ready at .*0a1b2c3d4e5f; waiting for 5f3c2d1e0b9a/.test(l)),
          run.logs.join('\n'),
        );
        assert.equal(details(run.result?.outputs)[0]?.['revision'], next);
      } finally {
        await api.stop();
      }
    });
  }

  test('DependencyNotReady waits; HealthCheckFailed on the expected commit fails', async () => {
    const { clock, api } = await fluxServer();
    try {
      api.create(kustomization('apps', `main@sha1:${OLD}`, clock.now()));
      api.update('Kustomization', 'flux-system', 'apps', (k) => {
        k.status['lastAttemptedRevision'] = `main@sha1:${NEW}`;
        k.status['conditions'] = [ready('False', 'DependencyNotReady', "dependency 'flux-system/infra' is not ready", clock.now())];
      });
      applyLater(api, clock, 'apps', `main@sha1:${NEW}`, 45_000);
      const waited = await runVerifyStep(
        { provider: 'flux', targets: 'ks/apps', kubeconfig: api.kubeconfig(), 'expected-revision': NEW },
        testDeps(clock),
      );
      assert.equal(waited.code, 0, waited.message);
      assert.ok(waited.logs.some((l) => /waits for a dependency: DependencyNotReady/.test(l)));

      api.update('Kustomization', 'flux-system', 'apps', (k) => {
        k.status['conditions'] = [
          ready(
            'False',
            'HealthCheckFailed',
            "health check failed after 1m0s: timeout waiting for: [Deployment/prod/web status: 'InProgress']",
            clock.now(),
          ),
        ];
      });
      const failed = await runVerifyStep(
        { provider: 'flux', targets: 'ks/apps', kubeconfig: api.kubeconfig(), 'expected-revision': NEW },
        testDeps(clock),
      );
      assert.equal(failed.code, 1);
      assert.equal(details(failed.result?.outputs)[0]?.['reason'], 'health-check-failed');
      assert.match(failed.message, /Deployment\/prod\/web status: 'InProgress'/);
    } finally {
      await api.stop();
    }
  });

  test('reconcile: the requestedAt annotation asks kustomize-controller to act now', async () => {
    const { clock, api } = await fluxServer();
    try {
      api.create(kustomization('apps', `main@sha1:${OLD}`, clock.now()));
      clock.after(1000, () => {
        const requested = api.read('Kustomization', 'flux-system', 'apps')?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
        if (!requested) return;
        api.update('Kustomization', 'flux-system', 'apps', (k) => {
          k.status['lastHandledReconcileAt'] = requested;
          k.status['lastAppliedRevision'] = `main@sha1:${NEW}`;
          k.status['conditions'] = [ready('True', 'ReconciliationSucceeded', 'applied', clock.now())];
        });
      });
      const run = await runVerifyStep(
        {
          provider: 'flux',
          targets: 'kustomization/apps',
          kubeconfig: api.kubeconfig(),
          'expected-revision': NEW,
          reconcile: 'true',
          timeout: '30s',
        },
        testDeps(clock),
      );
      assert.equal(run.code, 0, run.message);
      const patch = api.requests.find((r) => r.method === 'PATCH');
      assert.equal(patch?.path, '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps');
      assert.equal(api.read('Kustomization', 'flux-system', 'apps')?.metadata.generation, 1, 'an annotation is not a spec change');
    } finally {
      await api.stop();
    }
  });
});

function helmRelease(chart: string, at: number): KubeObject {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'web', namespace: 'prod' },
    spec: {
      interval: '10m',
      chart: { spec: { chart: './charts/web', sourceRef: { kind: 'GitRepository', name: 'env' }, reconcileStrategy: 'Revision' } },
      values: { replicas: 3 },
    },
    status: {
      observedGeneration: 1,
      lastAttemptedRevision: chart,
      history: [{ chartVersion: chart, status: 'deployed', version: 3 }],
      conditions: [
        ready('True', 'UpgradeSucceeded', `Helm upgrade succeeded for release prod/web.v3 with chart web@${chart}`, at),
        { type: 'Released', status: 'True', reason: 'UpgradeSucceeded' },
      ],
    },
  };
}

describe('HelmRelease', () => {
  const next = `1.4.0+${NEW.slice(0, 12)}`;
  test('upgrade failed, then remediated by a rollback: failed both times, never healthy', async () => {
    const { clock, api } = await fluxServer();
    try {
      api.create(helmRelease(`1.3.0+${OLD.slice(0, 12)}`, clock.now()));
      api.update('HelmRelease', 'prod', 'web', (h) => {
        h.spec['values'] = { replicas: 3, image: { tag: '1.4.0' } };
        h.status['conditions'] = [
          ready('Unknown', 'Progressing', "Running 'upgrade' action with timeout of 5m0s", clock.now()),
          { type: 'Reconciling', status: 'True', reason: 'Progressing' },
        ];
      });
      api.update('HelmRelease', 'prod', 'web', (h) => {
        h.status['observedGeneration'] = 2;
      });
      const failedUpgrade = `Helm upgrade failed for release prod/web with chart web@${next}: context deadline exceeded`;
      clock.after(30_000, () => {
        api.update('HelmRelease', 'prod', 'web', (h) => {
          h.status['lastAttemptedRevision'] = next;
          h.status['conditions'] = [
            ready('False', 'UpgradeFailed', failedUpgrade, clock.now()),
            { type: 'Released', status: 'False', reason: 'UpgradeFailed', message: failedUpgrade },
          ];
        });
      });
      const first = await runVerifyStep(
        { provider: 'flux', targets: 'helmrelease/prod/web', kubeconfig: api.kubeconfig(), 'expected-revision': NEW },
        testDeps(clock),
      );
      assert.equal(first.code, 1, first.message);
      assert.equal(details(first.result?.outputs)[0]?.['reason'], 'upgrade-failed');

      api.update('HelmRelease', 'prod', 'web', (h) => {
        const rollback = 'Helm rollback to previous release prod/web.v3 with chart web@1.3.0 succeeded';
        h.status['history'] = [
          { chartVersion: `1.3.0+${OLD.slice(0, 12)}`, status: 'deployed', version: 5 },
          { chartVersion: next, status: 'failed', version: 4 },
        ];
        h.status['conditions'] = [
          ready('False', 'RollbackSucceeded', rollback, clock.now()),
          { type: 'Released', status: 'False', reason: 'UpgradeFailed', message: failedUpgrade },
          { type: 'Remediated', status: 'True', reason: 'RollbackSucceeded', message: rollback, observedGeneration: 2 },
        ];
      });
      const second = await runVerifyStep(
        { provider: 'flux', targets: 'hr/prod/web', kubeconfig: api.kubeconfig(), 'expected-revision': NEW },
        testDeps(clock),
      );
      assert.equal(second.code, 1);
      assert.equal(details(second.result?.outputs)[0]?.['reason'], 'remediated');
      assert.match(
        second.message,
        /UpgradeFailed: Helm upgrade failed .* context deadline exceeded; helm-controller remediated it \(RollbackSucceeded/,
      );
    } finally {
      await api.stop();
    }
  });

  test('upgrade succeeded with the chart built from the expected commit: healthy', async () => {
    const { clock, api } = await fluxServer();
    try {
      api.create(helmRelease(next, clock.now()));
      const run = await runVerifyStep(
        { provider: 'flux', targets: 'helmrelease/prod/web', kubeconfig: api.kubeconfig(), 'expected-revision': NEW.slice(0, 12) },
        testDeps(clock),
      );
      assert.equal(run.code, 0, run.message);
    } finally {
      await api.stop();
    }
  });
});
