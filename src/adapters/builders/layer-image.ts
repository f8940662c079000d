/**
 * The config, manifest and index JSON of a layer build (OCI image spec: config.md, manifest.md,
 * image-index.md). The base's config is kept as it is, key order included, with the Dockerfile's
 * changes applied; JSON is written compactly so the same inputs give the same bytes.
 */
import { posix } from 'node:path';
import type { KeyValue } from '../../core/build/key-values.ts';
import type { ConfigChanges } from '../../core/build/layer-plan.ts';
import { sha256Digest } from '../registry/digest.ts';
import { type Descriptor, MediaType, type Platform } from '../registry/media-types.ts';
import type { PlatformSpec } from '../registry/platform.ts';

/** A JSON document as bytes with its descriptor. */
export interface JsonBlob {
  readonly bytes: Buffer;
  readonly descriptor: Descriptor;
}

/** The new layer: compressed digest and size, uncompressed digest. */
export interface LayerBlob {
  readonly digest: string;
  readonly size: number;
  readonly diffId: string;
}

/** The base image a layer goes on; none for `scratch`. */
export interface BaseImage {
  readonly config: Record<string, unknown>;
  readonly layers: readonly Descriptor[];
  /** True for Docker v2 media types, which the new image keeps. */
  readonly docker: boolean;
  /** The reference and manifest digest, for the `base.name`/`base.digest` annotations. */
  readonly name: string;
  readonly digest: string;
}

/** What the config records about the build. */
export interface ConfigOptions {
  readonly plan: ConfigChanges;
  readonly labels: readonly KeyValue[];
  readonly platform: PlatformSpec;
  readonly created: string;
  readonly layer: LayerBlob;
  /** `created_by` of the history entry. */
  readonly createdBy: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function jsonBlob(mediaType: string, value: unknown, extra: Partial<Descriptor> = {}): JsonBlob {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length, ...extra } };
}

function mergeEnv(current: unknown, changes: readonly KeyValue[]): string[] {
  const env = Array.isArray(current) ? current.filter((item): item is string => typeof item === 'string') : [];
  for (const [key, value] of changes) {
    const at = env.findIndex((item) => item.split('=')[0] === key);
    if (at >= 0) env[at] = `${key}=${value}`;
    else env.push(`${key}=${value}`);
  }
  return env;
}

function applyChanges(container: Record<string, unknown>, options: ConfigOptions, scratch: boolean): void {
  const { plan } = options;
  const env = mergeEnv(container['Env'] ?? (scratch ? [DEFAULT_PATH] : []), plan.env);
  if (env.length > 0) container['Env'] = env;
  const labels = { ...(container['Labels'] as Record<string, string> | undefined) };
  for (const [key, value] of [...plan.labels, ...options.labels]) labels[key] = value;
  if (Object.keys(labels).length > 0) container['Labels'] = labels;
  if (plan.entrypoint !== undefined) container['Entrypoint'] = plan.entrypoint;
  if (plan.cmd !== undefined) container['Cmd'] = plan.cmd;
  if (plan.workdir !== undefined) container['WorkingDir'] = posix.join(String(container['WorkingDir'] || '/'), plan.workdir);
  if (plan.user !== undefined) container['User'] = plan.user;
  if (plan.stopSignal !== undefined) container['StopSignal'] = plan.stopSignal;
  if (plan.exposedPorts.length > 0) {
    container['ExposedPorts'] = {
      ...(container['ExposedPorts'] as object | undefined),
      ...Object.fromEntries(plan.exposedPorts.map((port) => [port, {}])),
    };
  }
  if (plan.volumes.length > 0) {
    container['Volumes'] = {
      ...(container['Volumes'] as object | undefined),
      ...Object.fromEntries(plan.volumes.map((volume) => [volume, {}])),
    };
  }
}

function scratchConfig(platform: PlatformSpec): Record<string, unknown> {
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

/** The image config: the base's (or an empty one for `scratch`) with the layer and the changes. */
export function imageConfig(base: BaseImage | undefined, options: ConfigOptions): JsonBlob {
  const config: Record<string, unknown> = base ? structuredClone(base.config) : scratchConfig(options.platform);
  config['created'] = options.created;
  const container = (config['config'] as Record<string, unknown> | undefined) ?? {};
  applyChanges(container, options, !base);
  config['config'] = container;
  const rootfs = (config['rootfs'] as { type?: string; diff_ids?: string[] } | undefined) ?? {};
  config['rootfs'] = { type: 'layers', diff_ids: [...(rootfs.diff_ids ?? []), options.layer.diffId] };
  const history = Array.isArray(config['history']) ? config['history'] : [];
  config['history'] = [...history, { created: options.created, created_by: options.createdBy, comment: 'baton layer builder' }];
  return jsonBlob(base?.docker ? MediaType.dockerConfig : MediaType.ociConfig, config);
}

/** The image manifest over the base's layers and the new one. */
export function imageManifest(base: BaseImage | undefined, config: JsonBlob, layer: LayerBlob, platform: Platform): JsonBlob {
  const docker = base?.docker ?? false;
  const mediaType = docker ? MediaType.dockerManifest : MediaType.ociManifest;
  const newLayer: Descriptor = { mediaType: docker ? MediaType.dockerLayer : MediaType.ociLayer, digest: layer.digest, size: layer.size };
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: config.descriptor,
    layers: [...(base?.layers ?? []), newLayer],
    ...(base && !docker
      ? { annotations: { 'org.opencontainers.image.base.digest': base.digest, 'org.opencontainers.image.base.name': base.name } }
      : {}),
  };
  return jsonBlob(mediaType, manifest, { platform });
}

/** An OCI index over per-platform manifests (their descriptors carry the platform). */
export function imageIndex(manifests: readonly Descriptor[]): JsonBlob {
  return jsonBlob(MediaType.ociIndex, { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });
}

/** The platform a config declares (for the index entry). */
export function configPlatform(config: Record<string, unknown>, fallback: PlatformSpec): Platform {
  const os = typeof config['os'] === 'string' ? config['os'] : fallback.os;
  const architecture = typeof config['architecture'] === 'string' ? config['architecture'] : fallback.architecture;
  const variant = typeof config['variant'] === 'string' ? config['variant'] : fallback.variant;
  return { os, architecture, ...(variant ? { variant } : {}) };
}
