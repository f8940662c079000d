/**
 * The `layer` builder: daemonless, unprivileged, pure Node. It adds the files a Dockerfile's COPY
 * instructions name as one reproducible layer onto a base (an image reference or `scratch`) and
 * stores the image through the OCI client, straight into the destination registry or layout.
 */
import { createReadStream } from 'node:fs';
import { join, relative } from 'node:path';
import { type Dockerfile, parseDockerfile } from '../../core/build/dockerfile.ts';
import { type LayerPlan, planLayer } from '../../core/build/layer-plan.ts';
import { UserError } from '../../core/errors.ts';
import type { ImageLocation } from '../registry/copy.ts';
import type { Descriptor } from '../registry/media-types.ts';
import { formatPlatform, type PlatformSpec } from '../registry/platform.ts';
import { type ContextEntry, readDockerIgnore, walkContext } from './context-files.ts';
import { hostPlatform } from './host-platform.ts';
import { loadBase, transferBaseLayers } from './layer-base.ts';
import { layerEntries } from './layer-contents.ts';
import { configPlatform, imageConfig, imageIndex, imageManifest, type JsonBlob, type LayerBlob } from './layer-image.ts';
import { writeLayer } from './layer-writer.ts';
import type { Availability, Builder, BuildRequest, BuiltImage } from './types.ts';

/** A layer written to a file, shared by the platforms whose files are the same. */
interface WrittenLayer {
  readonly blob: LayerBlob;
  readonly path: string;
}

type PlanRequest = Pick<BuildRequest, 'dockerfile' | 'dockerfileText' | 'target' | 'buildArgs' | 'platforms'> & {
  readonly context?: string;
};

/** The Dockerfile as messages name it: relative to the context when inside it. */
function dockerfileName(request: Pick<BuildRequest, 'dockerfile'> & { context?: string }): string {
  const inside = request.context ? relative(request.context, request.dockerfile) : '';
  return inside && !inside.startsWith('..') ? inside : request.dockerfile;
}

function plans(request: PlanRequest, dockerfile: Dockerfile): { platform: PlatformSpec; plan: LayerPlan }[] {
  const platforms = request.platforms.length > 0 ? request.platforms : [hostPlatform()];
  return platforms.map((platform) => ({
    platform,
    plan: planLayer(dockerfile, { ...(request.target ? { target: request.target } : {}), buildArgs: request.buildArgs, platform }),
  }));
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function createdBy(plan: LayerPlan): string {
  return plan.copies.map((copy) => `COPY ${[...copy.sources, copy.dest].join(' ')}`).join('; ') || 'baton layer (no files)';
}

/** One platform's image, stored in the destination by digest. */
async function buildPlatform(
  request: BuildRequest,
  destination: ImageLocation,
  files: readonly ContextEntry[],
  { platform, plan }: { platform: PlatformSpec; plan: LayerPlan },
  layers: Map<string, Promise<WrittenLayer>>,
): Promise<Descriptor> {
  const base = await loadBase(plan.base, platform, request.registry);
  const baseWorkdir = String((base?.image.config['config'] as Record<string, unknown> | undefined)?.['WorkingDir'] ?? '/');
  const entries = layerEntries(plan.copies, files, { mtime: request.created, baseWorkdir, dockerfile: dockerfileName(request) });
  const layerKey = JSON.stringify(entries.map(({ open: _open, ...meta }) => meta));
  let layer = layers.get(layerKey);
  if (!layer) {
    const path = join(request.workDir, `layer-${layers.size}.tar.gz`);
    layer = writeLayer(entries, path).then((blob) => ({ blob, path }));
    layers.set(layerKey, layer);
  }
  const { blob, path } = await layer;
  if (base) await transferBaseLayers(base, destination);
  await destination.client.putBlob(destination.ref, blob, () => Promise.resolve(createReadStream(path)));
  const config = imageConfig(base?.image, {
    plan: plan.config,
    labels: request.labels,
    platform,
    created: isoSeconds(request.created),
    layer: blob,
    createdBy: createdBy(plan),
  });
  await destination.client.putBlob(destination.ref, config.descriptor, config.bytes);
  const manifest = imageManifest(base?.image, config, blob, configPlatform(JSON.parse(config.bytes.toString('utf8')), platform));
  await putByDigest(destination, manifest);
  return manifest.descriptor;
}

async function putByDigest(destination: ImageLocation, blob: JsonBlob): Promise<void> {
  const ref = { registry: destination.ref.registry, repository: destination.ref.repository, digest: blob.descriptor.digest };
  await destination.client.putManifest(ref, { bytes: blob.bytes, mediaType: blob.descriptor.mediaType });
}

/** The pure-Node layer builder (see the module comment). */
export class LayerBuilder implements Builder {
  readonly name = 'layer' as const;

  /** Always available: it needs nothing but Node. */
  async probe(): Promise<Availability> {
    return { ok: true, version: `built in (Node ${process.versions.node})` };
  }

  /** Why this Dockerfile is beyond the layer builder (RUN, multi-stage, …), or undefined. */
  unsupported(request: PlanRequest): string | undefined {
    try {
      plans(request, parseDockerfile(request.dockerfileText, dockerfileName(request)));
      return undefined;
    } catch (error) {
      if (error instanceof UserError) return error.message.replace(/^file: /, '');
      throw error;
    }
  }

  /** Builds every platform into `request.destination` by digest; an index when more than one. */
  async build(request: BuildRequest): Promise<BuiltImage> {
    const destination = request.destination;
    if (!destination) throw new Error('the layer builder needs a destination');
    const dockerfile = parseDockerfile(request.dockerfileText, dockerfileName(request));
    const wanted = plans(request, dockerfile);
    const files = await walkContext(request.context, await readDockerIgnore(request.context));
    const layers = new Map<string, Promise<WrittenLayer>>();
    const manifests: Descriptor[] = [];
    for (const item of wanted) {
      request.log(`layer: ${formatPlatform(item.platform)} on ${item.plan.base}, ${item.plan.copies.length} COPY instruction(s)`);
      manifests.push(await buildPlatform(request, destination, files, item, layers));
    }
    const platforms = Object.fromEntries(manifests.map((manifest) => [formatPlatform(manifest.platform!), manifest.digest]));
    const top = manifests.length === 1 && request.platforms.length <= 1 ? { descriptor: manifests[0]! } : imageIndex(manifests);
    if ('bytes' in top) await putByDigest(destination, top);
    const digest = top.descriptor.digest;
    const ref = { registry: destination.ref.registry, repository: destination.ref.repository, digest };
    return { location: { client: destination.client, ref }, digest, mediaType: top.descriptor.mediaType, platforms };
  }
}
