import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exec } from '../../src/adapters/exec.ts';
import { type RunningRegistry, skipWithout, skopeoInspect, startRegistry } from '../helpers/registry.ts';
import { runAction } from '../helpers/runner.ts';
import { appCheckout, buildahStorage, type Scratch, scratch } from '../helpers/build-push.ts';

const USER = 'gh';
const PASSWORD = 'gh-registry-token-51c9e';
const CREDS = `${USER}:${PASSWORD}`;

describe('dist/build-push/index.cjs run as the GitHub runner runs it', {
  skip: skipWithout('docker-registry', 'skopeo', 'htpasswd', 'git', 'buildah'),
}, () => {
  let registry: RunningRegistry;
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  let buildahEnv: Record<string, string>;
  const github = (ref: string, sha: string) => ({
    GITHUB_REF: ref,
    GITHUB_SHA: sha,
    GITHUB_SERVER_URL: 'https://forge.example',
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_RUN_NUMBER: '7',
  });

  before(async () => {
    tmp = await scratch();
    [registry, app, buildahEnv] = await Promise.all([
      startRegistry({ htpasswd: { [USER]: PASSWORD } }),
      appCheckout(tmp.dir),
      buildahStorage(tmp.dir),
    ]);
  });
  after(async () => {
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('a pull request: tags and revision from the PR head commit, outputs and summary written, password masked', async () => {
    const merge = 'f'.repeat(40);
    const event = { pull_request: { number: 42, head: { sha: app.head, ref: 'feature/login' } }, repository: { default_branch: 'main' } };
    const inputs = {
      image: `${registry.host}/acme/web`,
      context: app.dir,
      builder: 'layer',
      username: USER,
      password: PASSWORD,
      'insecure-registries': registry.host,
      push: 'true',
      'dry-run': 'false',
      tags: 'run-{{run}}',
    };
    const run = await runAction(
      'build-push',
      inputs,
      { ...github('refs/pull/42/merge', merge), GITHUB_HEAD_REF: 'feature/login', GITHUB_EVENT_NAME: 'pull_request' },
      event,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const sha7 = app.head.slice(0, 7);
    assert.deepEqual(run.outputs['tags']!.split('\n'), [
      `${registry.host}/acme/web:pr-42`,
      `${registry.host}/acme/web:sha-${sha7}`,
      `${registry.host}/acme/web:run-7`,
    ]);
    const inspected = await skopeoInspect(`docker://${registry.host}/acme/web:pr-42`, { creds: CREDS });
    assert.equal(run.outputs['digest'], inspected.Digest);
    assert.equal(run.outputs['image'], `${registry.host}/acme/web@${inspected.Digest}`);
    const labels = (inspected as unknown as { Labels: Record<string, string> }).Labels;
    assert.equal(labels['org.opencontainers.image.revision'], app.head, 'the PR head, not the merge commit');
    assert.equal(labels['org.opencontainers.image.source'], 'https://forge.example/acme/web');
    assert.equal(labels['org.opencontainers.image.version'], 'pr-42');
    for (const name of ['image', 'digest', 'tags', 'skipped', 'builder', 'metadata'])
      assert.ok(name in run.outputs, `output ${name} is set`);
    assert.equal(JSON.parse(run.outputs['metadata']!).source.pr, 42);
    assert.match(run.summary, /### Baton build-push: 127\.0\.0\.1:\d+\/acme\/web/);
    assert.match(run.stdout, new RegExp(`::add-mask::${PASSWORD}`));
    assert.doesNotMatch(run.stdout.replace(`::add-mask::${PASSWORD}`, '') + run.stderr, new RegExp(PASSWORD));
  });

  it('a git tag v1.2.3 built with buildah: semver tags, latest, and the registry digest', async () => {
    await exec('git', ['-C', app.dir, 'tag', 'v1.2.3']);
    const inputs = {
      image: `${registry.host}/acme/api`,
      context: app.dir,
      file: `${app.dir}/Dockerfile.multistage`,
      builder: 'buildah',
      username: USER,
      password: PASSWORD,
      'insecure-registries': registry.host,
    };
    const run = await runAction('build-push', inputs, { ...github('refs/tags/v1.2.3', app.head), ...buildahEnv });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const tags = run.outputs['tags']!.split('\n').map((ref) => ref.split(':').at(-1));
    assert.deepEqual(tags, ['1.2.3', '1.2', '1', 'latest', `sha-${app.head.slice(0, 7)}`]);
    assert.equal(run.outputs['builder'], 'buildah');
    assert.equal((await skopeoInspect(`docker://${registry.host}/acme/api:1.2`, { creds: CREDS })).Digest, run.outputs['digest']);
  });

  it('bad input fails with exit 2, an error annotation naming the input, and nothing pushed', async () => {
    const run = await runAction('build-push', {
      image: `${registry.host}/acme/bad`,
      context: app.dir,
      file: 'missing/Dockerfile',
      username: USER,
      password: PASSWORD,
      'insecure-registries': registry.host,
    });
    assert.equal(run.code, 2);
    assert.match(run.stdout, /::error::file: no Dockerfile at missing\/Dockerfile/);
    const catalog = await fetch(`${registry.url}/v2/_catalog`, {
      headers: { authorization: `Basic ${Buffer.from(CREDS).toString('base64')}` },
    });
    assert.ok(!((await catalog.json()) as { repositories: string[] }).repositories.includes('acme/bad'));
  });
});
