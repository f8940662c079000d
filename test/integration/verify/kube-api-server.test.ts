/**
 * Keeps the Kubernetes API test server honest: the answers verify depends on, checked against the
 * published API's behaviour rather than against what Baton sends.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { type KubeApiServer, manualClock, parseLabelSelector, startKubeApi } from '../../helpers/kube-api.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(api: KubeApiServer, path: string, token: string | undefined = 'test-token', stopAfterMs?: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { ca: api.caPem, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      res.on('end', done);
      if (stopAfterMs !== undefined) {
        setTimeout(() => {
          req.destroy();
          done();
        }, stopAfterMs);
      }
    });
    req.on('error', (error) => (stopAfterMs === undefined ? reject(error) : undefined));
    req.end();
  });
}

describe('the Kubernetes API test server', () => {
  const clock = manualClock();
  let api: KubeApiServer;
  before(async () => {
    api = await startKubeApi({ clock, historyLimit: 5 });
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ] as const) {
      api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'prod', labels: { app: name, tier } }, spec: {} });
    }
  });
  after(() => api.stop());

  test('401 Status without a token, as the API server writes it', async () => {
    const answer = await call(api, '/api/v1/namespaces/prod/pods', '');
    assert.equal(answer.status, 401);
    assert.deepEqual(JSON.parse(answer.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  test('404 Status for a missing object names group and plural', async () => {
    const answer = await call(api, '/apis/apps/v1/namespaces/prod/deployments/web');
    assert.equal(answer.status, 404);
    const status = JSON.parse(answer.body);
    assert.equal(status.message, 'deployments.apps "web" not found');
    assert.deepEqual(status.details, { name: 'web', group: 'apps', kind: 'deployments' });
  });

  test('LIST: label selectors, items without kind, a resourceVersion, pagination', async () => {
    const list = JSON.parse((await call(api, '/api/v1/namespaces/prod/pods?labelSelector=tier%20in%20(web)')).body);
    assert.equal(list.kind, 'PodList');
    assert.deepEqual(
      list.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ['a', 'b'],
    );
    assert.equal(list.items[0].kind, undefined);
    assert.ok(Number(list.metadata.resourceVersion) > 0);
    const page = JSON.parse((await call(api, '/api/v1/namespaces/prod/pods?limit=2')).body);
    assert.equal(page.items.length, 2);
    assert.equal(page.metadata.remainingItemCount, 1);
    const rest = JSON.parse((await call(api, `/api/v1/namespaces/prod/pods?limit=2&continue=${page.metadata.continue}`)).body);
    assert.deepEqual(
      rest.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ['c'],
    );
    const bad = await call(api, '/api/v1/namespaces/prod/pods?labelSelector=tier%20in%20web');
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).reason, 'BadRequest');
    assert.equal((await call(api, '/api/v1/namespaces/prod/pods?fieldSelector=spec.nodeName%3Dx')).status, 400);
  });

  test('label selector grammar', () => {
    const match = parseLabelSelector('app=web,tier!=db,env in (prod,staging),!legacy,track');
    assert.ok(match({ app: 'web', env: 'prod', track: 'stable' }));
    assert.ok(!match({ app: 'web', env: 'prod', track: 'x', legacy: 'y' }));
    assert.ok(!match({ app: 'web', env: 'dev', track: 'x' }));
  });

  test('WATCH from a resourceVersion replays what came after it; a compacted one is 410 Gone', async () => {
    const from = api.resourceVersion;
    api.update('Pod', 'prod', 'a', (p) => {
      p.status = { phase: 'Running' };
    });
    api.update('Pod', 'prod', 'c', (p) => {
      p.status = { phase: 'Running' };
    });
    const watched = await call(
      api,
      `/api/v1/namespaces/prod/pods?watch=true&labelSelector=tier%3Dweb&resourceVersion=${from}`,
      'test-token',
      150,
    );
    const events = watched.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name, e.object.kind]),
      [['MODIFIED', 'a', 'Pod']],
    );
    for (let i = 0; i < 6; i++)
      api.update('Pod', 'prod', 'b', (p) => {
        p.status = { phase: 'Running', n: i };
      });
    const gone = await call(api, `/api/v1/namespaces/prod/pods?watch=true&resourceVersion=${from}`, 'test-token', 150);
    const error = JSON.parse(gone.body.trim().split('\n')[0]!);
    assert.equal(error.type, 'ERROR');
    assert.equal(error.object.code, 410);
    assert.equal(error.object.reason, 'Expired');
  });

  test('generation moves with spec only; resourceVersion with every change', () => {
    api.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' }, spec: { replicas: 1 } });
    const first = api.read('Deployment', 'prod', 'web')!;
    api.update('Deployment', 'prod', 'web', (d) => {
      d.status = { observedGeneration: 1 };
    });
    const second = api.read('Deployment', 'prod', 'web')!;
    api.update('Deployment', 'prod', 'web', (d) => {
      d.spec['replicas'] = 2;
    });
    const third = api.read('Deployment', 'prod', 'web')!;
    assert.deepEqual([first.metadata.generation, second.metadata.generation, third.metadata.generation], [1, 1, 2]);
    assert.ok(Number(third.metadata.resourceVersion) > Number(second.metadata.resourceVersion));
  });

  test('discovery: groups, preferred versions, resources with short names', async () => {
    const group = JSON.parse((await call(api, '/apis/apps')).body);
    assert.deepEqual(group.preferredVersion, { groupVersion: 'apps/v1', version: 'v1' });
    const resources = JSON.parse((await call(api, '/apis/apps/v1')).body);
    assert.ok(
      resources.resources.some(
        (r: { name: string; shortNames?: string[] }) => r.name === 'deployments' && r.shortNames?.includes('deploy'),
      ),
    );
    assert.equal((await call(api, '/apis/example.io')).status, 404);
  });

  test("the Date header is the test clock's", async () => {
    const answer = await call(api, '/api/v1/namespaces/prod/pods');
    assert.equal(Date.parse(String(answer.headers['date'])), Math.floor(clock.now() / 1000) * 1000);
  });
});
