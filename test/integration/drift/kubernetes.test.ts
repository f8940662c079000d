/**
 * Drift against the Kubernetes API test server: one LIST per kind and namespace, and each way an
 * environment drifts from Git after it was applied.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { KubeDoc } from '../../../src/core/drift/types.ts';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { gitIn } from '../../helpers/git-temp.ts';
import { type KubeApiServer, manualClock, startKubeApi, type TokenGrant } from '../../helpers/kube-api.ts';
import { applyAll, driftDeps, envRepo, runDriftStep } from '../../helpers/drift-harness.ts';

const OWNED = { 'app.kubernetes.io/part-of': 'shop' };

const deployment: KubeDoc = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: OWNED },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'registry.example/shop/web:1.4.2',
            ports: [{ containerPort: 8080 }],
            resources: { requests: { cpu: '250m', memory: '256Mi' } },
          },
        ],
      },
    },
  },
};
const configMap: KubeDoc = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-config', labels: OWNED },
  data: { LOG_LEVEL: 'info', FEATURE_X: 'on' },
};
const service: KubeDoc = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', labels: OWNED },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
};
const DESIRED = [deployment, configMap, service];

function withImage(doc: KubeDoc, image: string): KubeDoc {
  const copy = structuredClone(doc) as KubeDoc & { spec: { template: { spec: { containers: { image: string }[] } } } };
  copy.spec.template.spec.containers[0]!.image = image;
  return copy;
}

describe('drift: provider kubernetes', () => {
  const clock = manualClock();
  let api: KubeApiServer;
  let repo: Awaited<ReturnType<typeof envRepo>>;

  async function start(tokens?: Record<string, TokenGrant>): Promise<void> {
    api = await startKubeApi({ clock, ...(tokens ? { tokens } : {}) });
    applyAll(api, DESIRED, 'shop');
  }

  beforeEach(async () => {
    repo = await envRepo({ 'envs/prod/deployment.yaml': [deployment], 'envs/prod/config.yaml': [configMap, service] });
  });
  afterEach(async () => {
    await api.stop();
    await repo.cleanup();
  });

  const inputs = (extra: Record<string, string> = {}) => ({
    path: 'envs/prod',
    render: 'none',
    kubeconfig: api.kubeconfig({ namespace: 'shop' }),
    ...extra,
  });
  const lists = () => api.requests.filter((r) => r.method === 'GET' && /\/namespaces\/[^/]+\/[^/]+$/.test(r.path));
  const gets = () => api.requests.filter((r) => r.method === 'GET' && /\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(r.path));

  test('in sync: exit 0, one LIST per kind and namespace, no GET per object; reports written', async () => {
    await start();
    const run = await runDriftStep(inputs({ reports: 'json=out/drift.json,junit=out/drift.xml' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 0, run.message);
    assert.equal(run.result?.outputs['verdict'], 'in-sync');
    assert.equal(run.result?.outputs['checked'], '3');
    assert.deepEqual(
      lists()
        .map((r) => r.path)
        .sort(),
      ['/api/v1/namespaces/shop/configmaps', '/api/v1/namespaces/shop/services', '/apis/apps/v1/namespaces/shop/deployments'],
    );
    assert.equal(gets().length, 0);
    const json = JSON.parse(await readFile(join(repo.dir, 'out/drift.json'), 'utf8'));
    assert.equal(json.verdict, 'in-sync');
    assert.match(await readFile(join(repo.dir, 'out/drift.xml'), 'utf8'), /<testsuites name="baton drift" tests="1" failures="0"/);
  });

  test('image changed by hand: exit 1, the image named first with Git and cluster values', async () => {
    await start();
    api.update('ConfigMap', 'shop', 'web-config', (o) => {
      o['data'] = { LOG_LEVEL: 'debug', FEATURE_X: 'on' };
    });
    api.update('Deployment', 'shop', 'web', (o) => {
      const containers = (o.spec['template'] as { spec: { containers: { image: string }[] } }).spec.containers;
      containers[0]!.image = 'registry.example/shop/web:hotfix';
    });
    const run = await runDriftStep(inputs({ reports: 'junit=drift.xml' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    const details = JSON.parse(run.result!.outputs['details']!);
    assert.deepEqual(details[0].key, { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' });
    assert.deepEqual(details[0].diffs, [
      {
        path: 'spec.template.spec.containers[name=web].image',
        want: 'registry.example/shop/web:1.4.2',
        got: 'registry.example/shop/web:hotfix',
        image: true,
      },
    ]);
    assert.match(
      run.result!.summary,
      /spec\.template\.spec\.containers\[name=web\]\.image: registry\.example\/shop\/web:1\.4\.2 → registry\.example\/shop\/web:hotfix/,
    );
    assert.match(await readFile(join(repo.dir, 'drift.xml'), 'utf8'), /<failure type="changed"/);
  });

  test('ConfigMap data edited: the key that changed, nothing else', async () => {
    await start();
    api.update('ConfigMap', 'shop', 'web-config', (o) => {
      o['data'] = { LOG_LEVEL: 'debug', FEATURE_X: 'on', ADDED: 'by hand' };
    });
    const run = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    assert.equal(run.result?.outputs['changed'], '1');
    const details = JSON.parse(run.result!.outputs['details']!);
    assert.deepEqual(
      details.map((d: { diffs: { path: string }[] }) => d.diffs.map((f) => f.path)),
      [['data.LOG_LEVEL']],
    );
  });

  test('Service deleted: missing', async () => {
    await start();
    api.remove('Service', 'shop', 'web');
    const run = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    assert.equal(run.result?.outputs['missing'], '1');
    assert.match(run.result!.summary, /\| Service\/shop\/web \| missing \|/);
  });

  test('an extra object with the ownership label: extra, found by the selector LIST', async () => {
    await start();
    api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'old-config', namespace: 'shop', labels: OWNED },
      data: { a: '1' },
    });
    api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'someone-elses', namespace: 'shop' }, data: { a: '1' } });
    const run = await runDriftStep(inputs({ 'owned-by': 'app.kubernetes.io/part-of=shop' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    assert.equal(run.result?.outputs['extra'], '1');
    assert.equal(run.result?.outputs['drifted-count'], '1');
    assert.match(run.result!.summary, /ConfigMap\/shop\/old-config \| extra/);
    assert.ok(lists().every((r) => r.query['labelSelector'] === 'app.kubernetes.io/part-of=shop'));
    assert.equal(lists().length, 3);
  });

  test('owned by an Argo CD application: its tracking annotation or label marks extra objects', async () => {
    await start();
    const tracked = (name: string, tracking: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'shop', annotations: { 'argocd.argoproj.io/tracking-id': tracking } },
      data: {},
    });
    api.create(tracked('old-by-annotation', 'shop:/ConfigMap:shop/old-by-annotation'));
    api.create(tracked('other-app', 'billing:/ConfigMap:shop/other-app'));
    api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'old-by-label', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop' } },
      data: {},
    });
    const run = await runDriftStep(inputs({ 'owned-by': 'argocd=shop' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    const details = JSON.parse(run.result!.outputs['details']!);
    assert.deepEqual(
      details.map((d: { kind: string; key: { name: string } }) => [d.kind, d.key.name]),
      [
        ['extra', 'old-by-annotation'],
        ['extra', 'old-by-label'],
      ],
    );
    assert.equal(lists().length, 3);
    assert.ok(
      lists().every((r) => r.query['labelSelector'] === undefined),
      'annotations cannot be selected: plain LISTs',
    );
  });

  test('an object whose ownership label was removed by hand is compared, not called missing', async () => {
    await start();
    api.update('ConfigMap', 'shop', 'web-config', (o) => {
      o.metadata.labels = {};
    });
    const run = await runDriftStep(inputs({ 'owned-by': 'app.kubernetes.io/part-of=shop' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    const details = JSON.parse(run.result!.outputs['details']!);
    assert.deepEqual(
      details.map((d: { kind: string; diffs: { path: string }[] }) => [d.kind, d.diffs.map((f) => f.path)]),
      [['changed', ['metadata.labels["app.kubernetes.io/part-of"]']]],
    );
  });

  test('an autoscaler owning replicas: not drift when its manager is ignored, drift otherwise', async () => {
    await start();
    api.update('Deployment', 'shop', 'web', (o) => {
      o.spec['replicas'] = 7;
      o.metadata['managedFields'] = [
        { manager: 'kubectl-client-side-apply', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:template': {} } } },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          subresource: 'scale',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        },
      ];
    });
    const ignore = '- group: apps\n  kind: Deployment\n  managedFieldsManagers: [kube-controller-manager]\n';
    const ignored = await runDriftStep(inputs({ 'ignore-differences': ignore }), driftDeps(clock), repo.dir);
    assert.equal(ignored.code, 0, ignored.message);
    assert.equal(ignored.result?.outputs['verdict'], 'in-sync');
    const plain = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(plain.code, 1);
    assert.match(plain.result!.summary, /spec\.replicas: 2 → 7/);
  });

  test('RBAC 403 on one kind: reported, the other kinds still checked', async () => {
    await start({
      'test-token': {
        user: 'system:serviceaccount:ci:drift',
        access: (verb, resource) => !(resource.plural === 'configmaps' && verb === 'list'),
      },
    });
    api.update('Deployment', 'shop', 'web', (o) => {
      (o.spec['template'] as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image = 'registry.example/shop/web:hotfix';
    });
    const run = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(run.code, 1);
    assert.equal(run.result?.outputs['unreadable'], '1');
    const details = JSON.parse(run.result!.outputs['details']!);
    assert.deepEqual(
      details.map((d: { kind: string; key: { kind: string } }) => [d.kind, d.key.kind]),
      [
        ['changed', 'Deployment'],
        ['unreadable', 'ConfigMap'],
      ],
    );
    assert.match(details[1].message, /cannot list resource "configmaps"/);
  });

  test('revision: the desired state at an older commit, the checkout left as it is', async () => {
    await start();
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['add', '.'],
      ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'prod'],
    ])
      await gitIn(repo.dir, args);
    const first = (await gitIn(repo.dir, ['rev-parse', 'HEAD'])).trim();
    await writeFile(join(repo.dir, 'envs/prod/deployment.yaml'), stringify(withImage(deployment, 'registry.example/shop/web:1.5.0')));
    for (const args of [
      ['add', '.'],
      ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'bump'],
    ])
      await gitIn(repo.dir, args);
    const head = await runDriftStep(inputs(), driftDeps(clock), repo.dir);
    assert.equal(head.code, 1, 'HEAD wants 1.5.0, the cluster runs 1.4.2');
    const old = await runDriftStep(inputs({ revision: first }), driftDeps(clock), repo.dir);
    assert.equal(old.code, 0, old.message);
    assert.match(old.result!.summary, new RegExp(`envs/prod at ${first.slice(0, 12)} as Git renders it`));
    assert.equal((await gitIn(repo.dir, ['status', '--porcelain'])).trim(), '');
    const unknown = await runDriftStep(inputs({ revision: 'no-such-branch' }), driftDeps(clock), repo.dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.message, /^revision: "no-such-branch" names no commit/);
  });

  test('a kustomization: rendered with kustomize (namespace and images transformers) before comparing', async () => {
    await start();
    const base = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', labels: OWNED },
      data: { LOG_LEVEL: 'info', FEATURE_X: 'on' },
    };
    const kustomized = await envRepo({
      'envs/prod/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources: [deployment.yaml, ' +
        'config.yaml]\nimages:\n  - name: registry.example/shop/web\n    newTag: 1.4.2\n',
      // The base says 0.0.1; the kustomization's images transformer makes it 1.4.2.
      'envs/prod/deployment.yaml': [withImage(deployment, 'registry.example/shop/web:0.0.1')],
      'envs/prod/config.yaml': [base, service],
    });
    try {
      const synced = await runDriftStep({ ...inputs(), render: 'auto' }, driftDeps(clock), kustomized.dir);
      assert.equal(synced.code, 0, synced.message);
      assert.match(synced.logs.join('\n'), /== Render the environment/);
      api.update('Deployment', 'shop', 'web', (o) => {
        (o.spec['template'] as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image = 'registry.example/shop/web:0.0.1';
      });
      const drifted = await runDriftStep({ ...inputs(), render: 'auto' }, driftDeps(clock), kustomized.dir);
      assert.equal(drifted.code, 1);
      assert.match(drifted.result!.summary, /registry\.example\/shop\/web:1\.4\.2 → registry\.example\/shop\/web:0\.0\.1/);
    } finally {
      await kustomized.cleanup();
    }
  });

  test('fail-on-drift false: drift reported, exit 0', async () => {
    await start();
    api.remove('ConfigMap', 'shop', 'web-config');
    const run = await runDriftStep(inputs({ 'fail-on-drift': 'false' }), driftDeps(clock), repo.dir);
    assert.equal(run.code, 0);
    assert.equal(run.result?.outputs['drifted'], 'true');
  });
});
