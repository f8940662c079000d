/**
 * verify against the Kubernetes API test server, driven through time by a manual clock: a rollout that
 * completes, one stuck in ImagePullBackOff (failed within the grace, long before the progress deadline),
 * a crash loop, a timeout, and the API's own answers (404 Status, 401, 403, label selectors, watches).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type KubeApiServer, type ManualClock, manualClock, realScheduler, startKubeApi, type TokenGrant } from '../../helpers/kube-api.ts';
import { systemClock } from '../../../src/adapters/clusters/clock.ts';
import { kubeconfigFile, runVerifyStep, testDeps } from '../../helpers/verify-harness.ts';
import { type App, imageDigest, seedDeployment, startRollout } from '../../helpers/rollout-scenarios.ts';

const WEB: App = { name: 'web', namespace: 'prod', replicas: 3 };

async function server(tokens?: Record<string, TokenGrant>): Promise<{ clock: ManualClock; api: KubeApiServer }> {
  const clock = manualClock();
  const api = await startKubeApi({ clock, ...(tokens ? { tokens } : {}) });
  return { clock, api };
}

function details(outputs: Record<string, string> | undefined): Record<string, unknown>[] {
  return JSON.parse(outputs?.['details'] ?? '[]') as Record<string, unknown>[];
}

describe('rollout scenarios (virtual time)', () => {
  test('a rollout that completes is healthy, with the digests the pods run', async () => {
    const { clock, api } = await server();
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      const start = clock.now();
      startRollout(api, clock, WEB, { image: 'ghcr.io/acme/web:1.1.0', behaviour: 'healthy', stepMs: 3000 });
      const run = await runVerifyStep(
        { targets: 'deployment/prod/web', kubeconfig: api.kubeconfig(), 'expected-image': 'ghcr.io/acme/web:1.1.0' },
        testDeps(clock),
      );
      assert.equal(run.code, 0, run.message);
      assert.equal(run.result?.outputs['status'], 'healthy');
      const [target] = details(run.result?.outputs);
      assert.deepEqual(target?.['images'], [`ghcr.io/acme/web@${imageDigest('ghcr.io/acme/web:1.1.0')}`]);
      assert.ok(
        run.logs.some((line) => /1 out of 3 new replicas have been updated/.test(line)),
        'progress lines while waiting',
      );
      assert.ok(clock.now() - start < 15_000, `virtual time to verdict ${clock.now() - start} ms`);
      assert.match(run.result?.summary ?? '', /### Baton verify — healthy/);
      assert.ok(run.secrets.includes('test-token'), 'the token inside the kubeconfig content is masked');
    } finally {
      await api.stop();
    }
  });

  test('ImagePullBackOff fails within the grace, not at the progress deadline', async () => {
    const { clock, api } = await server();
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      const start = clock.now();
      startRollout(api, clock, WEB, { image: 'ghcr.io/acme/web:1.1.0-typo', behaviour: 'image-pull' });
      const run = await runVerifyStep(
        { targets: 'deployment/web', namespace: 'prod', kubeconfig: api.kubeconfig(), grace: '60s' },
        testDeps(clock),
      );
      const elapsed = clock.now() - start;
      assert.equal(run.code, 1, run.message);
      assert.equal(run.result?.outputs['status'], 'failed');
      assert.match(run.result?.outputs['reason'] ?? '', /cannot pull ghcr.io\/acme\/web:1.1.0-typo \(ImagePullBackOff/);
      assert.equal(details(run.result?.outputs)[0]?.['reason'], 'image-pull');
      assert.ok(elapsed >= 60_000 && elapsed <= 64_000, `failed after ${elapsed} ms of virtual time; the progress deadline is 600000`);
      assert.ok(
        run.logs.some((line) => /cannot pull .* \(grace 1m\)/.test(line)),
        'the problem shows while inside the grace',
      );
    } finally {
      await api.stop();
    }
  });

  test('a crash loop fails once the restart threshold is reached', async () => {
    const { clock, api } = await server();
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      startRollout(api, clock, WEB, { image: 'ghcr.io/acme/web:1.1.0', behaviour: 'crash-loop' });
      const run = await runVerifyStep(
        { targets: 'deployment/prod/web', kubeconfig: api.kubeconfig(), 'restart-threshold': '3' },
        testDeps(clock),
      );
      assert.equal(run.code, 1, run.message);
      assert.equal(details(run.result?.outputs)[0]?.['reason'], 'crash-loop');
      assert.match(run.message, /restarted 3 times; last exit: Error, code 1 \(CrashLoopBackOff\)/);
    } finally {
      await api.stop();
    }
  });

  test('a rollout slower than the timeout times out with the last state of each target', async () => {
    const { clock, api } = await server();
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      seedDeployment(api, clock, { ...WEB, name: 'api' }, 'ghcr.io/acme/api:2.0.0');
      startRollout(api, clock, WEB, { image: 'ghcr.io/acme/web:1.1.0', behaviour: 'slow', stepMs: 300_000 });
      const start = clock.now();
      const run = await runVerifyStep(
        { targets: 'deployment/prod/web\ndeployment/prod/api', kubeconfig: api.kubeconfig(), timeout: '2m', interval: '5s' },
        testDeps(clock),
      );
      assert.equal(run.code, 1);
      assert.equal(run.result?.outputs['status'], 'timeout');
      assert.match(
        run.result?.outputs['reason'] ?? '',
        /^timed out after 2m: deployment\/prod\/web: 1 out of 3 new replicas have been updated$/,
      );
      assert.deepEqual(
        details(run.result?.outputs).map((d) => d['outcome']),
        ['progressing', 'healthy'],
      );
      assert.ok(clock.now() - start >= 120_000 && clock.now() - start < 126_000);
      assert.match(run.message, /^verify timed out: /);
    } finally {
      await api.stop();
    }
  });

  test('old pods crash-looping do not fail a rollout whose new pods are fine', async () => {
    const { clock, api } = await server();
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      for (const pod of api.list('Pod', 'prod')) {
        api.update('Pod', 'prod', pod.metadata.name!, (p) => {
          (p.status['containerStatuses'] as Record<string, unknown>[])[0] = {
            name: 'app',
            ready: false,
            restartCount: 40,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1 } },
          };
        });
      }
      startRollout(api, clock, WEB, { image: 'ghcr.io/acme/web:1.1.0', behaviour: 'healthy' });
      const run = await runVerifyStep({ targets: 'deployment/prod/web', kubeconfig: api.kubeconfig() }, testDeps(clock));
      assert.equal(run.code, 0, run.message);
    } finally {
      await api.stop();
    }
  });

  test('a label selector finds the workloads; all must be healthy', async () => {
    const { clock, api } = await server();
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      seedDeployment(api, clock, { ...WEB, name: 'worker' }, 'ghcr.io/acme/worker:1.0.0');
      api.update('Deployment', 'prod', 'worker', (d) => {
        d.metadata.labels = { app: 'worker', tier: 'backend' };
      });
      api.update('Deployment', 'prod', 'web', (d) => {
        d.metadata.labels = { app: 'web', tier: 'backend' };
      });
      startRollout(api, clock, WEB, { image: 'ghcr.io/acme/web:1.1.0', behaviour: 'healthy' });
      const run = await runVerifyStep({ selector: 'tier=backend', namespace: 'prod', kubeconfig: api.kubeconfig() }, testDeps(clock));
      assert.equal(run.code, 0, run.message);
      assert.deepEqual(
        details(run.result?.outputs).map((d) => d['target']),
        ['deployment/prod/web', 'deployment/prod/worker'],
      );
      const selects = api.requests.filter((r) => r.path === '/apis/apps/v1/namespaces/prod/deployments');
      assert.ok(selects.every((r) => r.query['labelSelector'] === 'tier=backend'));
      assert.ok(api.requests.some((r) => r.path === '/api/v1/namespaces/prod/pods' && r.query['labelSelector'] === 'app=web'));
      const mixed = await runVerifyStep(
        { selector: 'tier=backend', targets: 'deployment/prod/web', namespace: 'prod', kubeconfig: api.kubeconfig() },
        testDeps(clock),
      );
      assert.equal(mixed.code, 0, mixed.message);
      assert.equal(details(mixed.result?.outputs).length, 3, 'named targets and selected workloads together');
    } finally {
      await api.stop();
    }
  });

  test('the expected digest is checked against what the nodes pulled', async () => {
    const { clock, api } = await server();
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      startRollout(api, clock, WEB, { image: 'ghcr.io/acme/web:1.1.0', behaviour: 'healthy', digest: `sha256:${'e'.repeat(64)}` });
      const expected = `ghcr.io/acme/web:1.1.0@sha256:${'f'.repeat(64)}`;
      const run = await runVerifyStep(
        { targets: 'deployment/prod/web', kubeconfig: api.kubeconfig(), 'expected-image': expected },
        testDeps(clock),
      );
      assert.equal(run.code, 1);
      assert.equal(details(run.result?.outputs)[0]?.['reason'], 'image-mismatch');
    } finally {
      await api.stop();
    }
  });
});

describe('what the API answers', () => {
  test('a target that does not exist: the 404 Status is "not yet", and the timeout says so', async () => {
    const { clock, api } = await server();
    try {
      const run = await runVerifyStep({ targets: 'deployment/prod/nope', kubeconfig: api.kubeconfig(), timeout: '30s' }, testDeps(clock));
      assert.equal(run.code, 1);
      assert.equal(run.result?.outputs['status'], 'timeout');
      assert.match(run.result?.outputs['reason'] ?? '', /deployment\/nope does not exist \(yet\)/);
    } finally {
      await api.stop();
    }
  });

  test('401: a token the server does not know stops at once with exit 2, naming kubeconfig', async () => {
    const { clock, api } = await server();
    try {
      const run = await runVerifyStep(
        { targets: 'deployment/prod/web', kubeconfig: api.kubeconfig({ token: 'expired' }) },
        testDeps(clock),
      );
      assert.equal(run.code, 2);
      assert.match(
        run.message,
        /^kubeconfig: the API server at https:\/\/127\.0\.0\.1:\d+ rejected the credentials of context "test" \(401 Unauthorized\)/,
      );
      assert.equal((run.error as { input?: string }).input, 'kubeconfig');
      assert.ok(!run.message.includes('expired'), 'the token is not printed');
    } finally {
      await api.stop();
    }
  });

  test("403: RBAC without list on pods stops with exit 2 and the API server's words", async () => {
    const noPods: TokenGrant = {
      user: 'system:serviceaccount:ci:baton',
      access: (verb, resource) => resource.plural !== 'pods' && verb !== 'patch',
    };
    const { clock, api } = await server({ 'ci-token': noPods });
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      const run = await runVerifyStep(
        { targets: 'deployment/prod/web', kubeconfig: api.kubeconfig({ token: 'ci-token' }) },
        testDeps(clock),
      );
      assert.equal(run.code, 2);
      assert.match(
        run.message,
        /pods is forbidden: User "system:serviceaccount:ci:baton" cannot list resource "pods" in API group "" in the namespace "prod" \(403 Forbidden\)/,
      );
    } finally {
      await api.stop();
    }
  });

  test('a 503 from the API server is retried by the runner at the next interval', async () => {
    const { clock, api } = await server();
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      api.fail({ path: '/apis/apps/v1/namespaces/prod/deployments/web', status: 503, times: 2 });
      const run = await runVerifyStep({ targets: 'deployment/prod/web', kubeconfig: api.kubeconfig() }, testDeps(clock));
      assert.equal(run.code, 0, run.message);
      assert.ok(run.logs.some((line) => /injected fault 503 \(HTTP 503\)/.test(line)));
    } finally {
      await api.stop();
    }
  });

  test('a custom resource is found through discovery and judged by its conditions', async () => {
    const clock = manualClock();
    const { CUSTOM_RESOURCES } = await import('../../helpers/kube-api.ts');
    const api = await startKubeApi({ clock, resources: [CUSTOM_RESOURCES['certificate']!] });
    try {
      api.create({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'web', namespace: 'prod' },
        spec: { dnsNames: ['web.example.com'] },
      });
      clock.after(
        30_000,
        () =>
          void api.update('Certificate', 'prod', 'web', (c) => {
            c.status = {
              conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' }],
            };
          }),
      );
      const run = await runVerifyStep({ targets: 'certificate.cert-manager.io/prod/web', kubeconfig: api.kubeconfig() }, testDeps(clock));
      assert.equal(run.code, 0, run.message);
      assert.ok(
        run.logs.some((line) => /reports no status conditions/.test(line)),
        'silence was not taken for success',
      );
      assert.ok(api.requests.some((r) => r.path === '/apis/cert-manager.io'));
      const wrongKind = await runVerifyStep({ targets: 'issuer.cert-manager.io/prod/x', kubeconfig: api.kubeconfig() }, testDeps(clock));
      assert.equal(wrongKind.code, 2);
      assert.match(wrongKind.message, /group cert-manager.io serves no kind "issuer" \(it serves Certificate\)/);
      const noGroup = await runVerifyStep({ targets: 'widget.example.io/prod/x', kubeconfig: api.kubeconfig() }, testDeps(clock));
      assert.match(noGroup.message, /the cluster serves no API group example.io/);
    } finally {
      await api.stop();
    }
  });
});

describe('watches wake verify before the next interval (real time)', () => {
  test('a rollout finishing is seen through the watch, not the 60 s interval', async () => {
    const scheduler = realScheduler();
    const api = await startKubeApi({ clock: systemClock });
    try {
      seedDeployment(api, scheduler, WEB, 'ghcr.io/acme/web:1.0.0');
      startRollout(api, scheduler, WEB, { image: 'ghcr.io/acme/web:1.1.0', behaviour: 'healthy', stepMs: 150 });
      const run = await runVerifyStep(
        { targets: 'deployment/prod/web', kubeconfig: api.kubeconfig(), interval: '60s', timeout: '5m' },
        testDeps(systemClock, { watch: true }),
      );
      assert.equal(run.code, 0, run.message);
      const watches = api.requests.filter((r) => r.query['watch'] === 'true');
      assert.deepEqual(
        new Set(watches.map((w) => w.path)),
        new Set(['/apis/apps/v1/namespaces/prod/deployments', '/api/v1/namespaces/prod/pods', '/apis/apps/v1/namespaces/prod/replicasets']),
      );
      assert.ok(
        watches.every((w) => Number(w.query['resourceVersion']) > 0),
        'watches start from the resourceVersion of the reads',
      );
    } finally {
      scheduler.cancel();
      await api.stop();
    }
  });
});

describe('where the kubeconfig comes from', () => {
  test('KUBECONFIG with several files (first wins), a context from the second, an exec plugin for credentials', async () => {
    const { clock, api } = await server();
    const plugin = await kubeconfigFile('');
    try {
      seedDeployment(api, clock, WEB, 'ghcr.io/acme/web:1.0.0');
      const script = join(plugin.dir, 'credential.mjs');
      const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'test-token' } };
      await writeFile(script, `process.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`);
      const exec = api
        .kubeconfig({ context: 'staging', namespace: 'prod' })
        .replace(
          '    token: test-token',
          `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${process.execPath}\n      args: ` +
            `[${script}]\n      interactiveMode: Never`,
        );
      const first = await kubeconfigFile(api.kubeconfig({ token: 'expired' }));
      const second = await kubeconfigFile(exec);
      try {
        const env = { KUBECONFIG: `${first.path}:${second.path}` };
        const current = await runVerifyStep({ targets: 'deployment/prod/web' }, testDeps(clock), env);
        assert.equal(current.code, 2, "the first file's current context (an expired token) is used by default");
        const staging = await runVerifyStep({ targets: 'deployment/web', context: 'staging' }, testDeps(clock), env);
        assert.equal(staging.code, 0, staging.message);
        assert.equal(
          JSON.parse(staging.result?.outputs['details'] ?? '[]')[0].target,
          'deployment/prod/web',
          "the context's namespace applies",
        );
      } finally {
        await first.cleanup();
        await second.cleanup();
      }
    } finally {
      await plugin.cleanup();
      await api.stop();
    }
  });
});
