import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { sha256Digest } from '../../../src/adapters/registry/digest.ts';
import { MediaType, parseManifest } from '../../../src/adapters/registry/media-types.ts';
import { parsePlatform, resolvePlatformManifest, selectPlatform } from '../../../src/adapters/registry/platform.ts';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { NotFoundError } from '../../../src/adapters/registry/registry-errors.ts';
import { UserError } from '../../../src/core/errors.ts';
import type { ImageRef } from '../../../src/core/image-ref.ts';
import { type RunningRegistry, skipWithout, skopeoInspect, skopeoRaw, startRegistry, testClientOptions } from '../../helpers/registry.ts';
import { makeImage, makeIndex, pushImage, pushIndex } from '../../helpers/registry-images.ts';
import { type RegistryProxy, startRegistryProxy } from '../../helpers/registry-proxy.ts';

const USER = 'alice';
const PASSWORD = 'wonderland-42';
const CREDS = `${USER}:${PASSWORD}`;

describe('RegistryClient against docker-registry with htpasswd', { skip: skipWithout('docker-registry', 'skopeo', 'htpasswd') }, () => {
  let registry: RunningRegistry;
  let proxy: RegistryProxy;
  let client: RegistryClient;
  const repo = (repository: string, tag?: string): ImageRef => ({ registry: proxy.host, repository, ...(tag ? { tag } : {}) });
  const requestsSince = (start: number) => proxy.requests.slice(start);

  before(async () => {
    registry = await startRegistry({ htpasswd: { [USER]: PASSWORD } });
    proxy = await startRegistryProxy(registry.url, { paginateTags: true });
    client = new RegistryClient(
      testClientOptions([proxy.host, registry.host], { credentials: [{ registry: proxy.host, username: USER, password: PASSWORD }] }),
    );
  });
  after(async () => {
    await client?.close();
    await proxy?.stop();
    await registry?.stop();
  });

  it('pushes an image and reads it back: HEAD digest, exact bytes, streamed blobs', async () => {
    const image = makeImage({ files: { 'etc/motd': 'hello from baton' } });
    const ref = repo('acme/app', 'v1');
    await pushImage(client, ref, image);
    const head = await client.resolve(ref);
    assert.deepEqual(head, { mediaType: MediaType.ociManifest, digest: image.manifest.digest, size: image.manifest.bytes.length });
    const pulled = await client.getManifest(ref);
    assert.ok(pulled.bytes.equals(image.manifest.bytes), 'manifest bytes are never re-serialised');
    for (const blob of image.blobs) {
      assert.ok((await buffer(await client.getBlob(ref, blob.descriptor))).equals(blob.bytes));
    }
    const raw = await skopeoRaw(`docker://${registry.host}/acme/app:v1`, { creds: CREDS });
    assert.equal(sha256Digest(raw), image.manifest.digest, 'skopeo sees the same manifest');
  });

  it('pushes and pulls Docker v2 media types unchanged', async () => {
    const image = makeImage({ files: { a: 'docker' }, docker: true });
    const ref = repo('acme/docker', 'v1');
    await pushImage(client, ref, image);
    const pulled = await client.getManifest(ref);
    assert.equal(pulled.mediaType, MediaType.dockerManifest);
    assert.equal(pulled.digest, image.manifest.digest);
  });

  it('pushes an index with two platforms and an attestation, and selects a platform', async () => {
    const amd = makeImage({ files: { arch: 'amd64' } });
    const arm = makeImage({ files: { arch: 'arm64' }, architecture: 'arm64' });
    const index = makeIndex([amd, arm], { attestation: true });
    const ref = repo('acme/multi', '1.0');
    await pushIndex(client, ref, index);
    const top = await client.getManifest(ref);
    assert.equal(top.digest, index.index.digest);
    const parsed = parseManifest(top.bytes, top.mediaType);
    assert.equal(parsed.kind, 'index');
    const chosen = parsed.kind === 'index' ? selectPlatform(parsed.index, parsePlatform('linux/arm64')) : undefined;
    assert.equal(chosen?.digest, arm.manifest.digest);
    const picked = await resolvePlatformManifest(client, ref, parsePlatform('linux/arm64'));
    assert.ok(picked.manifest.bytes.equals(arm.manifest.bytes));
    assert.equal(picked.index?.digest, index.index.digest);
    await assert.rejects(
      resolvePlatformManifest(client, ref, parsePlatform('linux/s390x')),
      (e: Error) => e instanceof NotFoundError && /has no linux\/s390x image \(it has: linux\/amd64, linux\/arm64\)/.test(e.message),
    );
    const skopeo = await skopeoInspect(`docker://${registry.host}/acme/multi:1.0`, { creds: CREDS, arch: 'arm64' });
    assert.equal(skopeo.Architecture, 'arm64');
    assert.equal(sha256Digest(await skopeoRaw(`docker://${registry.host}/acme/multi:1.0`, { creds: CREDS })), index.index.digest);
  });

  it('copies within one registry by mounting: no blob bytes move', async () => {
    const index = makeIndex([makeImage({ files: { m: '1' } }), makeImage({ files: { m: '2' }, architecture: 'arm64' })], {
      attestation: true,
    });
    await pushIndex(client, repo('team/source', 'rc'), index);
    const start = proxy.requests.length;
    const result = await client.copyImage(repo('team/source', 'rc'), repo('team/target', 'release'));
    assert.equal(result.digest, index.index.digest);
    assert.equal(result.manifests, 4);
    assert.equal(result.blobs.mounted, 6);
    assert.equal(result.bytesCopied, 0);
    const traffic = requestsSince(start);
    assert.ok(traffic.filter((r) => r.method === 'POST').every((r) => /[?&]mount=sha256%3A[0-9a-f]{64}&from=team%2Fsource/.test(r.url)));
    assert.equal(traffic.filter((r) => r.method === 'PATCH' || (r.method === 'PUT' && r.url.includes('/blobs/'))).length, 0);
    assert.equal(traffic.filter((r) => r.method === 'GET' && r.url.includes('/blobs/')).length, 0);
    assert.equal(sha256Digest(await skopeoRaw(`docker://${registry.host}/team/target:release`, { creds: CREDS })), index.index.digest);
  });

  it('falls back to an upload when the registry answers a mount with 202', async () => {
    const image = makeImage({ files: { fallback: randomBytes(8).toString('hex') } });
    const layer = image.blobs[1]!;
    const target = repo('team/fallback');
    assert.equal(await client.mountBlob(target, layer.descriptor, repo('team/empty-source')), false);
    const outcome = await client.putBlob(target, layer.descriptor, layer.bytes, { mountFrom: repo('team/empty-source') });
    assert.equal(outcome, 'uploaded');
    assert.equal(await client.hasBlob(target, layer.descriptor.digest), true);
    assert.equal(await client.putBlob(target, layer.descriptor, layer.bytes), 'exists');
  });

  it('retags by manifest PUT alone, with no blob traffic', async () => {
    const image = makeImage({ files: { retag: 'me' } });
    await pushImage(client, repo('acme/retag', 'build-7'), image);
    const start = proxy.requests.length;
    const described = await client.tag(repo('acme/retag', 'build-7'), ['1.4.2', 'stable']);
    assert.equal(described.digest, image.manifest.digest);
    const traffic = requestsSince(start);
    assert.equal(traffic.filter((r) => r.url.includes('/blobs/')).length, 0);
    assert.deepEqual(
      traffic.filter((r) => r.method === 'PUT').map((r) => r.url),
      ['/v2/acme/retag/manifests/1.4.2', '/v2/acme/retag/manifests/stable'],
    );
    assert.equal((await client.resolve(repo('acme/retag', 'stable'))).digest, image.manifest.digest);
    const again = proxy.requests.length;
    await client.tag(repo('acme/retag', 'build-7'), ['stable']);
    assert.equal(requestsSince(again).filter((r) => r.method === 'PUT').length, 0, 'a tag already in place is not pushed again');
  });

  // docker-registry 2.8 lists all tags at once; the proxy pages them per the OCI spec.
  it('lists more tags than one page, following Link', async () => {
    const image = makeImage({ files: { many: 'tags' } });
    await pushImage(client, repo('acme/tags', 't00'), image);
    const tags = Array.from({ length: 24 }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
    await client.tag(repo('acme/tags', 't00'), tags);
    const start = proxy.requests.length;
    const listed = await client.listTags(repo('acme/tags'), { pageSize: 10 });
    assert.deepEqual([...listed].sort(), ['t00', ...tags]);
    const pages = requestsSince(start).filter((r) => r.url.includes('/tags/list'));
    assert.equal(pages.length, 3);
    assert.match(pages[1]!.url, /last=t09/);
  });

  it('uploads a large blob in PATCH chunks', async () => {
    const chunked = new RegistryClient(
      testClientOptions([proxy.host], {
        chunkSize: 64 * 1024,
        credentials: [{ registry: proxy.host, username: USER, password: PASSWORD }],
      }),
    );
    try {
      const bytes = randomBytes(200 * 1024);
      const descriptor = { mediaType: MediaType.ociLayer, digest: sha256Digest(bytes), size: bytes.length };
      const start = proxy.requests.length;
      assert.equal(await chunked.putBlob(repo('acme/chunked'), descriptor, bytes), 'uploaded');
      const patches = requestsSince(start).filter((r) => r.method === 'PATCH');
      assert.equal(patches.length, 4);
      assert.ok((await buffer(await client.getBlob(repo('acme/chunked'), descriptor))).equals(bytes));
    } finally {
      await chunked.close();
    }
  });

  it('turns missing things into NotFoundErrors that say what is missing', async () => {
    await assert.rejects(client.resolve(repo('acme/app', 'no-such-tag')), NotFoundError);
    assert.equal(await client.tryResolve(repo('acme/app', 'no-such-tag')), undefined);
    await assert.rejects(
      client.getManifest(repo('acme/app', 'no-such-tag')),
      (e: Error) => e instanceof NotFoundError && /pull the manifest of/.test(e.message),
    );
    await assert.rejects(
      client.listTags(repo('acme/never-pushed')),
      (e: Error) => e instanceof NotFoundError && /repository .*acme\/never-pushed does not exist/.test(e.message),
    );
  });

  it('refuses a manifest whose blobs are missing, saying so', async () => {
    const image = makeImage({ files: { orphan: 'x' } });
    await assert.rejects(
      client.putManifest(repo('acme/orphan', 'v1'), image.manifest),
      (e: Error) => e instanceof UserError && /missing content/.test(e.message),
    );
  });

  it('names the credential source when the password is wrong', async () => {
    const wrong = new RegistryClient(
      testClientOptions([registry.host], {
        credentials: [{ registry: registry.host, username: USER, password: 'not-it', source: 'the password input' }],
      }),
    );
    try {
      await assert.rejects(wrong.resolve({ registry: registry.host, repository: 'acme/app', tag: 'v1' }), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, new RegExp(`${registry.host} rejected the credentials from the password input`));
        assert.doesNotMatch(e.message, /not-it/);
        return true;
      });
    } finally {
      await wrong.close();
    }
  });

  it('says where it looked when there are no credentials at all', async () => {
    const anonymous = new RegistryClient(testClientOptions([registry.host]));
    try {
      await assert.rejects(anonymous.resolve({ registry: registry.host, repository: 'acme/app', tag: 'v1' }), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /needs credentials and none were found \(looked in: .*\.docker\/config\.json \(absent\)/);
        return true;
      });
    } finally {
      await anonymous.close();
    }
  });
});
