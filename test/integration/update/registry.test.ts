/**
 * The registry side of update against the real registry, through the proxy that pages tag lists as
 * the distribution spec says and answers ETags: a repository of 1,000+ tags (one manifest, tagged by
 * manifest PUT), listed in pages and then revalidated with conditional requests; a mutable tag moved
 * between runs; newest-build's creation times read once and then kept by digest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { emptyTagCache } from '../../../src/adapters/registry/tag-cache.ts';
import { parseUpdatePolicy } from '../../../src/core/update/policy-config.ts';
import { offerKey, readOffers } from '../../../src/steps/update/versions.ts';
import { makeImage, makeIndex, pushIndex } from '../../helpers/registry-images.ts';
import { startUpdateRegistry, type UpdateRegistry } from '../../helpers/update-fixture.ts';

const TAGS = Array.from({ length: 1000 }, (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`);

describe('update against the registry', () => {
  let reg: UpdateRegistry;
  const policy = (name: string, { repo, ...fields }: Record<string, unknown>) =>
    parseUpdatePolicy(name, { image: `${reg.proxy.host}/${repo}`, ...fields });

  before(async () => {
    reg = await startUpdateRegistry();
    await reg.push('acme/many', '0.0.1', 'many');
    await reg.tag('acme/many', '0.0.1', [...TAGS, 'latest', 'main-abc', '2.0.0-rc.1']);
  });
  after(async () => {
    await reg?.stop();
  });

  it('lists 1,003 tags in pages once, then revalidates every page with a 304', async () => {
    const semver = policy('many', { repo: 'acme/many', strategy: 'semver', range: '^1' });
    const cache = emptyTagCache();
    const warn = () => {};
    let start = reg.proxy.requests.length;
    const first = await readOffers([semver], { client: reg.newClient(), cache, pageSize: 100, warn });
    assert.equal(first.offers.get(offerKey(semver))?.choice?.tag, '1.9.99');
    const pages = reg.listings(start);
    assert.equal(pages.length, 11);
    assert.ok(pages.every((p) => p.status === 200));
    assert.match(pages[1]!.url, /[?&]last=/);

    start = reg.proxy.requests.length;
    const again = await readOffers([semver], { client: reg.newClient(), cache, pageSize: 100, warn });
    assert.equal(again.offers.get(offerKey(semver))?.choice?.tag, '1.9.99');
    assert.deepEqual(
      reg.listings(start).map((p) => p.status),
      Array(11).fill(304),
    );
    assert.equal(again.stats.unchangedRepositories, 1);

    await reg.tag('acme/many', '0.0.1', ['1.10.0']);
    start = reg.proxy.requests.length;
    const later = await readOffers([semver], { client: reg.newClient(), cache, pageSize: 100, warn });
    assert.equal(later.offers.get(offerKey(semver))?.choice?.tag, '1.10.0');
    assert.ok(
      reg.listings(start).some((p) => p.status === 200),
      'the changed pages are read again',
    );
  });

  it('without a page size: one request for the listing, one conditional request when nothing changed', async () => {
    const alphabetical = policy('many-alpha', { repo: 'acme/many', strategy: 'alphabetical', allow: ['regexp:^main-'] });
    const cache = emptyTagCache();
    let start = reg.proxy.requests.length;
    const first = await readOffers([alphabetical], { client: reg.newClient(), cache, warn: () => {} });
    assert.equal(first.offers.get(offerKey(alphabetical))?.choice?.tag, 'main-abc');
    assert.deepEqual(
      reg.listings(start).map((p) => p.status),
      [200],
    );
    start = reg.proxy.requests.length;
    await readOffers([alphabetical], { client: reg.newClient(), cache, warn: () => {} });
    assert.deepEqual(
      reg.listings(start).map((p) => p.status),
      [304],
    );
  });

  it('digest: pins what a mutable tag points at now, and follows it when it moves', async () => {
    const first = await reg.push('acme/edge', 'stable', 'edge-a');
    const follow = policy('edge', { repo: 'acme/edge', strategy: 'digest', tag: 'stable' });
    const cache = emptyTagCache();
    const start = reg.proxy.requests.length;
    const one = await readOffers([follow], { client: reg.newClient(), cache, warn: () => {} });
    assert.deepEqual(one.offers.get(offerKey(follow))?.choice, { tag: 'stable', digest: first });
    assert.equal(reg.listings(start).length, 0, 'a followed tag needs no listing');
    const moved = await reg.push('acme/edge', 'stable', 'edge-b');
    assert.notEqual(moved, first);
    const two = await readOffers([follow], { client: reg.newClient(), cache, warn: () => {} });
    assert.deepEqual(two.offers.get(offerKey(follow))?.choice, { tag: 'stable', digest: moved });
  });

  it('newest-build: creation times from the configs (of the platform asked for), read once and kept by digest', async () => {
    await reg.push('acme/builds', 'build-a', 'a', '2024-05-01T10:00:00Z');
    await reg.push('acme/builds', 'build-c', 'c', '2024-03-01T10:00:00Z');
    // A multi-arch image: its arm64 build is the newest of all, its amd64 build the oldest.
    const index = makeIndex([
      makeImage({ files: { b: 'amd' }, architecture: 'amd64', created: '2023-01-01T00:00:00Z' }),
      makeImage({ files: { b: 'arm' }, architecture: 'arm64', created: '2024-06-01T00:00:00Z' }),
    ]);
    await pushIndex(reg.client, reg.ref('acme/builds', 'build-b'), index);
    const amd = policy('builds-amd', { repo: 'acme/builds', strategy: 'newest-build' });
    const arm = policy('builds-arm', { repo: 'acme/builds', strategy: 'newest-build', platform: 'linux/arm64' });
    const cache = emptyTagCache();
    const start = reg.proxy.requests.length;
    const first = await readOffers([amd, arm], { client: reg.newClient(), cache, warn: () => {} });
    assert.equal(first.offers.get(offerKey(amd))?.choice?.tag, 'build-a');
    assert.equal(first.offers.get(offerKey(arm))?.choice?.tag, 'build-b');
    assert.equal(reg.listings(start).length, 1, 'one listing for both policies of the repository');
    const second = await readOffers([amd, arm], { client: reg.newClient(), cache, warn: () => {} });
    assert.equal(second.offers.get(offerKey(amd))?.choice?.tag, 'build-a');
    assert.deepEqual([second.stats.configReads, second.stats.heads], [0, 0]);
  });
});
