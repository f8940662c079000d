/**
 * What a bump that lost a push race may still write on the newer head it re-applies its edit to.
 *
 * Baton lands a change by pushing to the branch; when another push landed first, it fetches the new
 * head and applies the same request again (the edit is a function of the file, never a patch). Before
 * it does, every image of the request is compared between the head the bump first read (its base) and
 * the new head. An image whose value another write changed in between is superseded: the request for it
 * expires instead of overwriting the newer write, whatever the tags look like (`sha-<commit>` tags do
 * not sort). Only where both the value that landed and the wanted one are semantic versions (and
 * `allow-downgrade` is off) does the version order decide instead, as the downgrade rule does on any
 * head. Pure: sites in, superseded images out.
 */
import type { ImageSite } from './edit/types.ts';
import semver from 'semver';
import { type ImageRef, imageName } from './image-ref.ts';

/** What a lost race needs to know about a change to decide what of it still applies. */
export interface RaceRequest {
  readonly images: readonly ImageRef[];
  readonly allowDowngrade: boolean;
}

/** An image whose requested value expired because another write changed it after the bump read it. */
export interface Superseded {
  /** Canonical image name. */
  readonly image: string;
  /** What this bump wanted to write (tag and/or digest). */
  readonly wanted: string;
  /** What the newer write left there. */
  readonly landed: string;
}

type Sites = ReadonlyMap<string, readonly ImageSite[]>;

/** `tag@digest` (either may be absent) of one site. */
function versionOf(site: ImageSite): string {
  return `${site.image.tag ?? ''}${site.image.digest ? `@${site.image.digest}` : ''}`;
}

/** The versions an image holds across its sites, file by file: what "the same place" means here. */
function signature(sites: readonly ImageSite[] | undefined): string {
  return (sites ?? [])
    .map((site) => `${site.file}\t${versionOf(site)}`)
    .sort()
    .join('\n');
}

function holdsWanted(sites: readonly ImageSite[], wanted: ImageRef): boolean {
  return sites.every(
    (site) =>
      (wanted.tag === undefined || site.image.tag === wanted.tag) && (wanted.digest === undefined || site.image.digest === wanted.digest),
  );
}

/**
 * True when the version order may decide: every tag involved is a semantic version other than the wanted
 * one (equal versions with other digests are not ordered: a tag pushed again is judged by what landed).
 */
function ordered(sites: readonly ImageSite[], wanted: ImageRef): boolean {
  const want = wanted.tag === undefined ? null : semver.valid(wanted.tag);
  return (
    want !== null &&
    sites.every((site) => {
      const have = site.image.tag === undefined ? null : semver.valid(site.image.tag);
      return have !== null && semver.neq(have, want);
    })
  );
}

/**
 * The images of `request` that another write changed between `base` (the sites the bump planned on
 * first) and `head` (the sites on the head it now lands on), and that this request must therefore not
 * overwrite. An image already holding the wanted value, or whose values are all semantic versions
 * (without allow-downgrade: the downgrade rule keeps the higher one), is not superseded.
 */
export function supersededImages(base: Sites, head: Sites, request: RaceRequest): Superseded[] {
  const out: Superseded[] = [];
  for (const wanted of request.images) {
    const name = imageName(wanted);
    const now = head.get(name) ?? [];
    if (signature(base.get(name)) === signature(now) || now.length === 0 || holdsWanted(now, wanted)) continue;
    if (!request.allowDowngrade && ordered(now, wanted)) continue;
    out.push({ image: name, wanted: `${wanted.tag ?? ''}${wanted.digest ? `@${wanted.digest}` : ''}`, landed: versionOf(now[0]!) });
  }
  return out;
}
