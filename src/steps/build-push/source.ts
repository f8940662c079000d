/**
 * What a build is made of, read before any registry is contacted: the context and Dockerfile (checked,
 * naming the input), the source context from CI and git, tags, labels and the source key.
 */
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { readDockerIgnore } from '../../adapters/builders/context-files.ts';
import { sha256Digest } from '../../adapters/registry/digest.ts';
import { formatPlatform } from '../../adapters/registry/platform.ts';
import { parseDockerfile, targetStage } from '../../core/build/dockerfile.ts';
import type { KeyValue } from '../../core/build/key-values.ts';
import { buildLabels, createdEpoch } from '../../core/build/labels.ts';
import { type GithubEvent, type SourceContext, sourceContext } from '../../core/build/source-context.ts';
import { sourceKey, sourceKeyTag } from '../../core/build/source-key.ts';
import { computeTags } from '../../core/build/tags.ts';
import { UserError } from '../../core/errors.ts';
import type { BuildPushInputs } from './inputs.ts';

/** Reads the parts of the world a build depends on (injectable for tests). */
export interface SourceDeps {
  readonly now: () => Date;
  /** The GitHub event payload (`GITHUB_EVENT_PATH`), when there is one. */
  readonly readEvent: (env: Readonly<Record<string, string | undefined>>) => Promise<GithubEvent | undefined>;
  readonly gitSource: (dir: string) => Promise<SourceContext>;
  readonly contextTree: (context: string, ignore: Awaited<ReturnType<typeof readDockerIgnore>>) => Promise<string>;
}

/** Everything decided before building. */
export interface BuildSource {
  readonly context: string;
  readonly dockerfile: string;
  readonly dockerfileText: string;
  readonly source: SourceContext;
  readonly sourceDateEpoch?: number;
  readonly created: number;
  readonly tags: readonly string[];
  readonly labels: readonly KeyValue[];
  readonly key: string;
  readonly keyTag: string;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The context directory and the Dockerfile's path and text; a missing one is a UserError naming its input. */
export async function readBuildFiles(inputs: BuildPushInputs, cwd: string): Promise<{ context: string; dockerfile: string; text: string }> {
  const context = resolve(cwd, inputs.context);
  if (!(await isDirectory(context)))
    throw new UserError(`context: ${inputs.context} is not a directory (resolved to ${context}).`, { input: 'context' });
  const dockerfile = inputs.file ? resolve(cwd, inputs.file) : resolve(context, 'Dockerfile');
  const text = await readFile(dockerfile, 'utf8').catch(() => undefined);
  if (text === undefined) {
    const shown = relative(cwd, dockerfile) || dockerfile;
    throw new UserError(
      `file: no Dockerfile at ${shown}${inputs.file ? '' : ' (the default, <context>/Dockerfile)'}; name it with the file input.`,
      { input: 'file' },
    );
  }
  const inside = relative(context, dockerfile);
  targetStage(parseDockerfile(text, inside && !inside.startsWith('..') ? inside : dockerfile), inputs.target);
  return { context, dockerfile, text };
}

/** `SOURCE_DATE_EPOCH` (reproducible-builds.org): whole seconds, or a UserError naming it. */
export function readSourceDateEpoch(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = env['SOURCE_DATE_EPOCH']?.trim();
  if (!text) return undefined;
  if (!/^\d+$/.test(text))
    throw new UserError(`SOURCE_DATE_EPOCH: "${text}" is not a whole number of seconds since 1970.`, { input: 'SOURCE_DATE_EPOCH' });
  return Number(text);
}

/** Reads the files, the source context, and computes tags, labels and the source key. */
export async function buildSource(
  inputs: BuildPushInputs,
  deps: SourceDeps,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<BuildSource> {
  const files = await readBuildFiles(inputs, cwd);
  const sourceDateEpoch = readSourceDateEpoch(env);
  const now = deps.now();
  const source = sourceContext(env, await deps.readEvent(env), await deps.gitSource(files.context));
  const created = createdEpoch(sourceDateEpoch, source, now);
  const tree = await deps.contextTree(files.context, await readDockerIgnore(files.context));
  const key = sourceKey({
    tree,
    dockerfile: sha256Digest(Buffer.from(files.text)),
    buildArgs: inputs.buildArgs,
    ...(inputs.target ? { target: inputs.target } : {}),
    platforms: inputs.platforms.map(formatPlatform),
    labels: inputs.labels,
  });
  return {
    context: files.context,
    dockerfile: files.dockerfile,
    dockerfileText: files.text,
    source,
    ...(sourceDateEpoch === undefined ? {} : { sourceDateEpoch }),
    created,
    tags: computeTags(source, inputs.tags, now),
    labels: buildLabels(source, created, inputs.labels),
    key,
    keyTag: sourceKeyTag(key),
  };
}
