import { isMap, isSeq, type YAMLMap } from 'yaml';
import { tryParseImageRef } from '../image-ref.ts';
import { claimOf, fieldSlot, findPair, getString, type Slot } from './nodes.ts';
import type { ParsedDoc, ParsedFile } from './parse.ts';
import { imageWith, type LocatedSite, placeSite, writtenName } from './site.ts';

const KUSTOMIZATION_FILE = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;
const KUSTOMIZE_API = 'kustomize.config.k8s.io/';

/**
 * True for a kustomization document: `kind: Kustomization|Component` of kustomize's API group, or a
 * file named like one that does not say it is something else (a Flux Kustomization is often kept in
 * a `kustomization.yaml` too; it is a Kubernetes object with its images under `spec.images`).
 */
export function isKustomization(file: string, root: unknown): boolean {
  const apiVersion = getString(root, 'apiVersion');
  if (apiVersion !== undefined && !apiVersion.startsWith(KUSTOMIZE_API)) return false;
  if (KUSTOMIZATION_FILE.test(file)) return true;
  const kind = getString(root, 'kind');
  return (kind === 'Kustomization' || kind === 'Component') && apiVersion !== undefined;
}

/**
 * Sites of a kustomize `images:` list (a kustomization's top level, or a Flux Kustomization's
 * `spec.images`). An entry matches by the image it produces: `newName` when set, else `name`.
 */
export function kustomizeSites(parsed: ParsedFile, doc: ParsedDoc, images: unknown): LocatedSite[] {
  if (!isSeq(images)) return [];
  return images.items.flatMap((entry) => {
    const site = isMap(entry) ? entrySite(parsed, doc, entry) : undefined;
    return site === undefined ? [] : [site];
  });
}

function entrySite(parsed: ParsedFile, doc: ParsedDoc, entry: YAMLMap): LocatedSite | undefined {
  const key = findPair(entry, 'newName') === undefined ? 'name' : 'newName';
  const nameSlot = fieldSlot(doc, entry, key);
  const tag = slotIfAny(doc, entry, 'newTag');
  const digest = slotIfAny(doc, entry, 'digest');
  if (nameSlot === undefined || tag === null || digest === null) return undefined;
  const named = tryParseImageRef(nameSlot.text);
  if (named === undefined) return undefined;
  if (named.tag !== undefined || named.digest !== undefined) {
    // `newName: awesome/postgres:11` is a whole reference kustomize writes as is: a `newTag` added
    // beside it would render `awesome/postgres:11:12`. It is rewritten whole, in place; an entry that
    // has a tag in its name and a `newTag`/`digest` too is already broken and left alone.
    if (tag !== undefined || digest !== undefined) return undefined;
    const whole = {
      kind: 'kustomize' as const,
      image: named,
      docIndex: doc.index,
      name: writtenName(nameSlot.text),
      ref: nameSlot,
      claims: claimOf(nameSlot),
    };
    return placeSite(parsed, whole, nameSlot.alias ?? nameSlot.node);
  }
  const parts = {
    kind: 'kustomize' as const,
    image: imageWith(named, tag?.text, digest?.text),
    docIndex: doc.index,
    name: writtenName(nameSlot.text),

    claims: [...claimOf(nameSlot), ...claimOf(tag), ...claimOf(digest)],
    layout: { map: entry, docIndex: doc.index, tagKey: 'newTag', digestKey: 'digest', namePair: findPair(entry, key)! },
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
  return placeSite(parsed, parts, nameSlot.alias ?? nameSlot.node);
}

/**
 * The slot under `key`, undefined when the key is absent, and null when it is present but cannot be
 * edited (templated, a map, a block scalar): such an entry is left alone as a whole.
 */
export function slotIfAny(doc: ParsedDoc, map: YAMLMap, key: string): Slot | undefined | null {
  if (findPair(map, key) === undefined) return undefined;
  return fieldSlot(doc, map, key) ?? null;
}
