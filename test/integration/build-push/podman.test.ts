/**
 * build-push with the real podman (Debian's, `--storage-driver vfs --isolation chroot` through the
 * storage and engine configuration in a temp dir): built, exported as an OCI layout, pushed by Baton to
 * the real registry; the digest is what skopeo reads back.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exec } from '../../../src/adapters/exec.ts';
import { sha256Digest } from '../../../src/adapters/registry/digest.ts';
import { appCheckout, containersStorage, runBuildPush, type Scratch, scratch } from '../../helpers/build-push.ts';
import { type RunningRegistry, skopeoInspect, skopeoRaw, startRegistry } from '../../helpers/registry.ts';

const USER = 'ci';
const PASSWORD = 'podman-pass-51c2';
const CREDS = `${USER}:${PASSWORD}`;

describe('build-push with podman into docker-registry (htpasswd)', () => {
  let registry: RunningRegistry;
  let tmp: Scratch;
  let podmanEnv: Record<string, string>;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  const image = () => `${registry.host}/acme/web`;
  const run = (extra: Record<string, string>) =>
    runBuildPush(
      {
        image: image(),
        context: app.dir,
        builder: 'podman',
        username: USER,
        password: PASSWORD,
        'insecure-registries': registry.host,
        ...extra,
      },
      { ...podmanEnv, HOME: tmp.dir },
    );
  const localImages = async () =>
    (await exec('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { env: podmanEnv })).stdout.split('\n').filter(Boolean);

  before(async () => {
    tmp = await scratch('baton-podman-');
    [registry, podmanEnv, app] = await Promise.all([
      startRegistry({ htpasswd: { [USER]: PASSWORD } }),
      containersStorage(tmp.dir, 'podman'),
      appCheckout(tmp.dir),
    ]);
  });
  after(async () => {
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('builds the multi-stage Dockerfile (a RUN in the busybox stage) and pushes; digest is what skopeo reports', async () => {
    const result = await run({
      file: join(app.dir, 'Dockerfile.multistage'),
      target: 'final',
      'build-args': 'GREETING=built by podman',
      tags: 'pm',
    });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['builder'], 'podman');
    assert.ok(
      result.logs.some((line) => /^building with podman /.test(line)),
      'says it builds with podman',
    );
    const inspected = await skopeoInspect(`docker://${image()}:pm`, { creds: CREDS });
    assert.equal(result.outputs['digest'], inspected.Digest);
    assert.equal(result.outputs['image'], `${image()}@${inspected.Digest}`);
    const config = JSON.parse(
      (await exec('skopeo', ['inspect', '--config', '--tls-verify=false', '--creds', CREDS, `docker://${image()}:pm`])).stdout,
    );
    assert.equal(config.config.Labels['org.opencontainers.image.revision'], app.head);
    assert.deepEqual(config.config.Entrypoint, ['/usr/local/bin/serve']);
    assert.deepEqual(
      (await localImages()).filter((name) => name.includes('baton-build-')),
      [],
      'the private build name is removed',
    );
  });

  it('two platforms: a manifest list pushed with --all, one manifest per platform', async () => {
    // Only COPY instructions: no foreign-architecture binary has to run, so arm64 builds here too.
    await writeFile(join(app.dir, 'Dockerfile.copy'), 'FROM scratch\nCOPY static/index.html /srv/index.html\n');
    const head = await app.commit('a copy-only Dockerfile');
    const result = await run({ file: join(app.dir, 'Dockerfile.copy'), platforms: 'linux/amd64,linux/arm64', tags: 'multi' });
    assert.equal(result.code, 0, result.error);
    const raw = await skopeoRaw(`docker://${image()}:multi`, { creds: CREDS });
    assert.equal(sha256Digest(raw), result.outputs['digest']);
    const index = JSON.parse(raw.toString()) as { manifests: { platform: { architecture: string; os: string } }[] };
    assert.deepEqual(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).sort(), ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(Object.keys(JSON.parse(result.outputs['metadata']!).platforms).sort(), ['linux/amd64', 'linux/arm64']);
    assert.equal(JSON.parse(result.outputs['metadata']!).source.commit, head);
    assert.deepEqual(
      (await localImages()).filter((name) => name.includes('baton-build-')),
      [],
      'the private manifest list is removed',
    );
  });
});
