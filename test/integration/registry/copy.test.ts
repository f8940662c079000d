import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256Digest } from '../../../src/adapters/registry/digest.ts';
import { OciLayoutStore, REF_NAME_ANNOTATION } from '../../../src/adapters/registry/oci-layout.ts';
import { openImage } from '../../../src/adapters/registry/open-image.ts';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { copyImage } from '../../../src/adapters/registry/copy.ts';
import {
  type RunningRegistry,
  skipWithout,
  skopeoCopy,
  skopeoInspect,
  skopeoRaw,
  startRegistry,
  testClientOptions,
} from '../../helpers/registry.ts';
import { makeImage, makeIndex, pushImage, pushIndex } from '../../helpers/registry-images.ts';

const STAGING = { user: 'stage', password: 'stage-pass' };
const PROD = { user: 'prod', password: 'prod-pass' };

describe('copying images between registries and OCI layouts', { skip: skipWithout('docker-registry', 'skopeo', 'htpasswd') }, () => {
  let staging: RunningRegistry;
  let production: RunningRegistry;
  let client: RegistryClient;
  let work: string;
  const stagingCreds = `${STAGING.user}:${STAGING.password}`;
  const prodCreds = `${PROD.user}:${PROD.password}`;

  before(async () => {
    [staging, production] = await Promise.all([
      startRegistry({ htpasswd: { [STAGING.user]: STAGING.password } }),
      startRegistry({ htpasswd: { [PROD.user]: PROD.password } }),
    ]);
    work = await mkdtemp(join(tmpdir(), 'baton-copy-'));
    client = new RegistryClient(
      testClientOptions([staging.host, production.host], {
        credentials: [
          { registry: staging.host, username: STAGING.user, password: STAGING.password },
          { registry: production.host, username: PROD.user, password: PROD.password },
        ],
      }),
    );
  });
  after(async () => {
    await client?.close();
    await Promise.all([staging?.stop(), production?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('copies a multi-platform index to another registry with the same digest, streaming every blob', async () => {
    const index = makeIndex(
      [makeImage({ files: { p: 'amd' } }), makeImage({ files: { p: 'arm' }, architecture: 'arm64', variant: 'v8' })],
      {
        attestation: true,
      },
    );
    await pushIndex(client, { registry: staging.host, repository: 'acme/api', tag: '2.0.0' }, index);
    const result = await client.copyImage(
      { registry: staging.host, repository: 'acme/api', tag: '2.0.0' },
      { registry: production.host, repository: 'platform/api' },
    );
    assert.equal(result.digest, index.index.digest);
    assert.equal(result.manifests, 4);
    assert.equal(result.blobs.uploaded, 6);
    assert.equal(result.blobs.mounted, 0);
    const blobBytes = index.images.flatMap((image) => image.blobs).reduce((sum, blob) => sum + blob.bytes.length, 0);
    assert.equal(result.bytesCopied, blobBytes);
    const raw = await skopeoRaw(`docker://${production.host}/platform/api:2.0.0`, { creds: prodCreds });
    assert.ok(raw.equals(index.index.bytes), 'the target serves the very same index bytes (tag taken from the source)');
    const arm = await skopeoInspect(`docker://${production.host}/platform/api:2.0.0`, { creds: prodCreds, arch: 'arm64' });
    assert.equal(arm.Architecture, 'arm64');
  });

  it('copies again without moving bytes when the target has everything', async () => {
    const result = await client.copyImage(
      { registry: staging.host, repository: 'acme/api', tag: '2.0.0' },
      { registry: production.host, repository: 'platform/api', tag: 'stable' },
    );
    assert.equal(result.bytesCopied, 0);
    assert.equal(result.blobs.existing, 6);
  });

  it('round-trips through an OCI layout that skopeo reads and writes', async () => {
    const layoutDir = join(work, 'layout');
    const image = makeImage({ files: { 'app/run': '#!/bin/sh\necho hi\n' } });
    const layout = openImage(`oci:${layoutDir}:1.0`, client);
    await pushImage(layout.client, layout.ref, image);
    const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].annotations[REF_NAME_ANNOTATION], '1.0');

    const pushed = await copyImage(layout, { client, ref: { registry: production.host, repository: 'from/layout', tag: '1.0' } });
    assert.equal(pushed.digest, image.manifest.digest);
    assert.equal(sha256Digest(await skopeoRaw(`docker://${production.host}/from/layout:1.0`, { creds: prodCreds })), image.manifest.digest);

    // skopeo reads the layout Baton wrote…
    await skopeoCopy(`oci:${layoutDir}:1.0`, `docker://${production.host}/by/skopeo:1.0`, { destCreds: prodCreds });
    assert.equal(sha256Digest(await skopeoRaw(`docker://${production.host}/by/skopeo:1.0`, { creds: prodCreds })), image.manifest.digest);
    // …and Baton reads a layout skopeo wrote.
    const skopeoDir = join(work, 'skopeo-layout');
    await skopeoCopy(`docker://${staging.host}/acme/api:2.0.0`, `oci:${skopeoDir}:pulled`, { srcCreds: stagingCreds });
    const fromSkopeo = new OciLayoutStore(skopeoDir);
    const pulled = await fromSkopeo.resolve({ registry: 'oci', repository: skopeoDir, tag: 'pulled' });
    assert.equal(pulled.digest, (await client.resolve({ registry: staging.host, repository: 'acme/api', tag: '2.0.0' })).digest);
  });

  it('copies a registry image into a layout and back out to a registry', async () => {
    const layout = openImage(`oci:${join(work, 'pulled')}:prod`, client);
    const down = await copyImage({ client, ref: { registry: production.host, repository: 'platform/api', tag: 'stable' } }, layout);
    assert.equal(down.blobs.uploaded, 6);
    const up = await copyImage(layout, { client, ref: { registry: staging.host, repository: 'back/again', tag: 'prod' } });
    assert.equal(up.digest, down.digest);
    assert.equal(sha256Digest(await skopeoRaw(`docker://${staging.host}/back/again:prod`, { creds: stagingCreds })), down.digest);
  });
});
