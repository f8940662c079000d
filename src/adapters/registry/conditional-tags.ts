/**
 * Tag listing with HTTP validators: each page is asked for with the `ETag` it had last time
 * (`If-None-Match`, RFC 9110 §13.1.2), and a `304 Not Modified` stands for the page as it was. A quiet
 * run against a registry that lists a repository in one answer costs one conditional request; the
 * listing is never trusted beyond what a validator vouches for (a changed page means reading on).
 */
import { UserError } from '../../core/errors.ts';
import type { ImageRef } from '../../core/image-ref.ts';
import { header } from './http.ts';
import { MAX_MANIFEST_BYTES, type RegistryClient } from './registry-client.ts';
import type { Operation } from './registry-session.ts';
import { nextPageUrl, readBodyLimited } from './responses.ts';

/** One page as last read: its path and query (relative to `/v2/`), validator and tags. */
export interface CachedPage {
  readonly path: string;
  readonly etag?: string;
  readonly tags: readonly string[];
}

/** What a conditional listing did. */
export interface ConditionalListing {
  readonly tags: string[];
  /** The pages as read now, for the cache. */
  readonly pages: CachedPage[];
  /** True when every page was answered `304`: nothing changed since `previous`. */
  readonly unchanged: boolean;
  /** Requests sent: pages asked for, conditional or not. */
  readonly requests: number;
}

/**
 * Lists the tags of `ref`'s repository, following `Link` pages; where `previous` holds a page with an
 * ETag, that page is asked for conditionally. `pageSize` sets `?n=` on the first page.
 */
export async function listTagsConditional(
  client: RegistryClient,
  ref: ImageRef,
  previous: readonly CachedPage[] | undefined,
  pageSize?: number,
): Promise<ConditionalListing> {
  const session = client.session(ref.registry);
  const op: Operation = { repository: ref.repository, access: 'pull', what: `list the tags of ${ref.registry}/${ref.repository}` };
  const base = await session.base();
  const first = new URL(`${ref.repository}/tags/list`, base);
  if (pageSize) first.searchParams.set('n', String(pageSize));
  const known = new Map((previous ?? []).map((page) => [page.path, page]));
  const pages: CachedPage[] = [];
  let unchanged = true;
  for (let url: URL | undefined = first; url; ) {
    if (pages.length >= 10_000) throw new UserError(`${ref.registry} kept sending tag pages for ${ref.repository}; stopped after 10000.`);
    const current: URL = url;
    const path = current.href.slice(base.href.length);
    const cached = known.get(path);
    const headers: Record<string, string> = cached?.etag ? { 'if-none-match': cached.etag } : {};
    const page = await session.fetch(
      op,
      () => ({ method: 'GET', url: current, headers }),
      { expect: [200, 304] },
      async (response) => {
        if (response.status === 304) {
          await response.body.dump().catch(() => undefined);
          return { status: 304, tags: cached?.tags ?? [], etag: cached?.etag, link: header(response, 'link') };
        }
        const json = JSON.parse((await readBodyLimited(response, 16 * MAX_MANIFEST_BYTES, op.what)).toString('utf8')) as {
          tags?: string[] | null;
        };
        return { status: 200, tags: json.tags ?? [], etag: header(response, 'etag'), link: header(response, 'link') };
      },
    );
    if (page.status !== 304) unchanged = false;
    pages.push({ path, tags: page.tags, ...(page.etag ? { etag: page.etag } : {}) });
    // A 304 may leave out Link (RFC 9110 lets it send only some headers): the next page is then the one
    // that followed this page last time.
    const cachedNext = page.status === 304 && page.link === undefined ? nextCached(previous, path) : undefined;
    url = cachedNext ? new URL(cachedNext, base) : nextPageUrl(page.link, current);
  }
  if (previous && previous.length !== pages.length) unchanged = false;
  return { tags: pages.flatMap((page) => page.tags), pages, unchanged, requests: pages.length };
}

function nextCached(previous: readonly CachedPage[] | undefined, path: string): string | undefined {
  const index = (previous ?? []).findIndex((page) => page.path === path);
  return index >= 0 ? previous![index + 1]?.path : undefined;
}
