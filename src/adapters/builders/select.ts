/** Choosing the builder: the one named, or with `auto` the first that can build this request here. */
import { UserError } from '../../core/errors.ts';
import { BuildxBuilder } from './buildx.ts';
import { ContainersBuilder } from './containers-cli.ts';
import { KanikoBuilder } from './kaniko.ts';
import { LayerBuilder } from './layer-builder.ts';
import { BUILDER_NAMES, type Builder, type BuilderName, type BuildRequest } from './types.ts';

/** Every builder, in `auto` order. */
export function createBuilders(): Builder[] {
  return [new BuildxBuilder(), new ContainersBuilder('buildah'), new ContainersBuilder('podman'), new KanikoBuilder(), new LayerBuilder()];
}

/** The builder chosen, and what was tried before it (for the log and summary). */
export interface Selection {
  readonly builder: Builder;
  readonly version: string;
  /** `buildx: docker buildx not available: …`, one per builder passed over. */
  readonly passed: readonly string[];
}

type SelectRequest = Pick<BuildRequest, 'context' | 'dockerfile' | 'dockerfileText' | 'target' | 'buildArgs' | 'platforms'>;

async function check(
  builder: Builder,
  request: SelectRequest,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const unsupported = builder.unsupported?.(request);
  if (unsupported) return { ok: false, reason: unsupported };
  const availability = await builder.probe(env);
  return availability.ok ? availability : { ok: false, reason: availability.reason };
}

/**
 * The builder for a request. A named builder that cannot run here is a UserError naming `builder`;
 * `auto` tries {@link BUILDER_NAMES} in order and says why it passed each one over.
 */
export async function selectBuilder(
  name: BuilderName | 'auto',
  request: SelectRequest,
  builders: readonly Builder[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<Selection> {
  const candidates = name === 'auto' ? BUILDER_NAMES : [name];
  const passed: string[] = [];
  for (const candidate of candidates) {
    const builder = builders.find((item) => item.name === candidate);
    if (!builder) continue;
    const result = await check(builder, request, env);
    if (result.ok) return { builder, version: result.version, passed };
    passed.push(`${candidate}: ${result.reason.replace(/\.$/, '')}`);
  }
  if (name !== 'auto')
    throw new UserError(`builder: ${name} cannot build here: ${passed[0]?.replace(/^[a-z]+: /, '') ?? 'not known'}.`, { input: 'builder' });
  throw new UserError(`builder: no builder can build this here (auto tried ${candidates.join(', ')}):\n  ${passed.join('\n  ')}`, {
    input: 'builder',
  });
}
