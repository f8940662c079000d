/**
 * What the registries offer for each policy: one tag listing per repository however many policies and
 * environments follow it (conditional on the cache's ETags), creation times for newest-build (bounded,
 * cached by digest), and the digest a followed tag points at now for the digest strategy.
 */
import { listTagsConditional } from '../../adapters/registry/conditional-tags.ts';
import { readImageConfig } from '../../adapters/registry/image-config.ts';
import { parseManifest } from '../../adapters/registry/media-types.ts';
import { isAttestation, parsePlatform, selectPlatform } from '../../adapters/registry/platform.ts';
import type { RegistryClient } from '../../adapters/registry/registry-client.ts';
import type { CachedRepository, TagCache } from '../../adapters/registry/tag-cache.ts';
import { UserError } from '../../core/errors.ts';
import { type ImageRef, parseImageRef } from '../../core/image-ref.ts';
import { admittedTags, chooseTag } from '../../core/update/strategies.ts';
import type { Choice, TagCandidate, UpdatePolicy } from '../../core/update/types.ts';

/** Creation times read per repository and run at most: the rest wait for the next run (the cache keeps what was read). */
export const MAX_CONFIG_READS = 100;

/** What the registries told, per policy name and image. */
export interface Offer {
  readonly policy: UpdatePolicy;
  readonly choice: Choice | undefined;
  /** Tags the strategy looked at, and how many of them it could not read. */
  readonly considered: number;
  readonly unreadable: number;
}

/** Requests sent, for the summary and the benchmark. */
export interface OfferStats {
  /** Tag list pages asked for (conditional or not). */
  listRequests: number;
  /** Of those, answered 304 from the cache's validators. */
  notModified: number;
  /** Repositories whose whole listing was unchanged. */
  unchangedRepositories: number;
  /** Manifest HEADs (digest strategy, newest-build digests). */
  heads: number;
  /** Image configs read (newest-build). */
  configReads: number;
}

/** What reading offers needs. */
export interface OfferContext {
  readonly client: RegistryClient;
  readonly cache: TagCache;
  readonly pageSize?: number;
  warn(message: string): void;
}

/** The key a policy is reported under: its image and name (one policy may serve several environments). */
export function offerKey(policy: UpdatePolicy): string {
  return `${policy.image}\u0000${policy.name}`;
}

function refOf(image: string): ImageRef {
  return parseImageRef(image);
}

/** Reads offers for every distinct policy; each repository is listed once. */
export async function readOffers(
  policies: readonly UpdatePolicy[],
  ctx: OfferContext,
): Promise<{ offers: Map<string, Offer>; stats: OfferStats }> {
  const stats: OfferStats = { listRequests: 0, notModified: 0, unchangedRepositories: 0, heads: 0, configReads: 0 };
  const distinct = new Map(policies.map((p) => [offerKey(p), p]));
  const byImage = new Map<string, UpdatePolicy[]>();
  for (const policy of distinct.values()) byImage.set(policy.image, [...(byImage.get(policy.image) ?? []), policy]);
  const offers = new Map<string, Offer>();
  await mapLimit([...byImage], 8, async ([image, group]) => {
    const ref = refOf(image);
    try {
      const listed = group.some((p) => p.strategy !== 'digest') ? await listOnce(ref, ctx, stats) : undefined;
      for (const policy of group) offers.set(offerKey(policy), await offerFor(policy, ref, listed, ctx, stats));
    } catch (error) {
      // A missing repository or refused credentials is the policy's problem to fix: name it.
      if (!(error instanceof UserError) || error.message.startsWith('policies.')) throw error;
      const names = group.map((p) => `policies.${p.name}`).join(', ');
      throw new UserError(`${names}: ${error.message}`, { input: `policies.${group[0]!.name}`, cause: error });
    }
  });
  return { offers, stats };
}

interface Listing {
  readonly tags: string[];
  readonly unchanged: boolean;
  readonly key: string;
}

async function listOnce(ref: ImageRef, ctx: OfferContext, stats: OfferStats): Promise<Listing> {
  const key = `${ref.registry}/${ref.repository}`;
  const previous = ctx.cache.repositories[key];
  const listing = await listTagsConditional(ctx.client, ref, previous?.pages, ctx.pageSize);
  stats.listRequests += listing.requests;
  stats.notModified += listing.unchanged ? listing.requests : 0;
  if (listing.unchanged) stats.unchangedRepositories++;
  ctx.cache.repositories[key] = { ...(previous ?? {}), pages: listing.pages } as CachedRepository;
  return { tags: listing.tags, unchanged: listing.unchanged, key };
}

async function offerFor(
  policy: UpdatePolicy,
  ref: ImageRef,
  listed: Listing | undefined,
  ctx: OfferContext,
  stats: OfferStats,
): Promise<Offer> {
  if (policy.strategy === 'digest') {
    const tag = policy.tag ?? 'latest';
    stats.heads++;
    const descriptor = await ctx.client.resolve({ ...ref, tag });
    if (policy.platform) await checkPlatform(ctx.client, ref, descriptor.digest, policy);
    return { policy, choice: { tag, digest: descriptor.digest }, considered: 1, unreadable: 0 };
  }
  const tags = listed!.tags;
  const candidates: TagCandidate[] =
    policy.strategy === 'newest-build' ? await withCreated(policy, ref, listed!, ctx, stats) : tags.map((tag) => ({ tag }));
  const chosen = chooseTag(policy, candidates);
  return {
    policy,
    choice: chosen.tag === undefined ? undefined : { tag: chosen.tag },
    considered: chosen.considered,
    unreadable: chosen.unreadable,
  };
}

/** Creation times of the admitted tags: from the cache where the listing and digest are known, else read. */
async function withCreated(
  policy: UpdatePolicy,
  ref: ImageRef,
  listed: Listing,
  ctx: OfferContext,
  stats: OfferStats,
): Promise<TagCandidate[]> {
  const entry = ctx.cache.repositories[listed.key]!;
  const digests: Record<string, string> = { ...(entry.digests ?? {}) };
  const created: Record<string, string> = { ...(entry.created ?? {}) };
  const tags = admittedTags(policy, listed.tags);
  // Tags already resolved keep their digest: newest-build follows new tags, and re-reading every tag on
  // every change would cost a HEAD per tag per run. A tag moved onto another image is seen once the
  // cache file is dropped.
  const platformName = policy.platform ?? 'linux/amd64';
  // A multi-arch image has one creation time per platform: the cache keys them by platform and digest.
  const timeKey = (tag: string) => `${platformName}@${digests[tag]}`;
  const missing = tags
    .filter((tag) => digests[tag] === undefined || created[timeKey(tag)] === undefined)
    .sort()
    .reverse();
  if (missing.length > MAX_CONFIG_READS) {
    ctx.warn(
      `policies.${policy.name}: ${missing.length} tags of ${listed.key} have no known creation time; reading ${MAX_CONFIG_READS} ` +
        `now, the rest on later runs.`,
    );
  }
  const platform = parsePlatform(platformName, `policies.${policy.name}.platform`);
  await mapLimit(missing.slice(0, MAX_CONFIG_READS), 8, async (tag) => {
    stats.heads++;
    const digest = (await ctx.client.resolve({ ...ref, tag })).digest;
    digests[tag] = digest;
    if (created[timeKey(tag)] === undefined) {
      stats.configReads++;
      const time = await createdOf(ctx.client, ref, digest, platform);
      if (time) created[timeKey(tag)] = time;
    }
  });
  ctx.cache.repositories[listed.key] = { ...entry, digests, created };
  return tags.map((tag) => ({ tag, ...(digests[tag] && created[timeKey(tag)] ? { created: created[timeKey(tag)] } : {}) }));
}

/** The `created` of an image's config; for an index, of the policy's platform. */
async function createdOf(
  client: RegistryClient,
  ref: ImageRef,
  digest: string,
  platform: ReturnType<typeof parsePlatform>,
): Promise<string | undefined> {
  const config = await readImageConfig(client, ref, digest, (index) => selectPlatform(index, platform));
  return typeof config?.['created'] === 'string' ? config['created'] : undefined;
}

/** A digest policy with a platform: the followed tag must offer that platform. */
async function checkPlatform(client: RegistryClient, ref: ImageRef, digest: string, policy: UpdatePolicy): Promise<void> {
  const data = await client.getManifest({ registry: ref.registry, repository: ref.repository, digest });
  const parsed = parseManifest(data.bytes, data.mediaType);
  if (parsed.kind !== 'index') return;
  const wanted = parsePlatform(policy.platform!, `policies.${policy.name}.platform`);
  if (!selectPlatform(parsed.index, wanted)) {
    const offered = parsed.index.manifests
      .filter((m) => !isAttestation(m) && m.platform)
      .map((m) => `${m.platform!.os}/${m.platform!.architecture}`);
    throw new UserError(
      `policies.${policy.name}: ${policy.image}:${policy.tag} has no ${policy.platform} image (it has: ${offered.join(', ') || 'none'}).`,
      { input: `policies.${policy.name}` },
    );
  }
}

/** Runs `work` over `items`, at most `limit` at once. */
async function mapLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}
