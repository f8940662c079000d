/**
 * `docker buildx build`, the builder of GitHub runners (docker/setup-buildx-action). The result is
 * exported as an OCI layout directory (`--output type=oci,dest=…,tar=false`) and pushed by Baton; the
 * `docker` driver cannot export that, so the probe asks for another driver.
 */
import { join } from 'node:path';
import { formatPlatform } from '../registry/platform.ts';
import { readLayoutOutput } from './layout-output.ts';
import { probeTool, runTool } from './run-tool.ts';
import type { Availability, Builder, BuildRequest, BuiltImage } from './types.ts';

/** `docker buildx build` arguments (docker buildx build reference). */
export function buildxArgs(request: BuildRequest, layoutDir: string): string[] {
  const args = ['buildx', 'build', '--progress', 'plain', '--file', request.dockerfile];
  if (request.target) args.push('--target', request.target);
  for (const [key, value] of request.buildArgs) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of request.labels) args.push('--label', `${key}=${value}`);
  if (request.platforms.length > 0) args.push('--platform', request.platforms.map(formatPlatform).join(','));
  args.push('--output', `type=oci,dest=${layoutDir},tar=false`, '--metadata-file', join(request.workDir, 'buildx-metadata.json'));
  args.push(request.context);
  return args;
}

/** The driver named by `docker buildx inspect` ("Driver: docker-container"). */
export function buildxDriver(inspect: string): string | undefined {
  return /^Driver:\s*(\S+)/m.exec(inspect)?.[1];
}

/** The buildx builder. */
export class BuildxBuilder implements Builder {
  readonly name = 'buildx' as const;

  /** `docker buildx version`, then `docker buildx inspect --bootstrap` for a driver that exports OCI layouts. */
  async probe(env: Readonly<Record<string, string | undefined>>): Promise<Availability> {
    const version = await probeTool('docker', ['buildx', 'version'], env);
    if (!version.ok) return { ok: false, reason: version.why };
    const inspect = await probeTool('docker', ['buildx', 'inspect', '--bootstrap'], env);
    if (!inspect.ok) return { ok: false, reason: `no usable buildx builder: ${inspect.why}` };
    const driver = buildxDriver(inspect.stdout);
    if (driver === 'docker') {
      return {
        ok: false,
        reason:
          'the buildx builder uses the "docker" driver, which cannot export OCI layouts; create one with docker/setup-buildx-action ' +
          'or "docker buildx create --use"',
      };
    }
    return { ok: true, version: `${version.stdout.trim()} (driver ${driver ?? 'unknown'})` };
  }

  /** Builds into `<workDir>/buildx-layout` and reads it. SOURCE_DATE_EPOCH reaches BuildKit from the environment. */
  async build(request: BuildRequest): Promise<BuiltImage> {
    const layout = join(request.workDir, 'buildx-layout');
    await runTool({ program: 'docker', args: buildxArgs(request, layout), what: 'build the image with docker buildx' }, request);
    return readLayoutOutput(layout);
  }
}
