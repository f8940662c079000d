/**
 * The cache of tag listings an update run keeps in a file, so CI can carry it between scheduled runs
 * (GitHub `actions/cache`, a GitLab `cache:` path): per repository the pages with their ETags, and
 * per digest the image creation times newest-build needs. No credentials are ever stored in it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CachedPage } from './conditional-tags.ts';

/** What is kept for one repository (`registry/repository`). */
export interface CachedRepository {
  readonly pages: readonly CachedPage[];
  /** tag → digest, as resolved when the listing was read (newest-build). */
  readonly digests?: Readonly<Record<string, string>>;
  /** `<platform>@<digest>` → the image config's `created` (newest-build). */
  readonly created?: Readonly<Record<string, string>>;
}

/** The whole cache file. */
export interface TagCache {
  readonly version: 1;
  readonly repositories: Record<string, CachedRepository>;
}

/** An empty cache. */
export function emptyTagCache(): TagCache {
  return { version: 1, repositories: {} };
}

/**
 * Reads the cache file; a missing, unreadable or foreign file is an empty cache (the cost is one full
 * listing, never a wrong answer).
 */
export async function loadTagCache(path: string | undefined): Promise<TagCache> {
  if (!path) return emptyTagCache();
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return emptyTagCache();
  try {
    const parsed = JSON.parse(text) as TagCache;
    if (parsed?.version === 1 && parsed.repositories && typeof parsed.repositories === 'object') return parsed;
  } catch {
    // an unreadable cache is rebuilt
  }
  return emptyTagCache();
}

/** Writes the cache file atomically (a half-written cache would be read as empty, but never as wrong). */
export async function saveTagCache(path: string | undefined, cache: TagCache): Promise<void> {
  if (!path) return;
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(cache)}\n`);
  await rename(temp, path);
}
