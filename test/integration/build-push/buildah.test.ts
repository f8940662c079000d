import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exec } from '../../../src/adapters/exec.ts';
import { type RunningRegistry, skipWithout, skopeoInspect, startRegistry } from '../../helpers/registry.ts';
import { appCheckout, buildahStorage, runBuildPush, type Scratch, scratch } from '../../helpers/build-push.ts';

const USER = 'ci';
const PASSWORD = 'push-secret-7f3a';
const CREDS = `${USER}:${PASSWORD}`;

describe('build-push with buildah into docker-registry (htpasswd)', {
  skip: skipWithout('buildah', 'docker-registry', 'skopeo', 'htpasswd', 'git'),
}, () => {
  let registry: RunningRegistry;
  let tmp: Scratch;
  let buildahEnv: Record<string, string>;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  const image = () => `${registry.host}/acme/web`;
  const run = (extra: Record<string, string> = {}) =>
    runBuildPush(
      {
        image: image(),
        context: app.dir,
        file: join(app.dir, 'Dockerfile.multistage'),
        target: 'final',
        'build-args': 'GREETING=built by buildah',
        builder: 'auto',
        username: USER,
        password: PASSWORD,
        'insecure-registries': registry.host,
        ...extra,
      },
      { ...buildahEnv, HOME: tmp.dir },
    );

  before(async () => {
    tmp = await scratch();
    [registry, buildahEnv, app] = await Promise.all([
      startRegistry({ htpasswd: { [USER]: PASSWORD } }),
      buildahStorage(tmp.dir),
      appCheckout(tmp.dir),
    ]);
  });
  after(async () => {
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('auto picks buildah, builds the multi-stage Dockerfile and pushes; digest is what skopeo reports', async () => {
    const result = await run();
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['builder'], 'buildah');
    assert.equal(result.outputs['skipped'], 'false');
    assert.ok(
      result.logs.some((line) => /^building with buildah .*\(builder: auto\)/.test(line)),
      'says which builder auto chose',
    );
    assert.ok(
      result.logs.some((line) => /passed over buildx: /.test(line)),
      'says why buildx was passed over',
    );
    const sha7 = app.head.slice(0, 7);
    const inspected = await skopeoInspect(`docker://${image()}:sha-${sha7}`, { creds: CREDS });
    assert.equal(result.outputs['digest'], inspected.Digest, 'digest output is the registry digest');
    assert.equal(result.outputs['image'], `${image()}@${inspected.Digest}`);
    assert.deepEqual(result.outputs['tags']!.split('\n'), [`${image()}:main`, `${image()}:sha-${sha7}`]);
    const config = JSON.parse(
      (await exec('skopeo', ['inspect', '--config', '--tls-verify=false', '--creds', CREDS, `docker://${image()}:main`])).stdout,
    );
    assert.notEqual(
      JSON.parse((await exec('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', CREDS, `docker://${image()}:main`])).stdout)
        .config.digest,
      result.outputs['digest'],
      'never the local image id',
    );
    assert.equal(config.config.Labels['org.opencontainers.image.revision'], app.head);
    assert.equal(config.config.Labels['org.opencontainers.image.version'], 'main');
    assert.match(config.config.Labels['org.opencontainers.image.created'], /^2024-05-01T10:00:00Z$/);
    assert.deepEqual(config.config.Entrypoint, ['/usr/local/bin/serve']);
    const metadata = JSON.parse(result.outputs['metadata']!);
    assert.equal(metadata.digest, inspected.Digest);
    assert.equal(metadata.source.commit, app.head);
    assert.match(metadata.keyTag, /^src-[0-9a-f]{32}$/);
    assert.match(result.summary, /### Baton build-push: 127\.0\.0\.1:\d+\/acme\/web/);
  });

  it('builds once: an unchanged context skips the build and only adds tags; a changed file rebuilds', async () => {
    const first = await run();
    assert.equal(first.outputs['skipped'], 'true', first.error);
    assert.equal(first.outputs['builder'], '');
    const skipped = await run({ tags: 'release-{{sha}}' });
    assert.equal(skipped.code, 0, skipped.error);
    assert.equal(skipped.outputs['skipped'], 'true');
    const tagged = await skopeoInspect(`docker://${image()}:release-${app.head.slice(0, 7)}`, { creds: CREDS });
    assert.equal(tagged.Digest, skipped.outputs['digest'], 'the new tag points at the existing image');
    assert.ok(!skipped.logs.some((line) => line.startsWith('building with')), 'no builder ran');

    await writeFile(join(app.dir, 'static/index.html'), 'changed\n');
    const head = await app.commit('change');
    const rebuilt = await run();
    assert.equal(rebuilt.code, 0, rebuilt.error);
    assert.equal(rebuilt.outputs['skipped'], 'false');
    assert.notEqual(rebuilt.outputs['digest'], skipped.outputs['digest']);
    assert.equal((await skopeoInspect(`docker://${image()}:sha-${head.slice(0, 7)}`, { creds: CREDS })).Digest, rebuilt.outputs['digest']);
    assert.equal(
      (await skopeoInspect(`docker://${image()}:main`, { creds: CREDS })).Digest,
      rebuilt.outputs['digest'],
      'the branch tag moved',
    );
  });
});
