/** An image's config blob (labels, creation time), read by digest through any {@link OciClient}. */
import type { Descriptor, ImageIndex } from './media-types.ts';
import { parseManifest } from './media-types.ts';
import type { OciClient } from './types.ts';

/** Where the image is: registry and repository. */
export interface ImageRepository {
  readonly registry: string;
  readonly repository: string;
}

/**
 * The parsed config JSON of the image at `digest`: of its manifest, or for an index, of the entry `pick`
 * chooses. Undefined when `pick` chooses none or the manifest is no image (an artifact).
 */
export async function readImageConfig(
  client: Pick<OciClient, 'getManifest' | 'getBlob'>,
  repo: ImageRepository,
  digest: string,
  pick: (index: ImageIndex) => Descriptor | undefined,
): Promise<Record<string, unknown> | undefined> {
  const at = (d: string) => ({ registry: repo.registry, repository: repo.repository, digest: d });
  let data = await client.getManifest(at(digest));
  let parsed = parseManifest(data.bytes, data.mediaType);
  if (parsed.kind === 'index') {
    const entry = pick(parsed.index);
    if (!entry) return undefined;
    data = await client.getManifest(at(entry.digest));
    parsed = parseManifest(data.bytes, data.mediaType);
  }
  if (parsed.kind !== 'manifest') return undefined;
  const stream = await client.getBlob(at(digest), parsed.manifest.config);
  return JSON.parse(Buffer.concat(await stream.toArray()).toString('utf8')) as Record<string, unknown>;
}
