/**
 * What promote does in registries, through the OCI client: resolve a tag to its digest (only when no
 * verified digest is known), copy an image by digest (mounted within one registry, streamed across
 * registries) and check the digest, add an extra tag, and read the image's source labels.
 */
import { DigestMismatchError } from '../../adapters/registry/digest.ts';
import { copyImage } from '../../adapters/registry/copy.ts';
import { isAttestation, selectPlatform } from '../../adapters/registry/platform.ts';
import { readImageConfig } from '../../adapters/registry/image-config.ts';
import type { ImageIndex } from '../../adapters/registry/media-types.ts';
import type { CopyResult, OciClient } from '../../adapters/registry/types.ts';
import { describeError } from '../../core/errors.ts';
import { formatFamiliar, type ImageRef } from '../../core/image-ref.ts';

/** An image at a digest. */
export type Pinned = ImageRef & { readonly digest: string };

/** The digest a tag points at now (a registry round trip; used only when nothing verified names one). */
export async function resolveDigest(client: OciClient, ref: ImageRef): Promise<string> {
  return (await client.resolve({ registry: ref.registry, repository: ref.repository, ...(ref.tag ? { tag: ref.tag } : {}) })).digest;
}

/**
 * Copies `source` to `target` by digest (every platform of an index), the tag last, and checks that the
 * target serves the same digest. Throws {@link DigestMismatchError} otherwise.
 */
export async function copyByDigest(client: OciClient, source: Pinned, target: Pinned): Promise<CopyResult> {
  const from = { registry: source.registry, repository: source.repository, digest: source.digest };
  const to = {
    registry: target.registry,
    repository: target.repository,
    ...(target.tag ? { tag: target.tag } : { digest: target.digest }),
  };
  const result = await copyImage({ client, ref: from }, { client, ref: to });
  const served = await client.resolve({ registry: target.registry, repository: target.repository, digest: target.digest });
  if (result.digest !== source.digest || served.digest !== source.digest) {
    throw new DigestMismatchError(
      `copy of ${formatFamiliar(source)} to ${formatFamiliar(target)} produced ${served.digest}; nothing was written to the env repo.`,
    );
  }
  if (target.tag) {
    const tagged = await client.resolve({ registry: target.registry, repository: target.repository, tag: target.tag });
    if (tagged.digest !== source.digest)
      throw new DigestMismatchError(
        `${formatFamiliar({ registry: target.registry, repository: target.repository, tag: target.tag })} points at ${tagged.digest} ` +
          `after the copy.`,
      );
  }
  return result;
}

/** Points `tag` at the pinned image (manifest PUT only). */
export async function addTag(client: OciClient, ref: Pinned, tag: string): Promise<void> {
  await client.tag({ registry: ref.registry, repository: ref.repository, digest: ref.digest }, [tag]);
}

/**
 * The labels of an image's config (`config.Labels`); for an index, of its linux/amd64 image or else the
 * first that is not an attestation. Undefined (with the reason logged) when they cannot be read: labels
 * only add links to the PR/MR body.
 */
export async function imageLabels(
  client: OciClient,
  ref: Pinned,
  log: (line: string) => void,
): Promise<Record<string, string> | undefined> {
  try {
    const pick = (index: ImageIndex) =>
      selectPlatform(index, { os: 'linux', architecture: 'amd64' }) ?? index.manifests.find((m) => !isAttestation(m));
    const config = (await readImageConfig(client, ref, ref.digest, pick)) as { config?: { Labels?: Record<string, string> } } | undefined;
    if (!config) return undefined;
    return config.config?.Labels ?? {};
  } catch (error) {
    log(`labels of ${formatFamiliar(ref)} not read (no source links): ${describeError(error)}`);
    return undefined;
  }
}
