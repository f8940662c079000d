import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { tryParseImageRef } from '../image-ref.ts';
import { claimOf, fieldSlot, getValue, pairKey, type Slot, slotOf, valueAt } from './nodes.ts';
import type { ParsedDoc, ParsedFile } from './parse.ts';
import { type LocatedSite, placeSite, splitLayoutImage, writtenName } from './site.ts';

/** Argo CD's write-back override next to an app's sources: `.argocd-source.yaml`, `.argocd-source-<app>.yaml`. */
const OVERRIDE_FILE = /(?:^|\/)\.argocd-source(?:-[^/]+)?\.ya?ml$/;
/** A key for the image's name in split Helm parameters or dotted keys (`image.repository`, `image.name`). */
const IMAGE_PREFIX = /image$/i;

/** True for an Argo CD source override file (what Argo CD Image Updater's git write-back edits). */
export function isArgocdOverride(file: string): boolean {
  return OVERRIDE_FILE.test(file);
}

/**
 * Sites of an Argo CD source (an Application's `spec.source`/`spec.sources[]`, or the top level of an
 * override file): `kustomize.images` strings (`[old=]name[:tag][@digest]`) and `helm.parameters`
 * entries (`{name: image.tag, value: …}`) that together name an image.
 */
export function argocdSourceSites(parsed: ParsedFile, doc: ParsedDoc, source: unknown): LocatedSite[] {
  if (!isMap(source)) return [];
  return [
    ...kustomizeImageStrings(parsed, doc, valueAt(source, 'kustomize', 'images')),
    ...helmParameterSites(parsed, doc, valueAt(source, 'helm', 'parameters')),
  ];
}

/** The sources of an Argo CD Application: `spec.source` and every `spec.sources[]` entry. */
export function applicationSources(root: unknown): unknown[] {
  const spec = isMap(root) ? getValue(root, 'spec') : undefined;
  if (!isMap(spec)) return [];
  const sources = getValue(spec, 'sources');
  return [getValue(spec, 'source'), ...(isSeq(sources) ? sources.items : [])].filter(isMap);
}

/** Argo CD `kustomize.images`: one string per image; the `old=` part says which image it replaces and is kept. */
function kustomizeImageStrings(parsed: ParsedFile, doc: ParsedDoc, images: unknown): LocatedSite[] {
  if (!isSeq(images)) return [];
  return images.items.flatMap((item) => {
    const slot = isScalar(item) ? slotOf(doc, item, 'image', images.flow === true) : undefined;
    if (slot === undefined) return [];
    const eq = slot.text.indexOf('=');
    const reference = slot.text.slice(eq + 1);
    const image = tryParseImageRef(reference);
    if (image === undefined) return [];
    const parts = {
      kind: 'kustomize' as const,
      image,
      docIndex: doc.index,
      name: writtenName(reference),
      ref: slot,
      claims: claimOf(slot),
      ...(eq >= 0 ? { prefix: slot.text.slice(0, eq + 1) } : {}),
    };
    return [placeSite(parsed, parts, slot.alias ?? slot.node)];
  });
}

/** Argo CD `helm.parameters`: `name`/`value` entries, grouped by the dotted prefix they share. */
function helmParameterSites(parsed: ParsedFile, doc: ParsedDoc, parameters: unknown): LocatedSite[] {
  if (!isSeq(parameters)) return [];
  const entries = new Map<string, Slot>();
  for (const item of parameters.items) {
    if (!isMap(item)) continue;
    const name = fieldSlot(doc, item, 'name')?.text;
    const value = fieldSlot(doc, item, 'value');
    if (name !== undefined && value !== undefined) entries.set(name, value);
  }
  return [...groupedSites(parsed, doc, entries), ...wholeParameterSites(parsed, entries)];
}

/** Parameters whose name ends in `image` holding a whole reference (`{name: worker.image, value: ghcr.io/acme/worker:1.0}`). */
function wholeParameterSites(parsed: ParsedFile, entries: ReadonlyMap<string, Slot>): LocatedSite[] {
  return [...entries].flatMap(([name, slot]) => {
    const image = IMAGE_PREFIX.test(name) ? tryParseImageRef(slot.text) : undefined;
    if (image === undefined || (image.tag === undefined && image.digest === undefined)) return [];
    const parts = { kind: 'helm' as const, image, docIndex: slot.docIndex, name: writtenName(slot.text), ref: slot, claims: claimOf(slot) };
    return [placeSite(parsed, parts, slot.alias ?? slot.node)];
  });
}

/** Dotted keys in one map of Helm values (`image.repository: …`, `image.tag: …`), read as one key each. */
export function dottedKeySites(parsed: ParsedFile, doc: ParsedDoc, map: YAMLMap): LocatedSite[] {
  const entries = new Map<string, Slot>();
  for (const pair of map.items) {
    const key = pairKey(pair);
    if (key === undefined || !key.includes('.')) continue;
    const slot = fieldSlot(doc, map, key);
    if (slot !== undefined) entries.set(key, slot);
  }
  return entries.size === 0 ? [] : groupedSites(parsed, doc, entries);
}

/**
 * Sites from flat `<prefix>.<field>` entries: `<prefix>.repository` (or `.name` under an image-ish
 * prefix) with an optional `.registry`, and `.tag` (or `.version`) and/or `.digest`. Nothing can be
 * added to such a group: a missing field is not written (without a digest entry the digest goes into
 * the tag, as for Helm values).
 */
function groupedSites(parsed: ParsedFile, doc: ParsedDoc, entries: ReadonlyMap<string, Slot>): LocatedSite[] {
  const prefixes = new Set([...entries.keys()].map((key) => key.slice(0, key.lastIndexOf('.'))).filter((prefix) => prefix !== ''));
  const sites: LocatedSite[] = [];
  for (const prefix of prefixes) {
    const field = (name: string) => entries.get(`${prefix}.${name}`);
    const nameSlot = field('repository') ?? (IMAGE_PREFIX.test(prefix) ? field('name') : undefined);
    const tag = field('tag') ?? field('version');
    const digest = field('digest');
    if (nameSlot === undefined || (tag === undefined && digest === undefined)) continue;
    const registry = field('registry');
    const split = splitLayoutImage(registry, nameSlot, tag, digest);
    if (split === undefined) continue;
    const parts = {
      kind: 'helm' as const,
      image: split.image,
      docIndex: doc.index,
      name: split.name,
      claims: [...claimOf(registry), ...claimOf(nameSlot), ...claimOf(tag), ...claimOf(digest)],
      pinsInTag: digest === undefined,
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
    };
    sites.push(placeSite(parsed, parts, nameSlot.alias ?? nameSlot.node));
  }
  return sites;
}
