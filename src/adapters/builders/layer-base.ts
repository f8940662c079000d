/** The base image of a layer build: its manifest, config and layers, from a registry or an OCI layout. */
import { buffer } from 'node:stream/consumers';
import { UserError } from '../../core/errors.ts';
import type { ImageLocation } from '../registry/copy.ts';
import { type Descriptor, isForeignLayer, MediaType, parseManifest } from '../registry/media-types.ts';
import { openImage } from '../registry/open-image.ts';
import { type PlatformSpec, resolvePlatformManifest } from '../registry/platform.ts';
import type { RegistryClient } from '../registry/registry-client.ts';
import type { BaseImage } from './layer-image.ts';

/** A loaded base and where its blobs are. */
export interface LoadedBase {
  readonly image: BaseImage;
  readonly location: ImageLocation;
}

/** Loads `FROM <text>` for a platform; `undefined` for `scratch`. */
export async function loadBase(text: string, platform: PlatformSpec, registry: RegistryClient): Promise<LoadedBase | undefined> {
  if (text.toLowerCase() === 'scratch') return undefined;
  const location = openImage(text, registry, 'file');
  const { manifest } = await resolvePlatformManifest(location.client, location.ref, platform);
  const parsed = parseManifest(manifest.bytes, manifest.mediaType);
  if (parsed.kind !== 'manifest')
    throw new UserError(`file: the base image ${text} is an index inside an index; name a platform image.`, { input: 'file' });
  const configBytes = await buffer(await location.client.getBlob(location.ref, parsed.manifest.config));
  const config = JSON.parse(configBytes.toString('utf8')) as Record<string, unknown>;
  const byDigest: ImageLocation = {
    client: location.client,
    ref: { registry: location.ref.registry, repository: location.ref.repository, digest: manifest.digest },
  };
  return {
    image: {
      config,
      layers: parsed.manifest.layers,
      docker: parsed.mediaType === MediaType.dockerManifest,
      name: text,
      digest: manifest.digest,
    },
    location: byDigest,
  };
}

/**
 * Makes the base's layers available in the destination: present ones are left, same-registry ones
 * mounted, others streamed from the base's store without touching disk. Foreign layers stay where they are.
 */
export async function transferBaseLayers(base: LoadedBase, destination: ImageLocation): Promise<void> {
  const sameStore = base.location.client === destination.client;
  const transfer = (layer: Descriptor) =>
    destination.client.putBlob(
      destination.ref,
      layer,
      () => base.location.client.getBlob(base.location.ref, layer),
      sameStore ? { mountFrom: base.location.ref } : {},
    );
  await Promise.all(base.image.layers.filter((layer) => !isForeignLayer(layer)).map(transfer));
}
