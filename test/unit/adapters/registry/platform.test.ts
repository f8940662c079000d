import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectMediaType, isForeignLayer, MediaType, parseManifest } from '../../../../src/adapters/registry/media-types.ts';
import { formatPlatform, isAttestation, listPlatforms, parsePlatform, selectPlatform } from '../../../../src/adapters/registry/platform.ts';
import { UserError } from '../../../../src/core/errors.ts';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const index = {
  schemaVersion: 2,
  mediaType: MediaType.ociIndex,
  manifests: [
    {
      mediaType: MediaType.ociManifest,
      digest: d(1),
      size: 1,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': d(2) },
    },
    { mediaType: MediaType.ociManifest, digest: d(2), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: MediaType.ociManifest, digest: d(3), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { mediaType: MediaType.ociManifest, digest: d(4), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { mediaType: MediaType.ociManifest, digest: d(5), size: 1, platform: { os: 'linux', architecture: 'arm64' } },
    {
      mediaType: MediaType.ociManifest,
      digest: d(6),
      size: 1,
      platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348' },
    },
  ],
};

describe('selectPlatform', () => {
  const table: [string, string | undefined][] = [
    ['linux/amd64', d(2)],
    ['linux/arm/v6', d(3)],
    ['linux/arm/v7', d(4)],
    ['linux/arm', d(4)],
    ['linux/arm64', d(5)],
    ['linux/arm64/v8', d(5)],
    ['windows/amd64', d(6)],
    ['linux/s390x', undefined],
    ['unknown/unknown', undefined],
  ];
  for (const [wanted, digest] of table) {
    it(`${wanted} → ${digest ?? 'none'}`, () => assert.equal(selectPlatform(index, parsePlatform(wanted))?.digest, digest));
  }
  it('lists runnable platforms without the attestation', () => {
    assert.deepEqual(listPlatforms(index), ['linux/amd64', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm64', 'windows/amd64']);
    assert.equal(isAttestation(index.manifests[0]!), true);
  });
});

describe('parsePlatform', () => {
  it('parses and formats', () => assert.equal(formatPlatform(parsePlatform('Linux/ARM64/v8')), 'linux/arm64/v8'));
  it('names the input on bad syntax', () =>
    assert.throws(() => parsePlatform('amd64', 'platforms'), /platforms: "amd64" is not a platform/));
});

describe('media types', () => {
  it('detects a type from the bytes when the header is generic', () => {
    assert.equal(detectMediaType(Buffer.from('{"manifests":[]}'), 'application/json'), MediaType.ociIndex);
    assert.equal(detectMediaType(Buffer.from('{"config":{},"layers":[]}')), MediaType.ociManifest);
    assert.equal(detectMediaType(Buffer.from(`{"mediaType":"${MediaType.dockerList}","manifests":[]}`)), MediaType.dockerList);
    assert.equal(detectMediaType(Buffer.from('{}'), `${MediaType.dockerManifest}; charset=utf-8`), MediaType.dockerManifest);
  });
  it('refuses schema 1 with a message', () => {
    assert.throws(
      () => detectMediaType(Buffer.from('{"schemaVersion":1}')),
      (e: Error) => e instanceof UserError && /schema 1/.test(e.message),
    );
  });
  it('parses an index', () => {
    const parsed = parseManifest(Buffer.from(JSON.stringify(index)));
    assert.equal(parsed.kind, 'index');
  });
  it('knows foreign layers', () => {
    assert.equal(isForeignLayer({ mediaType: MediaType.dockerForeignLayer, digest: d(1), size: 1, urls: ['https://x'] }), true);
    assert.equal(isForeignLayer({ mediaType: MediaType.ociLayer, digest: d(1), size: 1 }), false);
  });
});
