import { isAlias, isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { UserError } from '../errors.ts';
import { type ImageRef, imageName, parseImageRef, sameImage, tryParseImageRef } from '../image-ref.ts';
import { claimOf, fieldSlot, forEachCollection, pairKey, type Slot, scalarText, slotOf } from './nodes.ts';
import { type ParsedDoc, type ParsedFile, parseFile, positionOf } from './parse.ts';
import { imageWith, type LocatedSite, placeSite, writtenName } from './site.ts';
import type { EditOptions } from './types.ts';

/** What part of a reference a marked value holds. */
export type MarkerField = 'whole' | 'tag' | 'digest' | 'name';

/** A marker comment: which image the value on its line belongs to, and which part of it the value is. */
export interface Marker {
  readonly kind: 'marker' | 'flux-marker';
  /** The image's name (no tag or digest). */
  readonly image: ImageRef;
  /** The name as the marker (or the policy mapping) writes it. */
  readonly name: string;
  readonly field: MarkerField;
  /** For a Flux marker: the policy it names, as written (`flux-system:podinfo`). */
  readonly policy?: string;
}

interface Marked {
  readonly marker: Marker;
  readonly slot: Slot;
  /** The map the value is a field of; undefined for a sequence entry. */
  readonly map: YAMLMap | undefined;
}

const FIELDS = new Set(['tag', 'digest', 'name']);
const BATON = /^baton:\s*(\S+)/;
const FLUX = /\{\s*"\$imagepolicy"\s*:\s*"([^"]*)"\s*\}/;

/** The text of a comment that follows a value ending at `end` on the same line (without the `#`). */
export function commentAfter(text: string, end: number): string | undefined {
  const lineEnd = text.indexOf('\n', end);
  const rest = text.slice(end, lineEnd < 0 ? text.length : lineEnd).replace(/\r$/, '');
  return /^[ \t]*#(.*)$/.exec(rest)?.[1];
}

/**
 * Reads a marker from a comment's text: `baton: <image>[:tag|:digest|:name]`, or Flux's
 * `{"$imagepolicy": "<ns>:<policy>[:tag|:digest|:name]"}` when `policies` maps the policy to an
 * image (Flux markers for unmapped policies are ignored). A suffix `:tag`, `:digest` or `:name` after
 * the name is always a field, never a tag. Throws a {@link UserError} for a marker naming an invalid image.
 */
export function parseMarker(comment: string, policies: EditOptions['policies'], where: string): Marker | undefined {
  const baton = BATON.exec(comment.trim());
  if (baton !== null) return batonMarker(baton[1]!, where);
  const flux = FLUX.exec(comment);
  return flux === null ? undefined : fluxMarker(flux[1]!, policies ?? {});
}

function batonMarker(value: string, where: string): Marker {
  const colon = value.lastIndexOf(':');
  const suffix = value.slice(colon + 1);
  const isField = colon > value.lastIndexOf('/') && FIELDS.has(suffix);
  const name = isField ? value.slice(0, colon) : value;
  const ref = parseImageRef(name, `${where} (marker "# baton: ${value}")`);
  const field = (isField ? suffix : 'whole') as MarkerField;
  return { kind: 'marker', image: ref, name: writtenName(name), field };
}

function fluxMarker(value: string, policies: Readonly<Record<string, string>>): Marker | undefined {
  const parts = value.split(':');
  const last = parts.at(-1) ?? '';
  const head = parts.slice(0, -1).join(':');
  // `ns:policy:tag` is always a field; `a:tag` is the policy `a:tag` when mapped, else policy `a`'s tag.
  const candidates: Array<[string, MarkerField]> =
    parts.length >= 3 && FIELDS.has(last)
      ? [[head, last as MarkerField]]
      : [[value, 'whole'], ...(parts.length === 2 && FIELDS.has(last) ? [[head, last as MarkerField] as [string, MarkerField]] : [])];
  for (const [policy, field] of candidates) {
    const key = policyKey(policy, policies);
    if (key === undefined) continue;
    const mapped = policies[key]!;
    const ref = parseImageRef(mapped, `policies["${key}"]`);
    return { kind: 'flux-marker', image: ref, name: writtenName(mapped), field, policy };
  }
  return undefined;
}

/** True when a marker's policy (`ns:name`) is the policy asked for (`ns:name`, or `name` in any namespace). */
export function samePolicy(marker: string, asked: string): boolean {
  if (marker === asked) return true;
  const bare = (policy: string) => policy.slice(policy.indexOf(':') + 1);
  return (!asked.includes(':') || !marker.includes(':')) && bare(marker) === bare(asked);
}

/** A Flux `$imagepolicy` marker as written, for callers that resolve policies themselves (the update step). */
export interface PolicyMarker {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The policy as written (`flux-system:podinfo`). */
  readonly policy: string;
  readonly field: MarkerField;
  /** The value on the marked line, as text. */
  readonly value: string;
}

/**
 * Every Flux `$imagepolicy` marker in a file with its policy name, whatever image it stands for: the
 * update step reads which policies an environment uses from this, resolves each to its latest image,
 * and bumps it with `EditOptions.policy` set to the policy name. Malformed YAML throws, as locating does.
 */
export function locatePolicyMarkers(file: string, text: string): PolicyMarker[] {
  const parsed = parseFile(file, text);
  const found: PolicyMarker[] = [];
  for (const doc of parsed.docs) {
    forEachCollection(doc.doc.contents, (node) => {
      const values = isMap(node) ? node.items.map((pair) => pair.value) : node.items;
      for (const value of values) {
        if (!isScalar(value)) continue;
        const comment = commentAfter(parsed.text, value.range?.[1] ?? 0);
        const match = comment === undefined ? null : FLUX.exec(comment);
        if (match === null) continue;
        const { policy, field } = splitPolicy(match[1]!);
        const { line, column } = positionOf(parsed, value.range?.[0] ?? 0);
        found.push({ file, line, column, policy, field, value: scalarText(value) });
      }
    });
  }
  return found;
}

/** `ns:policy:tag` → policy `ns:policy`, field tag; a two-part value with a field suffix reads as `policy:field`. */
function splitPolicy(value: string): { policy: string; field: MarkerField } {
  const parts = value.split(':');
  const last = parts.at(-1) ?? '';
  if (parts.length >= 2 && FIELDS.has(last)) return { policy: parts.slice(0, -1).join(':'), field: last as MarkerField };
  return { policy: value, field: 'whole' };
}

/** The key of `policies` a marker's policy matches: `ns:name`, or just `name`. */
function policyKey(policy: string, policies: Readonly<Record<string, string>>): string | undefined {
  if (Object.hasOwn(policies, policy)) return policy;
  const colon = policy.indexOf(':');
  const bare = policy.slice(colon + 1);
  return colon >= 0 && Object.hasOwn(policies, bare) ? bare : undefined;
}

/**
 * Sites made from marker comments in one document. A marker overrides the heuristics for its value:
 * the caller drops heuristic sites that stand on a value claimed here. Field markers (`:tag`,
 * `:digest`, `:name`) for one image in one map form one site; an unmarked `tag`/`newTag`/`digest`
 * beside them joins that site.
 */
export function markerSites(parsed: ParsedFile, doc: ParsedDoc, policies: EditOptions['policies']): LocatedSite[] {
  const marked = collectMarked(parsed, doc, policies);
  const claimed = new Set<Node>(marked.flatMap((m) => claimOf(m.slot)));
  const sites = marked.filter((m) => m.marker.field === 'whole').map((m) => wholeSite(parsed, doc, m));
  for (const group of groupFields(parsed, marked)) sites.push(fieldSite(parsed, doc, group, claimed));
  return sites;
}

function collectMarked(parsed: ParsedFile, doc: ParsedDoc, policies: EditOptions['policies']): Marked[] {
  const marked: Marked[] = [];
  // `key` names the field in reports; a sequence entry is named by what the marker says it holds.
  const consider = (value: unknown, key: string | undefined, map: YAMLMap | undefined, flow: boolean): void => {
    if (!isScalar(value) && !isAlias(value)) return;
    const comment = commentAfter(parsed.text, value.range?.[1] ?? 0);
    if (comment === undefined) return;
    const marker = parseMarker(comment, policies, where(parsed, value));
    if (marker === undefined) return;
    const slot = slotOf(doc, value, key ?? (marker.field === 'whole' ? 'image' : marker.field), flow);
    if (slot !== undefined) marked.push({ marker, slot, map });
  };
  forEachCollection(doc.doc.contents, (node) => {
    if (isMap(node)) for (const pair of node.items) consider(pair.value, pairKey(pair) ?? 'value', node, node.flow === true);
    else for (const item of node.items) consider(item, undefined, undefined, node.flow === true);
  });
  return marked;
}

function where(parsed: ParsedFile, node: Node): string {
  const { line, column } = positionOf(parsed, node.range?.[0] ?? 0);
  return `${parsed.file}:${line}:${column}`;
}

function wholeSite(parsed: ParsedFile, doc: ParsedDoc, { marker, slot }: Marked): LocatedSite {
  const current = tryParseImageRef(slot.text);
  // The marker says which image this value is; when the value names it already, its spelling is kept.
  const same = current !== undefined && sameImage(current, marker.image);
  const parts = {
    kind: marker.kind,
    ...(marker.policy === undefined ? {} : { policy: marker.policy }),
    image: imageWith(marker.image, current?.tag, current?.digest),
    docIndex: doc.index,
    name: same ? writtenName(slot.text) : marker.name,
    ref: slot,
    claims: claimOf(slot),
  };
  return placeSite(parsed, parts, slot.alias ?? slot.node);
}

function groupFields(parsed: ParsedFile, marked: readonly Marked[]): Marked[][] {
  const groups = new Map<string, Marked[]>();
  const owners = new Map<unknown, number>();
  for (const m of marked) {
    if (m.marker.field === 'whole') continue;
    const owner = m.map ?? m.slot.alias ?? m.slot.node;
    if (!owners.has(owner)) owners.set(owner, owners.size);
    const key = `${owners.get(owner)} ${imageName(m.marker.image)}`;
    const group = groups.get(key) ?? [];
    if (group.some((other) => other.marker.field === m.marker.field)) {
      throw new UserError(
        `${where(parsed, m.slot.alias ?? m.slot.node)}: a second ":${m.marker.field}" marker for ${m.marker.name} in the same map; ` +
          `keep one.`,
      );
    }
    groups.set(key, [...group, m]);
  }
  return [...groups.values()];
}

function fieldSite(parsed: ParsedFile, doc: ParsedDoc, group: readonly Marked[], claimed: ReadonlySet<Node>): LocatedSite {
  const { marker, map } = group[0]!;
  const field = (name: MarkerField): Slot | undefined => group.find((m) => m.marker.field === name)?.slot;
  const borrow = (...keys: string[]): Slot | undefined => {
    if (map === undefined) return undefined;
    return keys.map((key) => fieldSlot(doc, map, key)).find((slot) => slot !== undefined && !claimOf(slot).some((n) => claimed.has(n)));
  };
  const tag = field('tag') ?? borrow('tag', 'newTag');
  const digest = field('digest') ?? borrow('digest');
  const naming = nameOf(parsed, doc, marker, field('name'), map);
  const at = field('name') ?? group[0]!.slot;
  const parts = {
    kind: marker.kind,
    ...(marker.policy === undefined ? {} : { policy: marker.policy }),
    image: imageWith(marker.image, tag?.text, digest?.text),
    docIndex: doc.index,
    ...naming,
    claims: [
      ...group.flatMap((m) => claimOf(m.slot)),
      ...claimOf(field('tag') ? undefined : tag),
      ...claimOf(field('digest') ? undefined : digest),
    ],
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
  return placeSite(parsed, parts, at.alias ?? at.node);
}

/** The name to keep, and the `:name` value to rewrite when it holds another image than the marker names. */
function nameOf(
  parsed: ParsedFile,
  doc: ParsedDoc,
  marker: Marker,
  nameSlot: Slot | undefined,
  map: YAMLMap | undefined,
): { name: string; rename?: Slot } {
  if (nameSlot === undefined) return { name: marker.name };
  const registry = map !== undefined && nameSlot.key === 'repository' ? fieldSlot(doc, map, 'registry')?.text : undefined;
  const written = registry ? `${registry}/${nameSlot.text}` : nameSlot.text;
  const current = tryParseImageRef(written);
  if (current !== undefined && sameImage(current, marker.image) && current.tag === undefined && current.digest === undefined) {
    return { name: written };
  }
  if (registry) {
    throw new UserError(
      `${where(parsed, nameSlot.alias ?? nameSlot.node)}: the ":name" marker says ${marker.name}, but the values hold ` +
        `${written} split over "registry" and "repository"; Baton does not rewrite a split name: fix the values or the marker.`,
    );
  }
  return { name: marker.name, rename: nameSlot };
}
