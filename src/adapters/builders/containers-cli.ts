/**
 * buildah and podman: the containers tools share one build engine and nearly one command line. The
 * image is built into local storage under a private name, pushed as an OCI layout (`oci:<dir>`) so
 * that Baton pushes it (preflight, retries, tag last), then the local name is removed.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { formatPlatform } from '../registry/platform.ts';
import { readLayoutOutput } from './layout-output.ts';
import { probeTool, runTool } from './run-tool.ts';
import type { Availability, Builder, BuildRequest, BuiltImage } from './types.ts';

/** The tag the build is written under inside the output layout. */
export const LAYOUT_TAG = 'baton';

/** The local name of one build: `localhost/baton-build-<random>`. */
export function localName(): string {
  return `localhost/baton-build-${randomBytes(6).toString('hex')}`;
}

/** `build` arguments shared by buildah and podman (buildah-build(1), podman-build(1)). */
export function containersBuildArgs(request: BuildRequest, name: string): string[] {
  const args = ['build', '--file', request.dockerfile];
  if (request.target) args.push('--target', request.target);
  for (const [key, value] of request.buildArgs) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of request.labels) args.push('--label', `${key}=${value}`);
  if (request.platforms.length > 0) args.push('--platform', request.platforms.map(formatPlatform).join(','), '--manifest', name);
  else args.push('--tag', name);
  // Podman 4.3 (buildah 1.28) looks up its layer cache without the platform: a second platform whose
  // steps match the first (FROM scratch + COPY) reuses the first's image, and the list ends up with one
  // entry. Building several platforms without the layer cache gives each its own image.
  if (request.platforms.length > 1) args.push('--layers=false');
  // --timestamp sets the created time and every file's time in new layers: reproducible builds.
  if (request.sourceDateEpoch !== undefined) args.push('--timestamp', String(request.sourceDateEpoch));
  if (request.authFile) args.push('--authfile', request.authFile);
  if (request.insecureRegistries.length > 0) args.push('--tls-verify=false');
  args.push(request.context);
  return args;
}

/** `push` of the built image (or `manifest push --all` of the list) into an OCI layout. */
export function containersPushArgs(request: BuildRequest, name: string, layoutDir: string): string[] {
  const destination = `oci:${layoutDir}:${LAYOUT_TAG}`;
  return request.platforms.length > 0 ? ['manifest', 'push', '--all', name, destination] : ['push', name, destination];
}

/** Removes the private local name (the layers stay in the tool's storage as cache). */
export function containersCleanupArgs(request: BuildRequest, name: string): string[] {
  return request.platforms.length > 0 ? ['manifest', 'rm', name] : ['rmi', name];
}

/** A builder driving `buildah` or `podman`. */
export class ContainersBuilder implements Builder {
  readonly name: 'buildah' | 'podman';

  constructor(name: 'buildah' | 'podman') {
    this.name = name;
  }

  /** `<tool> version` and `<tool> info` (which opens the storage): installed and usable. */
  async probe(env: Readonly<Record<string, string | undefined>>): Promise<Availability> {
    const version = await probeTool(this.name, ['version'], env);
    if (!version.ok) return { ok: false, reason: version.why };
    const info = await probeTool(this.name, ['info'], env);
    if (!info.ok) return { ok: false, reason: `${this.name} info failed (storage or runtime not usable): ${info.why}` };
    const line = version.stdout.split('\n').find((text) => /^\s*version:/i.test(text)) ?? version.stdout.split('\n')[0] ?? '';
    return { ok: true, version: line.replace(/^\s*version:\s*/i, '').trim() || 'unknown' };
  }

  /** Builds, pushes into `<workDir>/<tool>-layout`, removes the local name, and reads the layout. */
  async build(request: BuildRequest): Promise<BuiltImage> {
    const name = localName();
    const layout = join(request.workDir, `${this.name}-layout`);
    await runTool({ program: this.name, args: containersBuildArgs(request, name), what: `build the image with ${this.name}` }, request);
    try {
      await runTool(
        { program: this.name, args: containersPushArgs(request, name, layout), what: `export the image from ${this.name}` },
        request,
      );
    } finally {
      await runTool({ program: this.name, args: containersCleanupArgs(request, name), what: `remove ${name}` }, request).catch(
        () => undefined,
      );
    }
    return readLayoutOutput(layout, LAYOUT_TAG);
  }
}
