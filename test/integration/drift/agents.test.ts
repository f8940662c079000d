/**
 * Drift as the agents see it: an Argo CD Application OutOfSync with per-resource diffs (and a sync that
 * puts it back), and Flux drift detection on a HelmRelease, detected and then corrected after a
 * reconcile request; a Kustomization whose inventory names an object deleted by hand.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { type ArgoCdApi, type ArgoManagedResource, startArgoCdApi } from '../../helpers/argocd-api.ts';
import { CUSTOM_RESOURCES, type KubeApiServer, manualClock, startKubeApi } from '../../helpers/kube-api.ts';
import { driftDeps, envRepo, runDriftStep } from '../../helpers/drift-harness.ts';

const deployment = (image: string, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod' },
  spec: { replicas, template: { spec: { containers: [{ name: 'web', image }] } } },
});
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'prod' }, data: { a: '1' } };
const oldService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'legacy', namespace: 'prod' }, spec: { ports: [{ port: 80 }] } };

describe('drift: provider argocd', () => {
  const clock = manualClock();
  let argo: ArgoCdApi;
  let repo: Awaited<ReturnType<typeof envRepo>>;
  afterEach(async () => {
    await argo.stop();
    await repo.cleanup();
  });

  async function outOfSync(): Promise<void> {
    argo = await startArgoCdApi({ clock });
    repo = await envRepo({});
    argo.addApplication('shop', { revision: 'a'.repeat(40) });
    argo.update('shop', (app) => {
      app.status['sync'] = { status: 'OutOfSync', revision: 'a'.repeat(40) };
      app.status['resources'] = [
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'prod',
          name: 'web',
          status: 'OutOfSync',
          health: { status: 'Healthy' },
        },
        { version: 'v1', kind: 'ConfigMap', namespace: 'prod', name: 'web-config', status: 'Synced' },
        { version: 'v1', kind: 'Service', namespace: 'prod', name: 'legacy', status: 'OutOfSync', requiresPruning: true },
      ];
    });
    const live = {
      ...deployment('registry.example/shop/web:hotfix', 5),
      metadata: { ...deployment('x').metadata, uid: 'u1', resourceVersion: '9' },
    };
    const items: ArgoManagedResource[] = [
      {
        group: 'apps',
        kind: 'Deployment',
        namespace: 'prod',
        name: 'web',
        targetState: deployment('registry.example/shop/web:1.4.2'),
        liveState: live,
      },
      { group: '', kind: 'ConfigMap', namespace: 'prod', name: 'web-config', targetState: configMap, liveState: configMap },
      { group: '', kind: 'Service', namespace: 'prod', name: 'legacy', targetState: null, liveState: oldService },
    ];
    argo.setManagedResources('shop', items);
  }

  const inputs = (extra: Record<string, string> = {}) => ({
    provider: 'argocd',
    'argocd-server': argo.url,
    'argocd-token': 'argo-token',
    application: 'shop',
    ...extra,
  });

  test('OutOfSync: the image first, then other fields, and the object Argo CD would prune', async () => {
    await outOfSync();
    const run = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1, run.message);
    const details = JSON.parse(run.result!.outputs['details']!);
    assert.deepEqual(
      details.map((d: { kind: string; key: { kind: string; name: string } }) => [d.kind, `${d.key.kind}/${d.key.name}`]),
      [
        ['changed', 'Deployment/web'],
        ['extra', 'Service/legacy'],
      ],
    );
    assert.deepEqual(
      details[0].diffs.map((f: { path: string; image?: boolean }) => [f.path, f.image === true]),
      [
        ['spec.template.spec.containers[name=web].image', true],
        ['spec.replicas', false],
      ],
    );
    assert.equal(run.result?.outputs['checked'], '3');
    assert.ok(argo.server.requests.some((r) => r.path === '/api/v1/applications/shop/managed-resources'));
    assert.ok(!argo.server.requests.some((r) => r.method === 'POST'), 'no sync without remediate');
  });

  test('an ignore rule for replicas leaves the image', async () => {
    await outOfSync();
    const run = await runDriftStep(
      inputs({ 'ignore-differences': '- group: apps\n  kind: Deployment\n  jsonPointers: [/spec/replicas]' }),
      driftDeps(clock),
      repo.dir,
    );
    const details = JSON.parse(run.result!.outputs['details']!);
    assert.deepEqual(
      details[0].diffs.map((f: { path: string }) => f.path),
      ['spec.template.spec.containers[name=web].image'],
    );
  });

  test('remediate: asks Argo CD to sync, waits for the controller, then in sync (exit 0)', async () => {
    await outOfSync();
    argo.onSync('shop', () => {
      // The controller applies Git some seconds later.
      clock.after(12_000, () => {
        argo.update('shop', (app) => {
          app.status['sync'] = { status: 'Synced', revision: 'a'.repeat(40) };
          app.status['resources'] = [
            { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'prod', name: 'web', status: 'Synced' },
          ];
          delete app.operation;
        });
        argo.setManagedResources('shop', [
          {
            group: 'apps',
            kind: 'Deployment',
            namespace: 'prod',
            name: 'web',
            targetState: deployment('registry.example/shop/web:1.4.2'),
            liveState: deployment('registry.example/shop/web:1.4.2'),
          },
        ]);
      });
    });
    const run = await runDriftStep(inputs({ remediate: 'true', interval: '5s', timeout: '2m' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 0, run.message);
    assert.equal(run.result?.outputs['remediated'], 'true');
    assert.equal(run.result?.outputs['verdict'], 'in-sync');
    assert.equal(argo.server.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/applications/shop/sync').length, 1);
    assert.match(run.result!.summary, /asked Argo CD to sync shop; the environment is back in sync/);
  });

  test('remediate that does not help: still drifted after the timeout, exit 1', async () => {
    await outOfSync();
    const run = await runDriftStep(inputs({ remediate: 'true', interval: '10s', timeout: '30s' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    assert.equal(run.result?.outputs['remediated'], 'false');
    assert.match(run.result!.summary, /still drifted after 30s/);
  });
});

describe('drift: provider flux', () => {
  const clock = manualClock();
  let api: KubeApiServer;
  let repo: Awaited<ReturnType<typeof envRepo>>;
  afterEach(async () => {
    await api.stop();
    await repo.cleanup();
  });

  async function start(): Promise<void> {
    api = await startKubeApi({ clock, resources: [CUSTOM_RESOURCES['kustomization']!, CUSTOM_RESOURCES['helmrelease']!] });
    repo = await envRepo({});
    const ready = {
      conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:abc' }],
    };
    api.create({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { driftDetection: { mode: 'warn' } },
      status: ready,
    });
    api.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { path: './envs/prod', prune: true },
      // Inventory ids are <namespace>_<name>_<group>_<kind>; the core group is empty.
      status: {
        ...ready,
        inventory: {
          entries: [
            { id: 'shop_web-config__ConfigMap', v: 'v1' },
            { id: 'shop_web_apps_Deployment', v: 'v1' },
          ],
        },
      },
    });
    api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop' }, data: { a: '1' } });
    api.create({ ...deployment('registry.example/shop/web:1.4.2'), metadata: { name: 'web', namespace: 'shop' } });
  }

  function event(name: string, reason: string, message: string, at: number): void {
    api.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web.${name}`, namespace: 'shop' },
      involvedObject: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'web', namespace: 'shop' },
      reason,
      message,
      type: reason === 'DriftDetected' ? 'Warning' : 'Normal',
      lastTimestamp: new Date(at).toISOString(),
      source: { component: 'helm-controller' },
    });
  }

  const inputs = (extra: Record<string, string> = {}) => ({
    provider: 'flux',
    targets: 'helmrelease/shop/web,kustomization/apps',
    kubeconfig: api.kubeconfig(),
    ...extra,
  });

  test('in sync: Ready, no drift events, every inventory object present', async () => {
    await start();
    const run = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(run.code, 0, run.message);
    assert.equal(run.result?.outputs['checked'], '4');
  });

  test('HelmRelease drift detected (mode warn), and an inventory object deleted by hand', async () => {
    await start();
    event('1', 'DriftDetected', 'Deployment/shop/web changed (0 additions, 1 changes, 0 removals)', clock.now());
    api.remove('ConfigMap', 'shop', 'web-config');
    const run = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    const details = JSON.parse(run.result!.outputs['details']!);
    assert.deepEqual(
      details.map((d: { kind: string; key: { kind: string; name: string } }) => [d.kind, `${d.key.kind}/${d.key.name}`]),
      [
        ['missing', 'ConfigMap/web-config'],
        ['changed', 'HelmRelease/web'],
      ],
    );
    assert.match(details[1].message, /DriftDetected: Deployment\/shop\/web changed/);
    assert.match(details[0].message, /in the inventory of Kustomization flux-system\/apps/);
  });

  test('drift detected, then corrected after a reconcile request (remediate)', async () => {
    await start();
    event('1', 'DriftDetected', 'Deployment/shop/web changed', clock.now());
    // The controller: asked to reconcile the HelmRelease, it corrects the drift and says so a little later.
    api.onPatch((object) => {
      if (object.kind === 'HelmRelease' && object.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']) {
        clock.after(3_000, () => event('2', 'DriftCorrected', 'Deployment/shop/web restored', clock.now()));
      }
    });
    const run = await runDriftStep(inputs({ remediate: 'true', interval: '5s', timeout: '1m' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 0, run.message);
    assert.equal(run.result?.outputs['remediated'], 'true');
    assert.match(run.result!.summary, /asked Flux to reconcile helmrelease\/shop\/web, kustomization\/apps/);
    assert.match(run.result!.summary, /Flux corrected drift on 1 HelmRelease/);
    assert.ok(api.read('Kustomization', 'flux-system', 'apps')?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']);
  });

  test('a Kustomization that is not Ready is out of sync', async () => {
    await start();
    api.update('Kustomization', 'flux-system', 'apps', (o) => {
      o.status['conditions'] = [
        {
          type: 'Ready',
          status: 'False',
          reason: 'ReconciliationFailed',
          message: 'Deployment/shop/web dry-run failed: field is immutable',
        },
      ];
    });
    const run = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    assert.match(
      run.result!.summary,
      /Kustomization\/flux-system\/apps \| out-of-sync \| not Ready \(ReconciliationFailed\): Deployment\/shop\/web dry-run failed/,
    );
  });
});
