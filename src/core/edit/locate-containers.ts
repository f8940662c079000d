import { isMap, isSeq, type YAMLMap } from 'yaml';
import { tryParseImageRef } from '../image-ref.ts';
import { claimOf, fieldSlot, forEachCollection, pairKey } from './nodes.ts';
import type { ParsedDoc, ParsedFile } from './parse.ts';
import { type LocatedSite, placeSite, writtenName } from './site.ts';
import type { SiteKind } from './types.ts';

/**
 * Lists whose entries are containers with an `image`: pod specs (`containers`, `initContainers`,
 * `ephemeralContainers`) wherever they sit (Deployment, CronJob's job template, Rollout, any CRD with
 * a pod template), and Tekton's `steps` and `sidecars`.
 */
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers', 'steps', 'sidecars']);
/** Single container maps: Argo Workflows templates (`container:`, `script:`). */
const CONTAINER_MAPS = new Set(['container', 'script']);

/** Container `image:` values at any depth of a Kubernetes object. */
export function containerSites(parsed: ParsedFile, doc: ParsedDoc, root: unknown): LocatedSite[] {
  const sites: LocatedSite[] = [];
  forEachCollection(root, (node, parentKey) => {
    if (parentKey === undefined) return;
    if (isSeq(node) && CONTAINER_LISTS.has(parentKey)) {
      for (const item of node.items) if (isMap(item)) pushSite(sites, imageValueSite(parsed, doc, item, 'image', 'container'));
    } else if (isMap(node) && CONTAINER_MAPS.has(parentKey)) {
      pushSite(sites, imageValueSite(parsed, doc, node, 'image', 'container'));
    } else if (isMap(node) && parentKey === 'image') {
      // Kubernetes image volumes: `volumes[].image.reference` (an OCI image mounted as a volume).
      pushSite(sites, imageValueSite(parsed, doc, node, 'reference', 'container'));
    }
  });
  return sites;
}

/** Keys that may hold a whole image reference in any Kubernetes object: ending in `image`, any case. */
const IMAGE_KEY = /image$/i;

/**
 * Whole references under any key ending in `image` (`spec.image` of an operator's resource,
 * `SIDECAR_IMAGE` in a ConfigMap), as Renovate's kubernetes manager finds `image:` lines anywhere.
 * Only values that parse as a reference with a tag or digest count: a bare word is too likely prose.
 */
export function imageKeySites(parsed: ParsedFile, doc: ParsedDoc, root: unknown): LocatedSite[] {
  const sites: LocatedSite[] = [];
  forEachCollection(root, (node) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = pairKey(pair);
      if (key === undefined || !IMAGE_KEY.test(key)) continue;
      const site = imageValueSite(parsed, doc, node, key, 'container');
      if (site !== undefined && (site.image.tag !== undefined || site.image.digest !== undefined)) sites.push(site);
    }
  });
  return sites;
}

/** A site for a whole reference (`name[:tag][@digest]`) held under `key` in a map. */
export function imageValueSite(parsed: ParsedFile, doc: ParsedDoc, map: YAMLMap, key: string, kind: SiteKind): LocatedSite | undefined {
  const slot = fieldSlot(doc, map, key);
  const image = slot === undefined ? undefined : tryParseImageRef(slot.text);
  if (slot === undefined || image === undefined) return undefined;
  const parts = { kind, image, docIndex: doc.index, name: writtenName(slot.text), ref: slot, claims: claimOf(slot) };
  return placeSite(parsed, parts, slot.alias ?? slot.node);
}

function pushSite(sites: LocatedSite[], site: LocatedSite | undefined): void {
  if (site !== undefined) sites.push(site);
}
