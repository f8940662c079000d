import type { Node, Pair, YAMLMap } from 'yaml';
import { type ImageRef, isValidTag, tryParseImageRef } from '../image-ref.ts';
import type { Slot } from './nodes.ts';
import { type ParsedFile, positionOf } from './parse.ts';
import type { ImageSite } from './types.ts';

/** Where missing tag and digest fields of a map-shaped site are added, and under which keys. */
export interface FieldLayout {
  readonly map: YAMLMap;
  readonly docIndex: number;
  /** `newTag` for kustomize, `tag` for Helm. */
  readonly tagKey: string;
  readonly digestKey: string;
  /** The pair holding the name (`newName`/`name`, `repository`): a missing tag line goes after it. */
  readonly namePair: Pair;
}

/**
 * An image site with what the editor needs to rewrite it. A site is either one whole reference
 * (`ref`: `name[:tag][@digest]` in one value) or separate fields (`tag`, `digest`, and a layout to
 * add the missing ones).
 */
export interface LocatedSite extends ImageSite {
  readonly docIndex: number;
  /** Offset of the value that names the image; sites are ordered by it. */
  readonly offset: number;
  /** The name as written, kept on rewrite (`nginx` stays `nginx`). */
  readonly name: string;
  readonly ref?: Slot;
  readonly tag?: Slot;
  readonly digest?: Slot;
  /**
   * Helm values without a digest key: a digest is written into the tag (`tag: 1.2.3@sha256:…`), since
   * `{{ .Values.image.repository }}:{{ .Values.image.tag }}` (the `helm create` template) then renders a
   * pinned reference, and a `digest:` line Baton added would be read by no template.
   */
  readonly pinsInTag?: boolean;
  /** Text kept before a whole reference: Argo CD's `old=` in `kustomize.images` (`api=ghcr.io/acme/api:1.0`). */
  readonly prefix?: string;
  /** A `:name` marker value holding another image than the marker names: rewritten to {@link name}. */
  readonly rename?: Slot;
  /**
   * Where missing fields go. Absent for sites made from marker comments: a marked value is only ever
   * rewritten, never added or removed.
   */
  readonly layout?: FieldLayout;
  /** The value nodes this site stands on (see `claimOf`). */
  readonly claims: readonly Node[];
}

/** What a site is made of before it gets its position. */
export type SiteParts = Omit<LocatedSite, 'file' | 'line' | 'column' | 'offset'>;

/** Adds file, position and offset to a site, given the node that names the image. */
export function placeSite(parsed: ParsedFile, parts: SiteParts, at: Node): LocatedSite {
  const offset = at.range?.[0] ?? 0;
  const { line, column } = positionOf(parsed, offset);
  return { ...parts, file: parsed.file, line, column, offset };
}

/** The image a site holds: the name with a tag and digest read from separate values (invalid ones are left out). */
export function imageWith(name: ImageRef, tag: string | undefined, digest: string | undefined): ImageRef {
  const { registry, repository } = name;
  const validTag = tag !== undefined && isValidTag(tag) ? tag : undefined;
  const validDigest = digest !== undefined && tryParseImageRef(`x@${digest}`) !== undefined ? digest : undefined;
  return {
    registry,
    repository,
    ...(validTag === undefined ? {} : { tag: validTag }),
    ...(validDigest === undefined ? {} : { digest: validDigest }),
  };
}

/** The name part of a written reference, as written: `docker.io/nginx:1.0@sha256:…` → `docker.io/nginx`. */
export function writtenName(reference: string): string {
  const at = reference.indexOf('@');
  const rest = at < 0 ? reference : reference.slice(0, at);
  const colon = rest.lastIndexOf(':');
  return colon > rest.lastIndexOf('/') ? rest.slice(0, colon) : rest;
}

/** `1.2.3@sha256:…` → [`1.2.3`, `sha256:…`]; a value without `@` is all tag. */
export function splitPinnedTag(text: string): [string, string | undefined] {
  const at = text.indexOf('@');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * The image of a split layout (`registry`, `repository`, `tag`/`version`, `digest` slots, as Helm values
 * and Image Updater's Helm parameters write it): the name joined from registry and repository, and,
 * without a digest slot, a `tag: 1.2.3@sha256:…` pin taken apart. Undefined when the repository carries
 * its own tag or digest: not the split layout.
 */
export function splitLayoutImage(
  registry: Slot | undefined,
  repository: Slot,
  tag: Slot | undefined,
  digest: Slot | undefined,
): { name: string; image: ImageRef } | undefined {
  const name = registry !== undefined && registry.text !== '' ? `${registry.text}/${repository.text}` : repository.text;
  const named = tryParseImageRef(name);
  if (named === undefined || named.tag !== undefined || named.digest !== undefined) return undefined;
  const [tagText, tagDigest] = digest === undefined && tag !== undefined ? splitPinnedTag(tag.text) : [tag?.text, undefined];
  return { name, image: imageWith(named, tagText, digest?.text ?? tagDigest) };
}
