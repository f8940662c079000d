import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ImageRef } from '../../src/core/image-ref.ts';
import { sha256Digest } from '../../src/adapters/registry/digest.ts';
import { type Descriptor, MediaType } from '../../src/adapters/registry/media-types.ts';
import type { OciClient } from '../../src/adapters/registry/types.ts';

/** A blob with its descriptor. */
export interface TestBlob {
  readonly descriptor: Descriptor;
  readonly bytes: Buffer;
}

/** A manifest (or index) with its exact bytes and digest. */
export interface TestManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: string;
  readonly descriptor: Descriptor;
}

/** A generated image: blobs and manifest. */
export interface TestImage {
  readonly manifest: TestManifest;
  readonly blobs: readonly TestBlob[];
}

/** A generated index: its platform images (and attestation), and the index itself. */
export interface TestIndex {
  readonly index: TestManifest;
  readonly images: readonly TestImage[];
}

function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => header.write(text.slice(0, length), offset, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124, 12);
  put('00000000000\0', 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return header;
}

/** A POSIX tar of the given files (ustar, fixed mtime): enough for a real image layer. */
export function makeTar(files: Readonly<Record<string, string | Buffer>>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
    parts.push(tarHeader(name, bytes.length), bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function blob(mediaType: string, bytes: Buffer): TestBlob {
  return { descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}

function manifestOf(mediaType: string, json: object, extra: Partial<Descriptor> = {}): TestManifest {
  const bytes = Buffer.from(JSON.stringify(json, null, 3));
  const digest = sha256Digest(bytes);
  return { bytes, mediaType, digest, descriptor: { mediaType, digest, size: bytes.length, ...extra } };
}

/** An image with one gzip layer holding `files`, for a platform; `docker` uses Docker v2 media types. */
export function makeImage(options: {
  files: Readonly<Record<string, string | Buffer>>;
  os?: string;
  architecture?: string;
  variant?: string;
  docker?: boolean;
  created?: string;
}): TestImage {
  const tar = makeTar(options.files);
  const docker = options.docker ?? false;
  const layer = blob(docker ? MediaType.dockerLayer : MediaType.ociLayer, gzipSync(tar, { level: 6 }));
  const platform = {
    os: options.os ?? 'linux',
    architecture: options.architecture ?? 'amd64',
    ...(options.variant ? { variant: options.variant } : {}),
  };
  const configJson = {
    ...platform,
    created: options.created ?? '2024-01-01T00:00:00Z',
    config: { Cmd: ['/hello'] },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
  };
  const config = blob(docker ? MediaType.dockerConfig : MediaType.ociConfig, Buffer.from(JSON.stringify(configJson)));
  const mediaType = docker ? MediaType.dockerManifest : MediaType.ociManifest;
  const manifest = manifestOf(
    mediaType,
    { schemaVersion: 2, mediaType, config: config.descriptor, layers: [layer.descriptor] },
    { platform },
  );
  return { manifest, blobs: [config, layer] };
}

/**
 * An image with one gzip layer per entry of `layerSizes`, each a tar holding one file of that many
 * random bytes (incompressible, so a layer blob is about as big as asked): for measuring transfers.
 */
export function makeSizedImage(options: { layerSizes: readonly number[]; architecture?: string }): TestImage {
  const tars = options.layerSizes.map((size, i) => makeTar({ [`data/layer-${i}.bin`]: randomBytes(size) }));
  const layers = tars.map((tar) => blob(MediaType.ociLayer, gzipSync(tar, { level: 1 })));
  const platform = { os: 'linux', architecture: options.architecture ?? 'amd64' };
  const configJson = {
    ...platform,
    created: '2024-01-01T00:00:00Z',
    config: {},
    rootfs: { type: 'layers', diff_ids: tars.map((tar) => sha256Digest(tar)) },
  };
  const config = blob(MediaType.ociConfig, Buffer.from(JSON.stringify(configJson)));
  const manifest = manifestOf(
    MediaType.ociManifest,
    { schemaVersion: 2, mediaType: MediaType.ociManifest, config: config.descriptor, layers: layers.map((layer) => layer.descriptor) },
    { platform },
  );
  return { manifest, blobs: [config, ...layers] };
}

/** A BuildKit-style attestation manifest for `subject` (platform `unknown/unknown`, annotated). */
export function makeAttestation(subject: TestImage): TestImage {
  const statement = blob(
    'application/vnd.in-toto+json',
    Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: [] })),
  );
  const config = blob(
    MediaType.ociConfig,
    Buffer.from(JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [] } })),
  );
  const manifest = manifestOf(
    MediaType.ociManifest,
    { schemaVersion: 2, mediaType: MediaType.ociManifest, config: config.descriptor, layers: [statement.descriptor] },
    {
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': subject.manifest.digest },
    },
  );
  return { manifest, blobs: [config, statement] };
}

/** An OCI index over the images (the attestation entry first, as a trap for naive selection). */
export function makeIndex(images: readonly TestImage[], options: { attestation?: boolean; docker?: boolean } = {}): TestIndex {
  const all = options.attestation ? [makeAttestation(images[0]!), ...images] : [...images];
  const mediaType = options.docker ? MediaType.dockerList : MediaType.ociIndex;
  const index = manifestOf(mediaType, { schemaVersion: 2, mediaType, manifests: all.map((image) => image.manifest.descriptor) });
  return { index, images: all };
}

/** Pushes an image's blobs and manifest by digest, then tags it when `ref` has a tag. */
export async function pushImage(client: OciClient, ref: ImageRef, image: TestImage): Promise<string> {
  for (const item of image.blobs) await client.putBlob(ref, item.descriptor, item.bytes);
  await client.putManifest({ registry: ref.registry, repository: ref.repository, digest: image.manifest.digest }, image.manifest);
  if (ref.tag) await client.putManifest({ registry: ref.registry, repository: ref.repository, tag: ref.tag }, image.manifest);
  return image.manifest.digest;
}

/** Pushes every image of an index by digest, then the index, then its tag. */
export async function pushIndex(client: OciClient, ref: ImageRef, index: TestIndex): Promise<string> {
  const untagged = { registry: ref.registry, repository: ref.repository };
  for (const image of index.images) await pushImage(client, untagged, image);
  await client.putManifest({ ...untagged, digest: index.index.digest }, index.index);
  if (ref.tag) await client.putManifest({ ...untagged, tag: ref.tag }, index.index);
  return index.index.digest;
}
