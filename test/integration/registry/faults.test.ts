import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { DigestMismatchError, sha256Digest } from '../../../src/adapters/registry/digest.ts';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { TransientError } from '../../../src/core/errors.ts';
import type { ImageRef } from '../../../src/core/image-ref.ts';
import { type RunningRegistry, skipWithout, skopeoRaw, startRegistry, testClientOptions } from '../../helpers/registry.ts';
import { makeImage, makeIndex, pushImage, pushIndex } from '../../helpers/registry-images.ts';
import { type RegistryProxy, startRegistryProxy } from '../../helpers/registry-proxy.ts';

const USER = 'ops';
const PASSWORD = 'fault-pass';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

describe('faults between Baton and the registry', { skip: skipWithout('docker-registry', 'skopeo', 'htpasswd') }, () => {
  let source: RunningRegistry;
  let target: RunningRegistry;
  let proxy: RegistryProxy;
  let waits: number[];
  let client: RegistryClient;
  const at = (host: string, repository: string, tag?: string): ImageRef => ({ registry: host, repository, ...(tag ? { tag } : {}) });

  before(async () => {
    [source, target] = await Promise.all([
      startRegistry({ htpasswd: { [USER]: PASSWORD } }),
      startRegistry({ htpasswd: { [USER]: PASSWORD } }),
    ]);
    proxy = await startRegistryProxy(target.url);
    waits = [];
    const credentials = [source.host, target.host, proxy.host].map((registry) => ({ registry, username: USER, password: PASSWORD }));
    client = new RegistryClient(
      testClientOptions([source.host, target.host, proxy.host], {
        credentials,
        retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000, sleep: async (ms) => void waits.push(ms) },
      }),
    );
    await pushIndex(
      client,
      at(source.host, 'acme/api', '3.1.0'),
      makeIndex([makeImage({ files: { f: 'amd' } }), makeImage({ files: { f: 'arm' }, architecture: 'arm64' })]),
    );
  });
  after(async () => {
    await client?.close();
    await proxy?.stop();
    await Promise.all([source?.stop(), target?.stop()]);
  });

  it('waits for Retry-After after a 503, then succeeds', async () => {
    waits.length = 0;
    let faulted = 0;
    proxy.fault = (req) =>
      req.method === 'PUT' && req.url?.includes('/manifests/') && faulted++ === 0
        ? { status: 503, headers: { 'retry-after': '1' } }
        : undefined;
    const result = await client.copyImage(at(source.host, 'acme/api', '3.1.0'), at(proxy.host, 'retry/after'));
    assert.equal(faulted, 5, 'one 503, then four manifests through');
    assert.ok(
      waits.some((ms) => ms >= 1000),
      `waited ${waits.join(', ')} ms`,
    );
    assert.equal(
      sha256Digest(await skopeoRaw(`docker://${target.host}/retry/after:3.1.0`, { creds: `${USER}:${PASSWORD}` })),
      result.digest,
    );
  });

  it('retries a 429 on a pull', async () => {
    waits.length = 0;
    let faulted = 0;
    proxy.fault = (req) =>
      req.method === 'GET' && req.url?.includes('/manifests/') && faulted++ === 0
        ? { status: 429, headers: { 'retry-after': '2' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' }
        : undefined;
    const manifest = await client.getManifest(at(proxy.host, 'retry/after', '3.1.0'));
    assert.ok(manifest.digest.startsWith('sha256:'));
    assert.deepEqual(waits, [2000]);
  });

  it('survives a connection dropped in the middle of a blob upload', async () => {
    let dropped = 0;
    proxy.fault = (req) => (req.method === 'PUT' && req.url?.includes('/blobs/uploads/') && dropped++ === 0 ? 'drop-mid-body' : undefined);
    const result = await client.copyImage(at(source.host, 'acme/api', '3.1.0'), at(proxy.host, 'dropped/upload'));
    assert.ok(dropped > 1);
    assert.ok(
      proxy.requests.some((r) => r.status === -1),
      'the connection really was cut',
    );
    assert.equal(result.blobs.uploaded, 4);
    assert.equal(
      sha256Digest(await skopeoRaw(`docker://${target.host}/dropped/upload:3.1.0`, { creds: `${USER}:${PASSWORD}` })),
      result.digest,
    );
  });

  it('fails cleanly when the registry stays down: no tag points at a missing manifest', async () => {
    proxy.fault = (req) => (req.method === 'PUT' && req.url?.includes('/manifests/') ? { status: 503 } : undefined);
    await assert.rejects(client.copyImage(at(source.host, 'acme/api', '3.1.0'), at(proxy.host, 'down/for/good')), (e: Error) => {
      assert.ok(e instanceof TransientError);
      assert.match(e.message, /answered 503/);
      return true;
    });
    proxy.fault = () => undefined;
    assert.equal(await client.tryResolve(at(proxy.host, 'down/for/good', '3.1.0')), undefined);
  });

  it('falls back to GET when HEAD has no Docker-Content-Digest', async () => {
    const stripping = await startRegistryProxy(target.url, {
      rewrite: (res) => {
        const headers = { ...res.headers };
        delete headers['docker-content-digest'];
        return headers;
      },
    });
    const viaStrip = new RegistryClient(
      testClientOptions([stripping.host], { credentials: [{ registry: stripping.host, username: USER, password: PASSWORD }] }),
    );
    try {
      const expected = await client.resolve(at(target.host, 'retry/after', '3.1.0'));
      assert.deepEqual(await viaStrip.resolve(at(stripping.host, 'retry/after', '3.1.0')), expected);
      assert.ok(stripping.requests.some((r) => r.method === 'GET' && r.url.endsWith('/manifests/3.1.0')));
    } finally {
      await viaStrip.close();
      await stripping.stop();
    }
  });

  it('refuses manifest bytes that do not match the digest asked for', async () => {
    const digest = (await client.resolve(at(target.host, 'retry/after', '3.1.0'))).digest;
    proxy.fault = (req) =>
      req.method === 'GET' && req.url?.includes(`/manifests/${digest}`)
        ? {
            status: 200,
            headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
            body: '{"schemaVersion":2,"manifests":[]}',
          }
        : undefined;
    try {
      await assert.rejects(client.getManifest({ ...at(proxy.host, 'retry/after'), digest }), DigestMismatchError);
    } finally {
      proxy.fault = () => undefined;
    }
  });

  describe('redirects to blob storage', () => {
    let storage: Server;
    let storageUrl: string;
    const seen: (string | undefined)[] = [];

    before(async () => {
      // A storage host on another origin (localhost, not 127.0.0.1) that serves blobs without auth.
      storage = createServer((req, res) => {
        seen.push(req.headers.authorization);
        fetch(`${target.url}${req.url}`, { headers: { authorization: BASIC } }).then(
          async (answer) => {
            res.writeHead(answer.status).end(Buffer.from(await answer.arrayBuffer()));
          },
          () => res.writeHead(502).end(),
        );
      });
      await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
      const address = storage.address();
      storageUrl = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
    });
    after(async () => new Promise<void>((resolve) => storage.close(() => resolve())));

    it('follows a blob redirect to another origin without the Authorization header', async () => {
      const image = makeImage({ files: { redirected: 'blob' } });
      await pushImage(client, at(proxy.host, 'redirect/me', 'v1'), image);
      proxy.fault = (req) =>
        req.method === 'GET' && req.url?.includes('/blobs/sha256:')
          ? { status: 307, headers: { location: `${storageUrl}${req.url}` } }
          : undefined;
      try {
        const layer = image.blobs[1]!;
        const bytes = await buffer(await client.getBlob(at(proxy.host, 'redirect/me'), layer.descriptor));
        assert.ok(bytes.equals(layer.bytes));
        const redirected = proxy.requests.filter((r) => r.status === 307);
        assert.ok(
          redirected.length > 0 && redirected.every((r) => r.authorization?.startsWith('Basic ')),
          'the registry itself got credentials',
        );
        assert.deepEqual(seen, [undefined], 'the storage host never saw them');
      } finally {
        proxy.fault = () => undefined;
      }
    });
  });
});
