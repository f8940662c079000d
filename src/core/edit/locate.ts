import { isMap, type Node } from 'yaml';
import { applicationSources, argocdSourceSites, isArgocdOverride } from './locate-argocd.ts';
import { containerSites, imageKeySites } from './locate-containers.ts';
import { embeddedValues, helmSites } from './locate-helm.ts';
import { isKustomization, kustomizeSites } from './locate-kustomize.ts';
import { markerSites, samePolicy } from './markers.ts';
import { getString, getValue, valueAt } from './nodes.ts';
import { type ParsedDoc, type ParsedFile, parseFile } from './parse.ts';
import type { LocatedSite } from './site.ts';
import type { EditOptions, ImageSite } from './types.ts';

/** A parsed file and every image site in it, in file order. */
export interface LocatedFile {
  readonly parsed: ParsedFile;
  readonly sites: readonly LocatedSite[];
}

/**
 * Finds every image reference in one file (see `index.ts` for the shapes). Malformed YAML throws a
 * UserError naming `file:line:column`; a Helm/Go template that is not YAML yields no sites.
 */
export function locateImages(file: string, text: string, options: EditOptions): ImageSite[] {
  return locateSites(file, text, options).sites.map(publicSite);
}

/** {@link locateImages} with what the editor needs: the parsed file and the sites' nodes. */
export function locateSites(file: string, text: string, options: Pick<EditOptions, 'policies' | 'policy'>): LocatedFile {
  const parsed = parseFile(file, text);
  const sites = parsed.docs.flatMap((doc) => docSites(parsed, doc, options));
  return { parsed, sites: onlyPolicy(sites, options.policy).sort((a, b) => a.offset - b.offset) };
}

/**
 * With a policy named, only its markers are sites: other policies' markers and unmarked values are
 * left alone, as Flux's setters do.
 */
function onlyPolicy(sites: LocatedSite[], policy: string | undefined): LocatedSite[] {
  if (policy === undefined) return sites;
  return sites.filter((site) => site.kind === 'flux-marker' && site.policy !== undefined && samePolicy(site.policy, policy));
}

/** The public view of a site: where it is and what it holds, without the parser's nodes. */
export function publicSite(site: LocatedSite): ImageSite {
  const { file, line, column, kind, image, policy } = site;
  return { file, line, column, kind, image, ...(policy === undefined ? {} : { policy }) };
}

function docSites(parsed: ParsedFile, doc: ParsedDoc, options: Pick<EditOptions, 'policies'>): LocatedSite[] {
  const sites = markerSites(parsed, doc, options.policies);
  // A marker overrides the heuristics for its value; a value is never part of two sites.
  const claimed = new Set<Node>(sites.flatMap((site) => site.claims));
  for (const site of heuristicSites(parsed, doc)) {
    if (site.claims.some((node) => claimed.has(node))) continue;
    for (const node of site.claims) claimed.add(node);
    sites.push(site);
  }
  return sites;
}

/** Sites found by shape: which shapes apply depends on what the document is. */
function heuristicSites(parsed: ParsedFile, doc: ParsedDoc): LocatedSite[] {
  const root = doc.doc.contents;
  if (isKustomization(parsed.file, root)) return isMap(root) ? kustomizeSites(parsed, doc, getValue(root, 'images')) : [];
  if (isArgocdOverride(parsed.file) && isMap(root)) return [...argocdSourceSites(parsed, doc, root), ...helmSites(parsed, doc, root)];
  if (isKubernetesObject(root)) {
    const fluxImages = isFluxKustomization(root) ? valueAt(root, 'spec', 'images') : undefined;
    const argocd = getString(root, 'kind') === 'Application' ? applicationSources(root) : [];
    return [
      ...containerSites(parsed, doc, root),
      ...embeddedValues(root).flatMap((values) => helmSites(parsed, doc, values)),
      ...kustomizeSites(parsed, doc, fluxImages),
      ...argocd.flatMap((source) => argocdSourceSites(parsed, doc, source)),
      // Last: any other key ending in `image` that holds a whole reference (CRD fields, ConfigMap data).
      ...imageKeySites(parsed, doc, root),
    ];
  }
  // Any other map is Helm values; a top-level list may still hold containers (a bare JSON array of objects).
  return isMap(root) ? helmSites(parsed, doc, root) : containerSites(parsed, doc, root);
}

function isKubernetesObject(root: unknown): boolean {
  return getString(root, 'apiVersion') !== undefined && getString(root, 'kind') !== undefined;
}

function isFluxKustomization(root: unknown): boolean {
  return getString(root, 'kind') === 'Kustomization' && (getString(root, 'apiVersion') ?? '').startsWith('kustomize.toolkit.fluxcd.io/');
}
