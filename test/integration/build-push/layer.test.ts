import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exec } from '../../../src/adapters/exec.ts';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { type RunningRegistry, skipWithout, skopeoInspect, skopeoRaw, startRegistry, testClientOptions } from '../../helpers/registry.ts';
import { makeImage, makeIndex, pushIndex } from '../../helpers/registry-images.ts';
import { type RegistryProxy, startRegistryProxy } from '../../helpers/registry-proxy.ts';
import { appCheckout, runBuildPush, type Scratch, scratch } from '../../helpers/build-push.ts';
import { sha256Digest } from '../../../src/adapters/registry/digest.ts';

const EPOCH = '1700000000';

describe('the layer builder: reproducible, into an OCI layout', { skip: skipWithout('git', 'skopeo') }, () => {
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  const build = (out: string, env: Record<string, string> = {}) =>
    runBuildPush(
      { image: `oci:${join(tmp.dir, out)}`, context: app.dir, builder: 'layer', 'build-args': 'VERSION=1.0' },
      { HOME: tmp.dir, SOURCE_DATE_EPOCH: EPOCH, ...env },
    );

  before(async () => {
    tmp = await scratch();
    app = await appCheckout(tmp.dir);
  });
  after(() => tmp?.cleanup());

  it('gives the same digest twice from the same input, another with another SOURCE_DATE_EPOCH', async () => {
    const [a, b, c] = [await build('a'), await build('b'), await build('c', { SOURCE_DATE_EPOCH: '1700000001' })];
    for (const run of [a, b, c]) assert.equal(run.code, 0, run.error);
    assert.equal(a.outputs['digest'], b.outputs['digest']);
    assert.notEqual(a.outputs['digest'], c.outputs['digest']);
    const inspected = JSON.parse((await exec('skopeo', ['inspect', `oci:${join(tmp.dir, 'a')}:main`])).stdout);
    assert.equal(inspected.Digest, a.outputs['digest'], 'skopeo reads the layout and agrees');
    assert.equal(inspected.Created, '2023-11-14T22:13:20Z');
    assert.equal(inspected.Labels['org.example.component'], 'web');
    const listing = (await exec('sh', ['-c', `tar tvzf ${join(tmp.dir, 'a', 'blobs', inspected.Layers[0].replace(':', '/'))}`])).stdout;
    assert.match(listing, /-rwxr-xr-x 0\/0 +21 2023-11-14 22:13 usr\/local\/bin\/serve/);
    assert.match(listing, /srv\/static\/index\.html/);
  });

  it('keys uncommitted changes by content: an edit rebuilds, .dockerignored files do not', async () => {
    const first = await build('d');
    await writeFile(join(app.dir, 'debug.log'), 'ignored by .dockerignore and not in git\n');
    const same = await build('d');
    assert.equal(same.outputs['skipped'], 'true', 'an ignored file changes nothing');
    await writeFile(join(app.dir, 'static/index.html'), 'edited, not committed\n');
    const edited = await build('d');
    assert.equal(edited.outputs['skipped'], 'false');
    assert.notEqual(edited.outputs['digest'], first.outputs['digest']);
    await exec('git', ['-C', app.dir, 'checkout', '--', 'static/index.html']);
  });

  it('names the Dockerfile line it cannot carry out', async () => {
    const run = await runBuildPush(
      { image: `oci:${join(tmp.dir, 'x')}`, context: app.dir, file: join(app.dir, 'Dockerfile.multistage'), builder: 'layer' },
      { HOME: tmp.dir },
    );
    assert.equal(run.code, 2);
    assert.match(
      run.error ?? '',
      /^builder: layer cannot build here: Dockerfile\.multistage:9: COPY --from copies from another stage or image; .*Use builder buildah, buildx, podman or kaniko for this Dockerfile\.$/,
    );
  });
});

describe('the layer builder on a multi-platform base in a registry', {
  skip: skipWithout('docker-registry', 'skopeo', 'htpasswd', 'git'),
}, () => {
  let registry: RunningRegistry;
  let proxy: RegistryProxy;
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  const creds = { username: 'ci', password: 'layer-pass-1' };

  before(async () => {
    tmp = await scratch();
    [registry, app] = await Promise.all([startRegistry({ htpasswd: { [creds.username]: creds.password } }), appCheckout(tmp.dir)]);
    proxy = await startRegistryProxy(registry.url);
    const client = new RegistryClient(testClientOptions([proxy.host], { credentials: [{ registry: proxy.host, ...creds }] }));
    const base = makeIndex(
      [
        makeImage({ files: { 'etc/os-release': 'amd64' } }),
        makeImage({ files: { 'etc/os-release': 'arm64' }, architecture: 'arm64', variant: 'v8' }),
      ],
      { attestation: true },
    );
    await pushIndex(client, { registry: proxy.host, repository: 'base/os', tag: '1' }, base);
    await client.close();
  });
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('builds an index for two platforms, mounts the base layers, and pushes what skopeo reads', async () => {
    const start = proxy.requests.length;
    const run = await runBuildPush(
      {
        image: `${proxy.host}/acme/web`,
        context: app.dir,
        builder: 'layer',
        platforms: 'linux/amd64,linux/arm64',
        'build-args': `BASE=${proxy.host}/base/os:1`,
        ...creds,
        'insecure-registries': proxy.host,
      },
      { HOME: tmp.dir, SOURCE_DATE_EPOCH: EPOCH },
    );
    assert.equal(run.code, 0, run.error);
    const raw = await skopeoRaw(`docker://${proxy.host}/acme/web:main`, { creds: `${creds.username}:${creds.password}` });
    assert.equal(sha256Digest(raw), run.outputs['digest']);
    const index = JSON.parse(raw.toString());
    assert.deepEqual(
      index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture),
      ['amd64', 'arm64'],
    );
    const metadata = JSON.parse(run.outputs['metadata']!);
    assert.deepEqual(Object.keys(metadata.platforms), ['linux/amd64', 'linux/arm64/v8']);
    const arm = await skopeoInspect(`docker://${proxy.host}/acme/web:main`, {
      creds: `${creds.username}:${creds.password}`,
      arch: 'arm64',
    });
    assert.equal(arm.Architecture, 'arm64');
    const mounts = proxy.requests.slice(start).filter((r) => r.method === 'POST' && r.url.includes('mount=') && r.status === 201);
    assert.equal(mounts.length, 2, 'both base layers were mounted from base/os, not uploaded');
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  });
});
