/**
 * bench/update: what a scheduled update costs on the registry side. 200 repositories of 1,000 tags each
 * sit in the local docker-registry, behind the proxy that pages tag lists and answers ETags. Measured:
 * (a) a cold run with no cache (every listing read in full), (b) the same run again with the cache file
 * the first run left (conditional requests only), (c) for scale, the cold run in pages of 100. Prints
 * medians, request counts and the goal (cached: at most one conditional request per repository, under
 * 2 s); (d) the cached run against a door that keeps its validators instead of recomputing the listing
 * for each conditional request, which leaves Baton's own cost. Asserts nothing about time.
 *
 * Setup: one image is pushed per repository through the API; the other tags are written into the
 * registry's storage as the same link files a manifest PUT leaves (`--setup put` tags by manifest PUT
 * instead, which takes minutes for 200,000 tags).
 *
 *   node bench/update/bench.ts [--images 200] [--tags 1000] [--runs 3] [--setup files|put]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RegistryClient } from '../../src/adapters/registry/registry-client.ts';
import { emptyTagCache, type TagCache } from '../../src/adapters/registry/tag-cache.ts';
import { parseUpdatePolicy } from '../../src/core/update/policy-config.ts';
import type { UpdatePolicy } from '../../src/core/update/types.ts';
import { offerKey, readOffers } from '../../src/steps/update/versions.ts';
import { makeImage, pushImage } from '../../test/helpers/registry-images.ts';
import { startRegistryProxy } from '../../test/helpers/registry-proxy.ts';
import { startRegistry, testClientOptions } from '../../test/helpers/registry.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '200' },
    tags: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    setup: { type: 'string', default: 'files' },
  },
});
const IMAGES = Number(values.images);
const TAGS = Number(values.tags);
const RUNS = Number(values.runs);

const tagName = (i: number) => `1.${Math.floor(i / 100)}.${i % 100}`;
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

const registry = await startRegistry();
const proxy = await startRegistryProxy(registry.url, { paginateTags: true, etags: true });
// A second door to the same registry that keeps its validators, as a registry (or its CDN) that does not
// recompute a listing to answer If-None-Match: what is left of the cached run's time is Baton's.
const keeping = await startRegistryProxy(registry.url, { paginateTags: true, etags: true, rememberEtags: true });
const client = () => new RegistryClient(testClientOptions([proxy.host, keeping.host, registry.host]));
try {
  const setupStart = performance.now();
  const direct = client();
  const storage = join(registry.dir, 'data/docker/registry/v2/repositories');
  for (let i = 0; i < IMAGES; i++) {
    const repository = `bench/img-${i}`;
    const digest = await pushImage(
      direct,
      { registry: registry.host, repository, tag: tagName(0) },
      makeImage({ files: { seed: `image ${i}` } }),
    );
    if (values.setup === 'put') {
      const manifest = await direct.getManifest({ registry: registry.host, repository, digest });
      for (let t = 1; t < TAGS; t++) await direct.putManifest({ registry: registry.host, repository, tag: tagName(t) }, manifest);
      continue;
    }
    // Listing reads the tag directories and resolving reads current/link; the index link only serves
    // tag deletion, which the bench never does.
    const writes = Array.from({ length: TAGS - 1 }, async (_, t) => {
      const current = join(storage, repository, '_manifests/tags', tagName(t + 1), 'current');
      await mkdir(current, { recursive: true });
      await writeFile(join(current, 'link'), digest);
    });
    await Promise.all(writes);
  }
  await direct.close();
  console.log(
    `setup: ${IMAGES} repositories x ${TAGS} tags in ${((performance.now() - setupStart) / 1000).toFixed(1)} s (${values.setup})`,
  );

  const policiesAt = (host: string): UpdatePolicy[] =>
    Array.from({ length: IMAGES }, (_, i) =>
      parseUpdatePolicy(`img-${i}`, { image: `${host}/bench/img-${i}`, strategy: 'semver', range: '^1' }),
    );
  const expected = tagName(TAGS - 1 - ((TAGS - 1) % 100) + Math.min(99, (TAGS - 1) % 100));

  /** One run as a fresh process would make it: a new client (ping, auth), the given cache. */
  async function measure(cache: TagCache, pageSize?: number, door = proxy) {
    const policies = policiesAt(door.host);
    const start = door.requests.length;
    const c = client();
    const t0 = performance.now();
    const { offers, stats } = await readOffers(policies, { client: c, cache, ...(pageSize ? { pageSize } : {}), warn: () => {} });
    const ms = performance.now() - t0;
    await c.close();
    const sent = door.requests.slice(start);
    const lists = sent.filter((r) => r.url.includes('/tags/list'));
    const wrong = policies.filter((p) => offers.get(offerKey(p))?.choice?.tag !== expected).length;
    const bytes = sent.reduce((sum, r) => sum + r.responseBytes, 0);
    return {
      ms,
      requests: sent.length,
      lists: lists.length,
      notModified: lists.filter((r) => r.status === 304).length,
      bytes,
      stats,
      wrong,
    };
  }

  const cold: Awaited<ReturnType<typeof measure>>[] = [];
  const cached: Awaited<ReturnType<typeof measure>>[] = [];
  const paged: Awaited<ReturnType<typeof measure>>[] = [];
  const kept: Awaited<ReturnType<typeof measure>>[] = [];
  for (let run = 0; run < RUNS; run++) {
    const cache = emptyTagCache();
    cold.push(await measure(cache));
    cached.push(await measure(cache));
    paged.push(await measure(emptyTagCache(), 100));
    const keptCache = emptyTagCache();
    await measure(keptCache, undefined, keeping);
    kept.push(await measure(keptCache, undefined, keeping));
  }
  const line = (name: string, list: typeof cold) => {
    const last = list.at(-1)!;
    console.log(
      `${name.padEnd(24)} median ${(median(list.map((s) => s.ms)) / 1000).toFixed(3)} s  requests ${last.requests} (tag pages ` +
        `${last.lists}, 304 ${last.notModified})  ` +
        `${(last.bytes / 1024).toFixed(0)} KiB answered  wrong choices ${last.wrong}`,
    );
  };
  console.log(`\n${IMAGES} images x ${TAGS} tags, ${RUNS} run(s) each, semver ^1 (newest ${expected}):`);
  line('cold, no cache', cold);
  line('cached (ETags)', cached);
  line('cold, pages of 100', paged);
  line('cached, validators kept', kept);
  const c = cached.at(-1)!;
  const ratio = median(cold.map((s) => s.ms)) / median(cached.map((s) => s.ms));
  // The proxy reads the full list from docker-registry to compute each ETag, so its 304s cost the same
  // registry time as a full answer: the wall-time ratio here understates a registry that keeps ETags.
  console.log(
    `\ncached run vs cold run: ${ratio.toFixed(1)}x the speed; tag list bytes answered ${(cold.at(-1)!.bytes / 1024).toFixed(0)} KiB ` +
      `-> ${(c.bytes / 1024).toFixed(0)} KiB`,
  );
  const perRepo = c.lists / IMAGES;
  const verdict = (ms: number) => `${(ms / 1000).toFixed(3)} s ${ms < 2000 ? 'met' : 'NOT met'}`;
  console.log(
    `goal: cached run sends at most one conditional request per repository (${perRepo} per repository, ${c.notModified}/${c.lists} ` +
      `answered 304): ${perRepo <= 1 && c.notModified === c.lists ? 'met' : 'NOT met'}; ` +
      `under 2 s: ${verdict(median(cached.map((s) => s.ms)))} (test registry recomputing ETags), ` +
      `${verdict(median(kept.map((s) => s.ms)))} (validators kept)`,
  );
  if ([...cold, ...cached, ...paged, ...kept].some((s) => s.wrong > 0)) process.exitCode = 1;
} finally {
  await keeping.stop();
  await proxy.stop();
  await registry.stop();
}
