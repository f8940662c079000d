/** Reads what an external builder wrote as an OCI image layout (or any stored image) into a {@link BuiltImage}. */
import { buffer } from 'node:stream/consumers';
import type { ImageRef } from '../../core/image-ref.ts';
import { parseManifest } from '../registry/media-types.ts';
import { LAYOUT_REGISTRY, OciLayoutStore } from '../registry/oci-layout.ts';
import { formatPlatform, isAttestation } from '../registry/platform.ts';
import type { OciClient } from '../registry/types.ts';
import type { BuiltImage } from './types.ts';

/**
 * The image `ref` names in `client`, with its digest per platform: an index's entries (attestations
 * left out), or a single manifest's platform from its config.
 */
export async function describeImage(client: OciClient, ref: ImageRef): Promise<BuiltImage> {
  const top = await client.getManifest(ref);
  const parsed = parseManifest(top.bytes, top.mediaType);
  let platforms: Record<string, string>;
  if (parsed.kind === 'index') {
    platforms = Object.fromEntries(
      parsed.index.manifests
        .filter((entry) => !isAttestation(entry) && entry.platform)
        .map((entry) => [formatPlatform(entry.platform!), entry.digest]),
    );
  } else {
    const config = JSON.parse((await buffer(await client.getBlob(ref, parsed.manifest.config))).toString('utf8')) as {
      os?: string;
      architecture?: string;
      variant?: string;
    };
    platforms = {
      [formatPlatform({
        os: config.os ?? 'linux',
        architecture: config.architecture ?? 'unknown',
        ...(config.variant ? { variant: config.variant } : {}),
      })]: top.digest,
    };
  }
  const byDigest = { registry: ref.registry, repository: ref.repository, digest: top.digest };
  return { location: { client, ref: byDigest }, digest: top.digest, mediaType: top.mediaType, platforms };
}

/** The image in the layout `dir` (by `tag`, or the only one). */
export function readLayoutOutput(dir: string, tag?: string): Promise<BuiltImage> {
  return describeImage(new OciLayoutStore(dir), { registry: LAYOUT_REGISTRY, repository: dir, ...(tag ? { tag } : {}) });
}
