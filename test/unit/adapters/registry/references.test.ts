import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { chunksOf } from '../../../../src/adapters/registry/blob-upload.ts';
import { OciLayoutStore } from '../../../../src/adapters/registry/oci-layout.ts';
import { formatLocation, isLayoutReference, openImage, parseLayoutReference } from '../../../../src/adapters/registry/open-image.ts';
import { RegistryClient } from '../../../../src/adapters/registry/registry-client.ts';
import { Dispatchers } from '../../../../src/adapters/registry/tls.ts';
import { UserError } from '../../../../src/core/errors.ts';

const digest = `sha256:${'a'.repeat(64)}`;

describe('OCI layout references', () => {
  it('parses oci:<dir>[:tag][@digest]', () => {
    assert.deepEqual(parseLayoutReference('oci:build/out'), { registry: 'oci', repository: resolve('build/out') });
    assert.deepEqual(parseLayoutReference('oci:/ci/x:1.0'), { registry: 'oci', repository: '/ci/x', tag: '1.0' });
    assert.deepEqual(parseLayoutReference(`oci:/ci/x@${digest}`), { registry: 'oci', repository: '/ci/x', digest });
  });
  it('rejects a missing directory or a bad tag, naming the input', () => {
    assert.throws(() => parseLayoutReference('oci:', 'image'), /image: "oci:" names no directory/);
    assert.throws(
      () => parseLayoutReference('oci:/ci/x:-bad', 'target'),
      (e: Error) => e instanceof UserError && /target: "-bad" is not a valid tag/.test(e.message),
    );
  });
  it('opens the store the reference names', async () => {
    const registry = new RegistryClient({ env: {}, home: '/nonexistent' });
    assert.equal(isLayoutReference('oci:/ci/x'), true);
    const layout = openImage('oci:/ci/x:v1', registry);
    assert.ok(layout.client instanceof OciLayoutStore);
    assert.equal(formatLocation(layout), 'oci:/ci/x:v1');
    const remote = openImage('ghcr.io/acme/api:1', registry);
    assert.equal(remote.client, registry);
    assert.equal(formatLocation(remote), 'ghcr.io/acme/api:1');
    await registry.close();
  });
});

describe('chunksOf', () => {
  it('cuts a stream into exact pieces whatever the input chunking', async () => {
    const input = Readable.from([Buffer.from('abc'), Buffer.from('defghij'), Buffer.from('k')]);
    const pieces: string[] = [];
    for await (const piece of chunksOf(input, 4)) pieces.push(piece.toString());
    assert.deepEqual(pieces, ['abcd', 'efgh', 'ijk']);
  });
  it('yields nothing for an empty stream', async () => {
    const pieces: Buffer[] = [];
    for await (const piece of chunksOf(Readable.from([]), 4)) pieces.push(piece);
    assert.equal(pieces.length, 0);
  });
});

describe('insecure registries', () => {
  const dispatchers = new Dispatchers({ insecureRegistries: ['127.0.0.1:5000', 'http://legacy.example', 'LOCALHOST'] });
  it('matches host:port exactly and a bare host on any port', () => {
    assert.equal(dispatchers.isInsecure('127.0.0.1:5000'), true);
    assert.equal(dispatchers.isInsecure('127.0.0.1:5001'), false);
    assert.equal(dispatchers.isInsecure('legacy.example:8443'), true);
    assert.equal(dispatchers.isInsecure('localhost:5000'), true);
  });
  it('never treats an unnamed host as insecure, localhost included', () => {
    assert.equal(new Dispatchers().isInsecure('localhost:5000'), false);
    assert.equal(new Dispatchers().isInsecure('127.0.0.1'), false);
  });
});

describe('Docker Hub', () => {
  it('talks to registry-1.docker.io for docker.io', async () => {
    const client = new RegistryClient({ env: {}, home: '/nonexistent' });
    assert.equal(client.session('docker.io').apiHost, 'registry-1.docker.io');
    assert.equal(client.session('ghcr.io').apiHost, 'ghcr.io');
    await client.close();
  });
});
