import semver from 'semver';
import type { Scalar } from 'yaml';
import { UserError } from '../errors.ts';
import { type ImageRef, imageName } from '../image-ref.ts';
import { findPair, type Slot } from './nodes.ts';
import type { ParsedFile, Path } from './parse.ts';
import type { LocatedSite } from './site.ts';
import { insertFields, removePair, replaceValue, type Splice } from './splice.ts';
import type { Pin, SkippedSite } from './types.ts';

/** What the after-edit check expects at a path: the new string, or nothing (a removed field). */
export interface Patch {
  readonly docIndex: number;
  readonly path: Path;
  readonly value: string | undefined;
}

/** One value written, added or removed, with the splice that does it. */
export interface Op {
  readonly splice: Splice;
  readonly field: string;
  readonly old: string | undefined;
  readonly new: string | undefined;
  readonly patch: Patch;
  /** Offset in the original text of the value set or the key removed; for an added field, of the key inside `splice.text`. */
  readonly at: number;
  readonly kind: 'set' | 'add' | 'remove';
  /** The scalar written by a `set` (the anchored scalar when written through an alias). */
  readonly node?: Scalar;
}

/** The tag and digest a site holds. */
export interface Version {
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

/** A site that will hold `after` once its ops are applied (no ops: it holds it already). */
export interface PlannedSite {
  readonly site: LocatedSite;
  readonly ops: readonly Op[];
  readonly after: Version;
  readonly skipped?: undefined;
}

/** The plan for one site: its edits and what it will hold, or why it is left alone. */
export type SitePlan = PlannedSite | { readonly site: LocatedSite; readonly skipped: SkippedSite };

/** True when both tags are semver (a leading `v` allowed) and `next` is lower than `current`. */
export function isDowngrade(current: string | undefined, next: string | undefined): boolean {
  const a = current === undefined ? null : semver.valid(current);
  const b = next === undefined ? null : semver.valid(next);
  return a !== null && b !== null && semver.gt(a, b);
}

/** Plans the edit of one site to `wanted` (tag and/or digest) under `pin`; see {@link Pin}. */
export function planSite(parsed: ParsedFile, site: LocatedSite, wanted: ImageRef, pin: Pin, allowDowngrade: boolean): SitePlan {
  if (!allowDowngrade && isDowngrade(site.image.tag, wanted.tag)) {
    const skipped: SkippedSite = {
      file: site.file,
      line: site.line,
      image: imageName(site.image),
      current: site.image.tag!,
      wanted: wanted.tag!,
      reason: 'downgrade',
    };
    return { site, skipped };
  }
  return site.ref === undefined ? fieldsPlan(parsed, site, wanted, pin) : refPlan(parsed, site, site.ref, wanted, pin);
}

/** The version a whole reference holds after the bump: `tag` keeps a digest only where one was pinned. */
export function refVersion(current: Version, wanted: Version, pin: Pin): Version {
  if (pin === 'digest') return { digest: wanted.digest };
  if (pin === 'tag+digest') return { tag: wanted.tag, digest: wanted.digest };
  return { tag: wanted.tag, digest: current.digest === undefined ? undefined : wanted.digest };
}

function refPlan(parsed: ParsedFile, site: LocatedSite, ref: Slot, wanted: ImageRef, pin: Pin): SitePlan {
  const after = refVersion(site.image, wanted, pin);
  const value =
    (site.prefix ?? '') +
    site.name +
    (after.tag === undefined ? '' : `:${after.tag}`) +
    (after.digest === undefined ? '' : `@${after.digest}`);
  return { site, ops: value === ref.text ? [] : [setOp(parsed, ref, value)], after };
}

interface FieldsState {
  readonly ops: Op[];
  readonly adds: Array<readonly [string, string]>;
  tag: string | undefined;
  digest: string | undefined;
  /** True once a tag or digest value (present or added) takes the new version. */
  held: boolean;
}

function fieldsPlan(parsed: ParsedFile, site: LocatedSite, wanted: ImageRef, pin: Pin): SitePlan {
  const state: FieldsState = { ops: [], adds: [], tag: site.image.tag, digest: site.image.digest, held: false };
  // Under pin `tag`, a digest already pinned in the tag is replaced like a digest field (dropped when none is given).
  const digestInTag = site.image.digest !== undefined && wanted.digest !== undefined;
  if (site.pinsInTag === true && (pin !== 'tag' || digestInTag)) {
    planPinnedTag(parsed, site, wanted, state);
  } else {
    planTag(parsed, site, wanted, pin, state);
    planDigest(parsed, site, wanted, pin, state);
  }
  if (site.rename !== undefined && site.rename.text !== site.name) state.ops.push(setOp(parsed, site.rename, site.name));
  if (!state.held) throw nothingToWrite(site, pin);
  state.ops.push(...addOps(parsed, site, state.adds));
  return { site, ops: state.ops, after: { tag: state.tag, digest: state.digest } };
}

function planTag(parsed: ParsedFile, site: LocatedSite, wanted: ImageRef, pin: Pin, state: FieldsState): void {
  if (wanted.tag === undefined && pin === 'digest' && site.tag !== undefined && site.layout !== undefined && site.tag.text !== '') {
    // `name@digest` with no tag given: a `newTag` left beside the digest would render a stale `name:old@digest`.
    state.ops.push(removeOp(parsed, site, site.tag));
    state.tag = undefined;
    return;
  }
  // Under pin `digest` an existing tag field is kept in step with the new tag, but none is added.
  if (wanted.tag === undefined || (site.tag === undefined && pin === 'digest')) return;
  if (site.tag !== undefined) {
    if (site.tag.text !== wanted.tag) state.ops.push(setOp(parsed, site.tag, wanted.tag));
  } else if (site.layout !== undefined) {
    state.adds.push([site.layout.tagKey, wanted.tag]);
  } else {
    return;
  }
  state.tag = wanted.tag;
  state.held = true;
}

function planDigest(parsed: ParsedFile, site: LocatedSite, wanted: ImageRef, pin: Pin, state: FieldsState): void {
  const digest = site.digest;
  if (pin === 'tag') {
    // A digest pinned next to the old tag would override the new tag: replace it, or drop it.
    if (digest === undefined || digest.text === '') return;
    if (wanted.digest !== undefined) {
      writeDigest(parsed, digest, wanted.digest, state);
      return;
    }
    if (site.layout === undefined) throw staleMarkedDigest(site, digest);
    state.ops.push(removeOp(parsed, site, digest));
    state.digest = undefined;
    return;
  }
  if (wanted.digest === undefined) return;
  if (digest !== undefined) {
    writeDigest(parsed, digest, wanted.digest, state);
    return;
  }
  if (site.layout === undefined) return;
  state.adds.push([site.layout.digestKey, wanted.digest]);
  state.digest = wanted.digest;
  state.held = true;
}

/**
 * Helm values without a digest key (see `LocatedSite.pinsInTag`): the digest goes into the tag,
 * `tag: 1.2.3@sha256:…`. That needs a tag: with pin `digest` and none given the bump is refused.
 */
function planPinnedTag(parsed: ParsedFile, site: LocatedSite, wanted: ImageRef, state: FieldsState): void {
  const layout = { tagKey: site.tag?.key ?? site.layout?.tagKey ?? 'tag' };
  if (wanted.tag === undefined) {
    throw new UserError(
      `${where(site)}: the values of ${site.name} have no "digest" key, so the chart reads the version from "${layout.tagKey}" only, and ` +
        `"${layout.tagKey}: @sha256:…" is no reference. Give the image with its tag (${site.name}:<tag>@sha256:…) to write ` +
        `"${layout.tagKey}: <tag>@sha256:…", or add a "digest" key the chart reads.`,
      { input: 'image' },
    );
  }
  const value = `${wanted.tag}@${wanted.digest}`;
  if (site.tag !== undefined) {
    if (site.tag.text !== value) state.ops.push(setOp(parsed, site.tag, value));
  } else if (site.layout !== undefined) {
    state.adds.push([layout.tagKey, value]);
  } else {
    return;
  }
  state.tag = wanted.tag;
  state.digest = wanted.digest;
  state.held = true;
}

function writeDigest(parsed: ParsedFile, slot: Slot, digest: string, state: FieldsState): void {
  if (slot.text !== digest) state.ops.push(setOp(parsed, slot, digest));
  state.digest = digest;
  state.held = true;
}

/** A `set` op: the value rewritten in place, in its own quoting style. */
function setOp(parsed: ParsedFile, slot: Slot, value: string): Op {
  return {
    splice: replaceValue(parsed.text, slot, value),
    field: slot.key,
    old: slot.text,
    new: value,
    patch: { docIndex: slot.docIndex, path: slot.path, value },
    at: slot.node.range?.[0] ?? 0,
    kind: 'set',
    node: slot.node,
  };
}

function removeOp(parsed: ParsedFile, site: LocatedSite, slot: Slot): Op {
  const map = site.layout!.map;
  const pair = findPair(map, slot.key)!;
  const splice = removePair(parsed.text, map, pair);
  const path = parsed.docs[site.layout!.docIndex]!.paths.get(map) ?? [];
  return {
    splice,
    field: slot.key,
    old: slot.text,
    new: undefined,
    patch: { docIndex: site.docIndex, path: [...path, slot.key], value: undefined },
    at: (pair.key as Scalar).range?.[0] ?? splice.start,
    kind: 'remove',
  };
}

/** Ops that add missing fields: a tag after the name; a digest after the tag (or after the name with an added tag). */
function addOps(parsed: ParsedFile, site: LocatedSite, adds: ReadonlyArray<readonly [string, string]>): Op[] {
  const layout = site.layout;
  if (layout === undefined || adds.length === 0) return [];
  const mapPath = parsed.docs[layout.docIndex]!.paths.get(layout.map) ?? [];
  const tagPair = findPair(layout.map, layout.tagKey);
  return adds.map(([key, value]) => {
    const after = key === layout.digestKey && tagPair !== undefined ? tagPair : layout.namePair;
    const splice = insertFields(parsed, layout.map, after, [[key, value]]);
    return {
      splice,
      field: key,
      old: undefined,
      new: value,
      patch: { docIndex: layout.docIndex, path: [...mapPath, key], value },
      at: Math.max(0, splice.text.search(/[^\s,]/)),
      kind: 'add' as const,
    };
  });
}

function where(site: LocatedSite): string {
  return `${site.file}:${site.line}:${site.column}`;
}

function nothingToWrite(site: LocatedSite, pin: Pin): UserError {
  const wants = pin === 'digest' ? 'a digest' : pin === 'tag' ? 'a tag' : 'a tag or digest';
  if (site.kind !== 'marker' && site.kind !== 'flux-marker') {
    return new UserError(
      `${where(site)}: ${site.name} is named here without a value that can hold ${wants} (pin "${pin}"), and Baton adds no entry here; ` +
        'add the tag (or digest) entry next to the name.',
      { input: where(site) },
    );
  }
  return new UserError(
    `${where(site)}: the markers for ${site.name} mark no value that can hold ${wants} (pin "${pin}"); ` +
      'add a ":tag" or ":digest" marker on the value to write.',
    { input: where(site) },
  );
}

function staleMarkedDigest(site: LocatedSite, digest: Slot): UserError {
  const kind = site.kind === 'marker' || site.kind === 'flux-marker' ? 'a marked digest' : 'a digest';
  const never =
    site.kind === 'marker' || site.kind === 'flux-marker' ? 'a marked value is never removed' : 'Baton does not remove an entry there';
  return new UserError(
    `${where(site)}: ${site.name} has ${kind} (${digest.text}) that would override the new tag, and ` +
      `${never}; give the image with its digest (…@sha256:…) or use pin "tag+digest".`,
    { input: where(site) },
  );
}
