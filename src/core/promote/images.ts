/**
 * What a promotion writes: each source image at the digest that was verified (pinned in the source's
 * files, else seen running by verify), never one looked up again from a tag when a verified one is
 * known; and, with `copy-to`, the name it gets in the other registry. Pure.
 */
import { UserError } from '../errors.ts';
import { familiarName, type ImageRef, imageName, parseImageRef, shortDigest } from '../image-ref.ts';
import { digestAmong } from '../history/states.ts';
import type { VerdictRecord } from '../verify/verdict-note.ts';
import { PromotionRefused } from './gate.ts';

/** Where a source image's digest comes from. */
export type DigestSource = 'file' | 'verified' | 'registry';

/** One image to promote: as the source holds it, the digest (when known without a registry) and why. */
export interface SourceImage {
  readonly ref: ImageRef;
  readonly digest?: string;
  readonly from?: Exclude<DigestSource, 'registry'>;
}

/** One image as the promotion writes it into the target. */
export interface PromotedImage {
  /** The image as the source environment holds it, with the promoted digest. */
  readonly source: ImageRef & { readonly digest: string };
  /** What is written into the target (the copy's name with `copy-to`), tag and digest. */
  readonly target: ImageRef & { readonly digest: string };
  readonly digestFrom: DigestSource;
}

/**
 * The digest each image is promoted at: the file's pin, else the one digest verify saw running for that
 * image. A file pin that differs from what verify saw running is refused: the record does not vouch for it.
 */
export function sourceImages(images: ReadonlyMap<string, ImageRef>, record: VerdictRecord | undefined): SourceImage[] {
  return [...images.values()].map((ref) => {
    const seen = record ? digestAmong(record.images, ref) : undefined;
    if (ref.digest) {
      if (seen && seen !== ref.digest) {
        throw new PromotionRefused(
          `from: ${familiarName(ref)} is pinned to ${shortDigest(ref.digest)} but verify saw ${shortDigest(seen)} running; verify ` +
            `the source again.`,
        );
      }
      return { ref, digest: ref.digest, from: 'file' };
    }
    return seen ? { ref, digest: seen, from: 'verified' } : { ref };
  });
}

/** Keeps the images named in `image` (all when empty); a name the source does not hold is an error. */
export function pickImages(images: ReadonlyMap<string, ImageRef>, wanted: readonly string[], envName: string): Map<string, ImageRef> {
  if (wanted.length === 0) return new Map(images);
  const picked = new Map<string, ImageRef>();
  for (const text of wanted) {
    const ref = parseImageRef(text, 'image');
    if (ref.tag || ref.digest)
      throw new UserError(`image: give the name only ("${familiarName(ref)}"); promote takes the version from ${envName}.`, {
        input: 'image',
      });
    const name = imageName(ref);
    const held = images.get(name);
    if (!held)
      throw new UserError(
        `image: ${familiarName(ref)} is not in ${envName} (it holds ${[...images.values()].map(familiarName).join(', ') || 'no images'}).`,
        { input: 'image' },
      );
    picked.set(name, held);
  }
  return picked;
}

/** Parses `copy-to`: `registry[:port][/prefix]`, no tag or digest. */
export function parseCopyTo(text: string): { registry: string; prefix: string } {
  const value = text.trim().replace(/\/+$/, '');
  const [host = '', ...rest] = value.split('/');
  if (!/[.:]/.test(host) && host !== 'localhost') {
    throw new UserError(`copy-to: "${text}" must start with a registry host (e.g. registry.example.com/team).`, { input: 'copy-to' });
  }
  const probe = parseImageRef(`${host}/${rest.length > 0 ? rest.join('/') : 'x'}`, 'copy-to');
  if (probe.tag || probe.digest)
    throw new UserError(`copy-to: "${text}" must be a registry and optional path, without tag or digest.`, { input: 'copy-to' });
  return { registry: probe.registry, prefix: rest.length > 0 ? probe.repository : '' };
}

/**
 * Where an image lands with `copy-to`: the same last path component under the copy-to prefix
 * (`staging.example.com/acme/api` with `prod.example.com/team` → `prod.example.com/team/api`).
 */
export function copyName(ref: ImageRef, copyTo: { registry: string; prefix: string }): ImageRef {
  const last = ref.repository.split('/').pop()!;
  return { registry: copyTo.registry, repository: copyTo.prefix ? `${copyTo.prefix}/${last}` : last };
}

/** The promoted image: source at the digest, and the target name (the copy's with `copy-to`). */
export function promotedImage(
  ref: ImageRef,
  digest: string,
  from: DigestSource,
  copyTo: { registry: string; prefix: string } | undefined,
): PromotedImage {
  const source = { ...ref, digest };
  const name = copyTo ? copyName(ref, copyTo) : ref;
  const target = { registry: name.registry, repository: name.repository, ...(ref.tag ? { tag: ref.tag } : {}), digest };
  return { source, target, digestFrom: from };
}
