import { isMap, isSeq, type YAMLMap } from 'yaml';
import { tryParseImageRef } from '../image-ref.ts';
import { imageValueSite } from './locate-containers.ts';
import { optionalSlot } from './locate-kustomize.ts';
import { claimOf, fieldSlot, findPair, forEachCollection, getString, getValue, pairKey } from './nodes.ts';
import type { ParsedDoc, ParsedFile } from './parse.ts';
import { imageWith, type LocatedSite, placeSite } from './site.ts';

/** Keys that hold an image in Helm values: `image`, and `*Image` (`sidecarImage`, `initImage`). */
const IMAGE_KEY = /^image$|Image$/;

/**
 * Sites in Helm values, at any depth: maps with `repository` and `tag` and/or `digest` (with an
 * optional `registry`: the image is `registry/repository`), maps with just `repository` under an
 * image key (the tag can be added), and whole references under an image key (`image: nginx:1.27`).
 */
export function helmSites(parsed: ParsedFile, doc: ParsedDoc, root: unknown): LocatedSite[] {
  const sites: LocatedSite[] = [];
  forEachCollection(root, (node, parentKey) => {
    if (!isMap(node)) return;
    const site = helmMapSite(parsed, doc, node, parentKey);
    if (site !== undefined) sites.push(site);
    for (const pair of node.items) {
      const key = pairKey(pair);
      if (key === undefined || !IMAGE_KEY.test(key)) continue;
      const whole = imageValueSite(parsed, doc, node, key, 'helm');
      if (whole !== undefined) sites.push(whole);
    }
  });
  return sites;
}

function helmMapSite(parsed: ParsedFile, doc: ParsedDoc, map: YAMLMap, parentKey: string | undefined): LocatedSite | undefined {
  const repository = fieldSlot(doc, map, 'repository');
  const registry = optionalSlot(doc, map, 'registry');
  const tag = optionalSlot(doc, map, 'tag');
  const digest = optionalSlot(doc, map, 'digest');
  if (repository === undefined || registry === null || tag === null || digest === null) return undefined;
  if (tag === undefined && digest === undefined && !IMAGE_KEY.test(parentKey ?? '')) return undefined;
  const name = registry !== undefined && registry.text !== '' ? `${registry.text}/${repository.text}` : repository.text;
  const named = tryParseImageRef(name);
  // A repository that carries its own tag or digest is not the split layout this site rewrites.
  if (named === undefined || named.tag !== undefined || named.digest !== undefined) return undefined;
  const parts = {
    kind: 'helm' as const,
    image: imageWith(named, tag?.text, digest?.text),
    docIndex: doc.index,
    name,
   
    claims: [...claimOf(registry), ...claimOf(repository), ...claimOf(tag), ...claimOf(digest)],
    layout: { map, docIndex: doc.index, tagKey: 'tag', digestKey: 'digest', namePair: findPair(map, 'repository')! },
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
  return placeSite(parsed, parts, repository.alias ?? repository.node);
}

/**
 * The Helm values embedded in a Kubernetes object: `spec.values` of a HelmRelease (Flux), and
 * `spec.source.helm.valuesObject` / `spec.sources[].helm.valuesObject` of an Argo CD Application.
 */
export function embeddedValues(root: unknown): unknown[] {
  const kind = getString(root, 'kind');
  const spec = isMap(root) ? getValue(root, 'spec') : undefined;
  if (!isMap(spec)) return [];
  if (kind === 'HelmRelease') return [getValue(spec, 'values')].filter(isMap);
  if (kind !== 'Application') return [];
  const sources = getValue(spec, 'sources');
  const all = [getValue(spec, 'source'), ...(isSeq(sources) ? sources.items : [])];
  return all.map(valuesObject).filter(isMap);
}

function valuesObject(source: unknown): unknown {
  if (!isMap(source)) return undefined;
  const helm = getValue(source, 'helm');
  return isMap(helm) ? getValue(helm, 'valuesObject') : undefined;
}
