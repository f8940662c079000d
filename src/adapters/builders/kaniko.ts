/**
 * kaniko's `executor` (in the kaniko image and its maintained forks). It builds one platform per run
 * (`--custom-platform`), so several platforms are several runs into one OCI layout, joined by an
 * index Baton writes.
 */
import { join } from 'node:path';
import { LAYOUT_REGISTRY, OciLayoutStore } from '../registry/oci-layout.ts';
import { formatPlatform, type PlatformSpec } from '../registry/platform.ts';
import { imageIndex } from './layer-image.ts';
import { readLayoutOutput } from './layout-output.ts';
import { probeTool, runTool } from './run-tool.ts';
import type { Availability, Builder, BuildRequest, BuiltImage } from './types.ts';

/** `executor` arguments for one platform (kaniko README, "Additional Flags"). */
export function kanikoArgs(request: BuildRequest, layoutDir: string, platform: PlatformSpec | undefined): string[] {
  const args = ['--context', `dir://${request.context}`, '--dockerfile', request.dockerfile, '--no-push', '--oci-layout-path', layoutDir];
  if (request.target) args.push('--target', request.target);
  for (const [key, value] of request.buildArgs) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of request.labels) args.push('--label', `${key}=${value}`);
  if (platform) args.push('--custom-platform', formatPlatform(platform));
  // --reproducible strips timestamps from the image, as SOURCE_DATE_EPOCH asks.
  if (request.sourceDateEpoch !== undefined) args.push('--reproducible');
  for (const registry of request.insecureRegistries) args.push('--insecure-registry', registry);
  return args;
}

/** The kaniko builder. */
export class KanikoBuilder implements Builder {
  readonly name = 'kaniko' as const;

  /** `executor version`. */
  async probe(env: Readonly<Record<string, string | undefined>>): Promise<Availability> {
    const version = await probeTool('executor', ['version'], env);
    return version.ok ? { ok: true, version: version.stdout.trim().split('\n')[0] ?? 'unknown' } : { ok: false, reason: version.why };
  }

  /** One run per platform; with several, an index over their manifests. */
  async build(request: BuildRequest): Promise<BuiltImage> {
    // kaniko reads registry credentials from $DOCKER_CONFIG/config.json; an auth.json has the same shape.
    const env = request.authFile ? { DOCKER_CONFIG: join(request.authFile, '..') } : {};
    const platforms = request.platforms.length > 0 ? request.platforms : [undefined];
    const built: BuiltImage[] = [];
    for (const [i, platform] of platforms.entries()) {
      const layout = join(request.workDir, `kaniko-layout-${i}`);
      await runTool(
        {
          program: 'executor',
          args: kanikoArgs(request, layout, platform),
          env,
          what: `build the image with kaniko${platform ? ` for ${formatPlatform(platform)}` : ''}`,
        },
        request,
      );
      built.push(await readLayoutOutput(layout));
    }
    return platforms.length === 1 ? built[0]! : joinPlatforms(request, built);
  }
}

/** Copies each platform's image into one layout and writes an index over them. */
async function joinPlatforms(request: BuildRequest, built: readonly BuiltImage[]): Promise<BuiltImage> {
  const dir = join(request.workDir, 'kaniko-layout');
  const store = new OciLayoutStore(dir);
  const entries = [];
  for (const image of built) {
    const platform = Object.keys(image.platforms)[0]!;
    await store.copyImage(
      image.location.ref,
      { registry: LAYOUT_REGISTRY, repository: dir, digest: image.digest },
      { from: image.location.client },
    );
    const [os, architecture, variant] = platform.split('/') as [string, string, string | undefined];
    entries.push({
      mediaType: image.mediaType,
      digest: image.digest,
      size: (await store.resolve({ registry: LAYOUT_REGISTRY, repository: dir, digest: image.digest })).size,
      platform: { os, architecture, ...(variant ? { variant } : {}) },
    });
  }
  const index = imageIndex(entries);
  await store.putManifest(
    { registry: LAYOUT_REGISTRY, repository: dir, tag: 'baton' },
    { bytes: index.bytes, mediaType: index.descriptor.mediaType },
  );
  return readLayoutOutput(dir, 'baton');
}
