import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bumpStep } from '../../../src/steps/bump/step.ts';
import { defaultBumpDeps } from '../../../src/steps/bump/deps.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';

const USER = 'x-access-token';
const TOKEN = 'bump-push-token-5f1e9';
const D1 = `sha256:${'1'.repeat(64)}`;

const ENV_REPO: Record<string, string> = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n  production:\n    path: envs/production\n',
  'envs/staging/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nimages:\n  - name: ' +
    'ghcr.io/acme/api\n    newTag: "1.0.0" # staging runs this\n  - name: ghcr.io/acme/web\n    newTag: 2.0.0\n',
  'envs/staging/values.yaml': "worker:\n  image:\n    registry: ghcr.io\n    repository: acme/worker\n    tag: '3.1.0'\n",
  'envs/production/kustomization.yaml': 'images:\n  - name: ghcr.io/acme/api\n    newTag: "0.9.0"\n',
  'base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n',
};

describe('bump in push mode over smart HTTP', () => {
  let server: GitServer;
  const step = bumpStep(defaultBumpDeps({}));
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runInMemory(step, { repo: server.url('env'), token: TOKEN, ...inputs }, env);

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    await server.createRepo('env', ENV_REPO, { branch: 'main' });
  });
  after(() => server.stop());

  it('writes the new tag, commits with trailers, and sets every output', async () => {
    const result = await run(
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0' },
      { GITHUB_SERVER_URL: 'https://forge.example', GITHUB_REPOSITORY: 'acme/api', GITHUB_SHA: 'abc123', GITHUB_RUN_ID: '77' },
    );
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['changed'], 'true');
    assert.equal(result.outputs['old-tag'], '1.0.0');
    assert.equal(result.outputs['new-tag'], '1.1.0');
    assert.equal(result.outputs['image'], 'ghcr.io/acme/api:1.1.0');
    assert.equal(result.outputs['files'], 'envs/staging/kustomization.yaml');
    assert.equal(result.outputs['pr-url'], '');
    const file = await server.readFile('env', 'main', 'envs/staging/kustomization.yaml');
    assert.equal(file, ENV_REPO['envs/staging/kustomization.yaml']!.replace('"1.0.0" # staging', '"1.1.0" # staging'));
    const [head] = await server.log('env', 'main');
    assert.equal(head!.oid, result.outputs['commit']);
    assert.equal(head!.subject, 'staging: bump ghcr.io/acme/api to 1.1.0');
    assert.match(head!.message, /\nBaton-Image: ghcr\.io\/acme\/api:1\.1\.0\n/);
    assert.match(head!.message, /\nBaton-Source: https:\/\/forge\.example\/acme\/api\/commit\/abc123\n/);
    assert.match(head!.message, /\nBaton-Run: https:\/\/forge\.example\/acme\/api\/actions\/runs\/77/);
    assert.match(result.summary, /```diff\n[\s\S]*- {4}newTag: "1\.0\.0" # staging runs this\n\+ {4}newTag: "1\.1\.0" # staging runs this/);
    assert.equal(
      await server.readFile('env', 'main', 'envs/production/kustomization.yaml'),
      ENV_REPO['envs/production/kustomization.yaml'],
    );
  });

  it('is idempotent: the same bump again changes nothing and makes no commit', async () => {
    const before = await server.log('env', 'main');
    const result = await run({ env: 'staging', image: 'ghcr.io/acme/api:1.1.0' });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['changed'], 'false');
    assert.equal(result.outputs['commit'], before[0]!.oid);
    assert.equal(result.outputs['old-tag'], '1.1.0');
    assert.equal((await server.log('env', 'main')).length, before.length);
  });

  it('lands several images in one commit, Helm values with a split registry included', async () => {
    const before = (await server.log('env', 'main')).length;
    const result = await run({ env: 'staging', image: `ghcr.io/acme/web:2.1.0\nghcr.io/acme/worker:3.2.0@${D1}`, pin: 'tag' });
    assert.equal(result.code, 0, result.error);
    const log = await server.log('env', 'main');
    assert.equal(log.length, before + 1);
    assert.match(log[0]!.subject, /^staging: bump 2 images \(web 2\.1\.0, worker 3\.2\.0\)$/);
    assert.match((await server.readFile('env', 'main', 'envs/staging/values.yaml')) ?? '', /tag: '3\.2\.0'\n$/);
    assert.match((await server.readFile('env', 'main', 'envs/staging/kustomization.yaml')) ?? '', /newTag: 2\.1\.0\n$/);
  });

  it('dry-run computes the diff and outputs but pushes nothing', async () => {
    const before = await server.log('env', 'main');
    const result = await run({ env: 'staging', image: 'ghcr.io/acme/api:9.9.9', 'dry-run': 'true' });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['changed'], 'true');
    assert.equal(result.outputs['commit'], '');
    assert.match(result.summary, /\(dry run\)/);
    assert.match(result.summary, /\+ {4}newTag: "9\.9\.9"/);
    assert.deepEqual(await server.log('env', 'main'), before);
  });

  it('keeps a newer version and says so, unless allow-downgrade is set', async () => {
    const kept = await run({ env: 'staging', image: 'ghcr.io/acme/api:1.0.5' });
    assert.equal(kept.code, 0, kept.error);
    assert.equal(kept.outputs['changed'], 'false');
    assert.ok(
      kept.logs.some((line) => /kept 1\.1\.0, newer than 1\.0\.5/.test(line)),
      kept.logs.join('\n'),
    );
    const forced = await run({ env: 'staging', image: 'ghcr.io/acme/api:1.0.5', 'allow-downgrade': 'true' });
    assert.equal(forced.outputs['changed'], 'true');
    assert.equal(forced.outputs['new-tag'], '1.0.5');
  });

  it('works by path, without baton.yaml naming it', async () => {
    const result = await run({ path: 'envs/production', image: 'ghcr.io/acme/api:1.0.0' });
    assert.equal(result.code, 0, result.error);
    assert.equal((await server.log('env', 'main'))[0]!.subject, 'production: bump ghcr.io/acme/api to 1.0.0');
  });

  it('a wrong token is a clear error naming the input, and nothing is pushed', async () => {
    const before = await server.log('env', 'main');
    const result = await runInMemory(step, {
      repo: server.url('env'),
      token: 'wrong-token-xyz',
      env: 'staging',
      image: 'ghcr.io/acme/api:5.0.0',
    });
    assert.equal(result.code, 2);
    assert.match(result.error ?? '', /token/);
    assert.doesNotMatch(result.error ?? '', /wrong-token-xyz/);
    assert.deepEqual(await server.log('env', 'main'), before);
  });
});
