import { isAlias, isMap, isSeq, type YAMLMap } from 'yaml';
import { dottedKeySites } from './locate-argocd.ts';
import { imageValueSite } from './locate-containers.ts';
import { slotIfAny } from './locate-kustomize.ts';
import { claimOf, fieldSlot, findPair, forEachCollection, getString, getValue, pairKey } from './nodes.ts';
import type { ParsedDoc, ParsedFile } from './parse.ts';
import { type LocatedSite, placeSite, splitLayoutImage } from './site.ts';

/** Keys that hold an image in Helm values: any key ending in `image`, in any case (`sidecarImage`, `INIT_IMAGE`). */
const IMAGE_KEY = /image$/i;

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
    sites.push(...dottedKeySites(parsed, doc, node));
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
  // Argo CD Image Updater's Helm convention names the image with `name` (`image.name`/`image.tag`).
  const nameKey =
    findPair(map, 'repository') === undefined && IMAGE_KEY.test(parentKey ?? '') && findPair(map, 'name') !== undefined
      ? 'name'
      : 'repository';
  const inherited = findPair(map, nameKey) === undefined ? mergedMap(doc, map) : undefined;
  // `sidecar: {<<: *app, tag: …}` takes the repository of the map it merges; only its own fields are its site.
  const repository = fieldSlot(doc, inherited ?? map, nameKey);
  const registry = slotIfAny(doc, findPair(map, 'registry') === undefined && inherited !== undefined ? inherited : map, 'registry');
  // Some charts read the tag from `version` (`{registry, repository, version}`); `tag` wins when both exist.
  const tagKey = findPair(map, 'tag') === undefined && findPair(map, 'version') !== undefined ? 'version' : 'tag';
  const tag = slotIfAny(doc, map, tagKey);
  const digest = slotIfAny(doc, map, 'digest');
  if (repository === undefined || registry === null || tag === null || digest === null) return undefined;
  if (tag === undefined && digest === undefined && (inherited !== undefined || !IMAGE_KEY.test(parentKey ?? ''))) return undefined;
  // A repository that carries its own tag or digest is not the split layout this site rewrites; without a
  // digest key a chart pins through the tag (`tag: 1.2.3@sha256:…`, see rewrite.ts).
  const split = splitLayoutImage(registry, repository, tag, digest);
  if (split === undefined) return undefined;
  const parts = {
    kind: 'helm' as const,
    image: split.image,
    docIndex: doc.index,
    name: split.name,
    claims: [...(inherited === undefined ? [...claimOf(registry), ...claimOf(repository)] : []), ...claimOf(tag), ...claimOf(digest)],
    layout: { map, docIndex: doc.index, tagKey, digestKey: 'digest', namePair: findPair(map, nameKey) ?? findPair(map, '<<')! },
    pinsInTag: digest === undefined,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
  const at = inherited === undefined ? repository : (tag ?? digest)!;
  return placeSite(parsed, parts, at.alias ?? at.node);
}

/** The map a `<<: *anchor` merge key brings in, if any (YAML 1.1 merge keys, as Helm reads them). */
function mergedMap(doc: ParsedDoc, map: YAMLMap): YAMLMap | undefined {
  const merge = findPair(map, '<<')?.value;
  const target = isAlias(merge) ? merge.resolve(doc.doc) : undefined;
  return isMap(target) ? target : undefined;
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
