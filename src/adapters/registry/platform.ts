import { UserError } from '../../core/errors.ts';
import { formatImageRef, type ImageRef } from '../../core/image-ref.ts';
import { type Descriptor, type ImageIndex, type Platform, parseManifest } from './media-types.ts';
import { NotFoundError } from './registry-errors.ts';
import type { ManifestData, OciClient } from './types.ts';

/** The annotation BuildKit puts on attestation manifests inside an index. */
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

/** A platform asked for: `linux/amd64`, `linux/arm64/v8`. */
export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** Parses `os/arch[/variant]` (the `--platform` syntax of docker and buildah). */
export function parsePlatform(text: string, input = 'platform'): PlatformSpec {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !/^[a-z0-9._-]+$/.test(part))) {
    throw new UserError(`${input}: "${text}" is not a platform; write it as os/arch or os/arch/variant, e.g. linux/arm64.`, {
      input,
    });
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** `linux/arm64/v8`. */
export function formatPlatform(platform: PlatformSpec | Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * True for index entries that are not runnable images: BuildKit attestation manifests carry
 * `vnd.docker.reference.type: attestation-manifest` and platform `unknown/unknown`
 * (docker/buildx docs, "Attestation storage").
 */
export function isAttestation(descriptor: Descriptor): boolean {
  if (descriptor.annotations?.[REFERENCE_TYPE_ANNOTATION] === 'attestation-manifest') return true;
  return descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown';
}

// Architectures whose variant may be left out: `arm64` means `arm64/v8`, `arm` usually `arm/v7`
// (containerd platforms.Normalize).
const DEFAULT_VARIANTS: Record<string, string> = { arm64: 'v8', arm: 'v7' };

function variantMatches(wanted: PlatformSpec, actual: Platform): boolean {
  if (wanted.variant === undefined) return true;
  const fallback = DEFAULT_VARIANTS[actual.architecture];
  return (actual.variant ?? fallback) === wanted.variant;
}

/**
 * The index entry for a platform, skipping attestations. Without a variant in `wanted`, an entry with
 * no variant (or the architecture's default variant) is preferred over other variants.
 */
export function selectPlatform(index: ImageIndex, wanted: PlatformSpec): Descriptor | undefined {
  const candidates = index.manifests.filter(
    (entry) =>
      !isAttestation(entry) &&
      entry.platform !== undefined &&
      entry.platform.os === wanted.os &&
      entry.platform.architecture === wanted.architecture &&
      variantMatches(wanted, entry.platform),
  );
  if (wanted.variant !== undefined || candidates.length <= 1) return candidates[0];
  const fallback = DEFAULT_VARIANTS[wanted.architecture];
  return candidates.find((entry) => !entry.platform?.variant || entry.platform.variant === fallback) ?? candidates[0];
}

/** The runnable platforms of an index, attestations left out (for messages and metadata). */
export function listPlatforms(index: ImageIndex): string[] {
  return index.manifests.filter((entry) => !isAttestation(entry) && entry.platform).map((entry) => formatPlatform(entry.platform!));
}

/** The manifest for one platform of an image, and the index it was picked from, if any. */
export interface PlatformManifest {
  readonly manifest: ManifestData;
  readonly index?: ManifestData;
}

/**
 * Fetches the manifest for `wanted` from any {@link OciClient}: from an index, the matching entry
 * (attestations skipped); a single-platform image is returned as it is.
 */
export async function resolvePlatformManifest(client: OciClient, ref: ImageRef, wanted: PlatformSpec): Promise<PlatformManifest> {
  const top = await client.getManifest(ref);
  const parsed = parseManifest(top.bytes, top.mediaType);
  if (parsed.kind === 'manifest') return { manifest: top };
  const entry = selectPlatform(parsed.index, wanted);
  if (!entry) {
    throw new NotFoundError(
      `${formatImageRef(ref)} has no ${formatPlatform(wanted)} image (it has: ${listPlatforms(parsed.index).join(', ') || 'none'}).`,
    );
  }
  const manifest = await client.getManifest({ registry: ref.registry, repository: ref.repository, digest: entry.digest });
  return { manifest, index: top };
}
