import { UserError } from '../../core/errors.ts';

/** Media types Baton reads and writes (OCI image spec, Docker image manifest v2 schema 2). */
export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerUncompressed: 'application/vnd.oci.image.layer.v1.tar',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerList]);
const MANIFEST_TYPES = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest]);

/**
 * The `Accept` header for manifest requests, indexes first. Schema 1 is left out on purpose: without
 * it a registry converts or refuses, and Baton never has to handle signed schema 1 manifests
 * (distribution spec, "Pulling manifests").
 */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerList, MediaType.ociManifest, MediaType.dockerManifest].join(', ');

/** Platform of an image, as in an index entry (OCI image-index spec, `platform`). */
export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

/** A content descriptor (OCI image spec, descriptor.md). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
  readonly artifactType?: string;
}

/** An image manifest: one config and its layers. */
export interface ImageManifest {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An image index (or Docker manifest list): one manifest per platform, plus attestations. */
export interface ImageIndex {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A manifest parsed from its exact bytes. */
export type ParsedManifest =
  | { readonly kind: 'index'; readonly mediaType: string; readonly index: ImageIndex }
  | { readonly kind: 'manifest'; readonly mediaType: string; readonly manifest: ImageManifest };

/** True for an OCI index or a Docker manifest list. */
export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(baseMediaType(mediaType));
}

/** True for an OCI or Docker image manifest. */
export function isImageManifestMediaType(mediaType: string): boolean {
  return MANIFEST_TYPES.has(baseMediaType(mediaType));
}

/** True for any manifest type Baton handles. */
export function isManifestMediaType(mediaType: string): boolean {
  return isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType);
}

/** `application/x; charset=utf-8` → `application/x`. */
export function baseMediaType(mediaType: string): string {
  return mediaType.split(';')[0]!.trim().toLowerCase();
}

/**
 * The media type of manifest bytes: the `mediaType` field when present, otherwise inferred from the
 * shape (OCI image spec allows the field to be absent; `manifests` means index, `config` manifest).
 */
export function detectMediaType(bytes: Buffer, hint?: string): string {
  if (hint && isManifestMediaType(hint)) return baseMediaType(hint);
  const json = parseJson(bytes);
  if (typeof json.mediaType === 'string' && isManifestMediaType(json.mediaType)) return json.mediaType;
  if (Array.isArray(json.manifests)) return MediaType.ociIndex;
  if (json.config && Array.isArray(json.layers)) return MediaType.ociManifest;
  if (json.schemaVersion === 1) {
    throw new UserError('this image uses Docker manifest schema 1, which Baton does not handle; push it again with a current tool.');
  }
  throw new UserError(`content of type "${hint ?? 'unknown'}" is not an image manifest or index.`);
}

/** Parses manifest bytes without changing them; the caller keeps the bytes for pushing. */
export function parseManifest(bytes: Buffer, mediaTypeHint?: string): ParsedManifest {
  const mediaType = detectMediaType(bytes, mediaTypeHint);
  const json = parseJson(bytes);
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(json.manifests)) throw new UserError(`the index (${mediaType}) has no "manifests" list.`);
    return { kind: 'index', mediaType, index: json as unknown as ImageIndex };
  }
  if (!json.config || !Array.isArray(json.layers)) throw new UserError(`the manifest (${mediaType}) has no config or layers.`);
  return { kind: 'manifest', mediaType, manifest: json as unknown as ImageManifest };
}

/** Blobs a manifest references: config first, then layers (and nothing for an index). */
export function manifestBlobs(parsed: ParsedManifest): Descriptor[] {
  return parsed.kind === 'manifest' ? [parsed.manifest.config, ...parsed.manifest.layers] : [];
}

/**
 * True for a layer that must not be copied: Windows foreign layers and OCI non-distributable layers
 * carry `urls` and live elsewhere (OCI image spec, layer.md "Non-Distributable Layers").
 */
export function isForeignLayer(descriptor: Descriptor): boolean {
  return (
    descriptor.mediaType === MediaType.dockerForeignLayer ||
    (descriptor.mediaType.includes('nondistributable') && (descriptor.urls?.length ?? 0) > 0)
  );
}

function parseJson(bytes: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new UserError('a manifest is not valid JSON.', { cause: error });
  }
  throw new UserError('a manifest is not a JSON object.');
}
