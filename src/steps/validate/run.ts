import { tryParseImageRef } from '../../core/image-ref.ts';
import { crdSchemas, type CustomResourceSchema } from '../../core/validate/crd-schema.ts';
import { parseStream } from '../../core/validate/documents.ts';
import type { Engine, ImageUse } from '../../core/validate/engine.ts';
import type { RawFinding } from '../../core/validate/types.ts';
import type { ManifestHead } from '../../adapters/registry/manifest-head.ts';
import { mapPool, type Renderers, renderSource, type Stream, type StreamOptions } from '../shared/render-env.ts';
import type { Source } from '../shared/sources.ts';

function renderFailure(file: string, command: string, message: string): RawFinding {
  return {
    rule: 'render',
    message: `${command} failed: ${message}`,
    location: { file },
    fix: "Fix the kustomization or chart so that it renders; the message above is the renderer's own.",
  };
}

/** Reads and renders every source (files in parallel); render failures go to the engine as findings. */
export async function loadStreams(
  sources: readonly Source[],
  renderers: Renderers,
  engine: Engine,
  options: StreamOptions,
): Promise<Stream[]> {
  const loaded = await mapPool(sources, 16, (source) => renderSource(source, renderers, options));
  const streams: Stream[] = [];
  for (const item of loaded) {
    if (item.ok) streams.push(item.stream);
    else engine.add([renderFailure(item.file, item.command, item.message)]);
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
        if (item && item['kind'] === 'CustomResourceDefinition' && String(item['apiVersion']).startsWith('apiextensions.k8s.io/'))
          out.push(...crdSchemas(item, strict));
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
    const message =
      check.status === 'missing'
        ? `image "${image}" does not exist in its registry`
        : `image "${image}" could not be checked: ${check.message}`;
    const fix =
      check.status === 'missing'
        ? 'Push the image first (build-push), or fix the tag or digest.'
        : 'Check the registry address and credentials (Docker config), then run again.';
    for (const use of uses.get(image) ?? [])
      findings.push({ rule: 'image-missing', message, fix, location: use.location(), resource: use.resource });
  }
  return findings;
}
