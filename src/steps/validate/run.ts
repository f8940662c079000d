import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tryParseImageRef } from '../../core/image-ref.ts';
import { crdSchemas, type CustomResourceSchema } from '../../core/validate/crd-schema.ts';
import { parseStream } from '../../core/validate/documents.ts';
import type { Engine, ImageUse } from '../../core/validate/engine.ts';
import { helmOrigin, kustomizeOrigin } from '../../core/validate/render-sources.ts';
import type { StreamOrigin } from '../../core/validate/resources.ts';
import type { RawFinding } from '../../core/validate/types.ts';
import type { ManifestHead } from '../../adapters/registry/manifest-head.ts';
import type { RenderOptions, RenderResult } from '../../adapters/render/types.ts';
import { displayPath, envValuesFiles, type Source } from './sources.ts';

/** A stream of YAML documents to check, with where it came from. */
export interface Stream {
  readonly text: string;
  readonly origin: StreamOrigin;
}

/** The renderers validate uses, injectable for tests. */
export interface Renderers {
  kustomize(dir: string, options: RenderOptions): Promise<RenderResult>;
  helm(dir: string, options: RenderOptions): Promise<RenderResult>;
}

/** How sources are read: render options, the environment name (for Helm values files), extra values files, standard input. */
export interface StreamOptions extends RenderOptions {
  readonly envName?: string;
  readonly extraValues: readonly string[];
  readonly readStdin?: () => Promise<string>;
}

/** Maps with bounded concurrency, keeping order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function renderFailure(file: string, result: Extract<RenderResult, { ok: false }>): RawFinding {
  return {
    rule: 'render',
    message: `${result.command} failed: ${result.message}`,
    location: { file },
    fix: 'Fix the kustomization or chart so that it renders; the message above is the renderer\'s own.',
  };
}

/** Reads or renders one source; a failed rendering becomes a finding instead of a stream. */
async function streamOf(source: Source, renderers: Renderers, options: StreamOptions): Promise<Stream | RawFinding> {
  // Why synchronous: a manifest is a few kilobytes, and four thread-pool round trips per file (open,
  // stat, read, close) cost more than reading it; renderers still run side by side.
  if (source.kind === 'file') return { text: readFileSync(source.abs, 'utf8'), origin: { file: source.path } };
  if (source.kind === 'stdin') return { text: options.readStdin ? await options.readStdin() : '', origin: { file: source.path } };
  if (source.kind === 'kustomize') {
    const result = await renderers.kustomize(source.path, options);
    if (!result.ok) return renderFailure(source.kustomization, result);
    return { text: result.text, origin: kustomizeOrigin(source.path, source.kustomization, `kustomize ${source.path}`) };
  }
  const valuesFiles = [...(await envValuesFiles(source.abs, options.envName)), ...options.extraValues.map((v) => resolve(options.cwd, v))].map((file) => displayPath(file, options.cwd));
  const result = await renderers.helm(source.path, { ...options, valuesFiles });
  if (!result.ok) return renderFailure(source.path === '.' ? 'Chart.yaml' : `${source.path}/Chart.yaml`, result);
  return { text: result.text, origin: helmOrigin(source.path, `helm ${source.path}`) };
}

/** Reads and renders every source (files in parallel); render failures go to the engine as findings. */
export async function loadStreams(sources: readonly Source[], renderers: Renderers, engine: Engine, options: StreamOptions): Promise<Stream[]> {
  const loaded = await mapPool(sources, 16, (source) => streamOf(source, renderers, options));
  const streams: Stream[] = [];
  for (const item of loaded) {
    if ('text' in item) streams.push(item);
    else engine.add([item]);
  }
  return streams;
}

/** The custom resource schemas of the CRDs in these streams (a cheap text test first: most files have none). */
export function customResourceSchemas(streams: readonly Stream[], strict: boolean): CustomResourceSchema[] {
  const out: CustomResourceSchema[] = [];
  for (const stream of streams) {
    if (!stream.text.includes('CustomResourceDefinition')) continue;
    for (const doc of parseStream(stream.text, stream.origin.file, { strict: false }).documents) {
      const value = doc.value as Record<string, unknown> | null;
      const items = value?.['kind'] === 'List' && Array.isArray(value['items']) ? (value['items'] as Record<string, unknown>[]) : [value];
      for (const item of items) {
        if (item && item['kind'] === 'CustomResourceDefinition' && String(item['apiVersion']).startsWith('apiextensions.k8s.io/')) out.push(...crdSchemas(item, strict));
      }
    }
  }
  return out;
}

/** Checks that every image resolves in its registry; each missing one is a finding at every place it is used. */
export async function checkImages(engine: Engine, head: ManifestHead): Promise<RawFinding[]> {
  const uses = new Map<string, ImageUse[]>();
  for (const use of engine.images()) {
    const list = uses.get(use.image);
    if (list) list.push(use);
    else uses.set(use.image, [use]);
  }
  const images = [...uses.keys()].filter((image) => tryParseImageRef(image) !== undefined);
  const results = await mapPool(images, 8, async (image) => ({ image, check: await head.check(tryParseImageRef(image)!) }));
  const findings: RawFinding[] = [];
  for (const { image, check } of results) {
    if (check.status === 'found') continue;
    const message = check.status === 'missing' ? `image "${image}" does not exist in its registry` : `image "${image}" could not be checked: ${check.message}`;
    const fix = check.status === 'missing' ? 'Push the image first (build-push), or fix the tag or digest.' : 'Check the registry address and credentials (Docker config), then run again.';
    for (const use of uses.get(image) ?? []) findings.push({ rule: 'image-missing', message, fix, location: use.location(), resource: use.resource });
  }
  return findings;
}
