/**
 * The source key of a build: what the image is a function of. Two builds with the same key make the
 * same image, so the second one is skipped and only adds its tags (build once, promote by digest).
 */
import { createHash } from 'node:crypto';
import { type KeyValue, sortedPairs } from './key-values.ts';

/** Everything a build's result depends on, in a form that hashes the same on every machine. */
export interface SourceKeyParts {
  /** The context's tree: `git:<tree id>` or `files:<sha256>` (see the builders' source-tree adapter). */
  readonly tree: string;
  /** `sha256:` of the Dockerfile's bytes. */
  readonly dockerfile: string;
  readonly buildArgs: readonly KeyValue[];
  readonly target?: string;
  /** Platforms as written by `formatPlatform`; empty means the builder's default. */
  readonly platforms: readonly string[];
  /** The user's labels (not the per-commit OCI labels, which would defeat the key). */
  readonly labels: readonly KeyValue[];
}

/** The prefix of the tag that marks an image with its source key. */
export const SOURCE_KEY_TAG_PREFIX = 'src-';

/** A hex sha256 over a canonical JSON of the parts; independent of input order. */
export function sourceKey(parts: SourceKeyParts): string {
  const canonical = JSON.stringify({
    v: 1,
    tree: parts.tree,
    dockerfile: parts.dockerfile,
    buildArgs: sortedPairs(parts.buildArgs),
    target: parts.target ?? '',
    platforms: [...new Set(parts.platforms)].sort(),
    labels: sortedPairs(parts.labels),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The tag that marks the image built for a key: `src-<32 hex>` (128 bits; a valid tag). */
export function sourceKeyTag(key: string): string {
  return `${SOURCE_KEY_TAG_PREFIX}${key.slice(0, 32)}`;
}
