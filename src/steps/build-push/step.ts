/**
 * The build-push step: build an image once per source, push it by digest, tag it last. Order: inputs
 * and files checked → preflight push check (fails in seconds, naming the fix) → the source key looked
 * up (an image already built for it is only tagged) → build → push by digest → tags.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAuthFile } from '../../adapters/builders/auth-file.ts';
import { describeImage } from '../../adapters/builders/layout-output.ts';
import { selectBuilder } from '../../adapters/builders/select.ts';
import type { Builder, BuildRequest, BuiltImage } from '../../adapters/builders/types.ts';
import type { ImageLocation } from '../../adapters/registry/copy.ts';
import { LAYOUT_REGISTRY, OciLayoutStore } from '../../adapters/registry/oci-layout.ts';
import type { RegistryClient, RegistryClientOptions } from '../../adapters/registry/registry-client.ts';
import { buildPushSpec } from '../../specs/build-push.ts';
import { type BuildPushInputs, buildPushInputs } from './inputs.ts';
import { applyTags, pushByDigest, type TagOutcome } from './publish.ts';
import { type BuildSource, buildSource, type SourceDeps } from './source.ts';
import { type BuildPushReport, buildPushOutputs, buildPushSummary, repositoryName } from './summary.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';

/** Side effects build-push uses, injectable for tests. */
export interface BuildPushDeps extends SourceDeps {
  readonly registry: (options: RegistryClientOptions) => RegistryClient;
  readonly builders: () => readonly Builder[];
  /** A private directory under RUNNER_TEMP (or the OS temp dir), removed after the step. */
  readonly tempDir: (env: Readonly<Record<string, string | undefined>>) => Promise<string>;
  readonly clock: () => number;
}

/** One run's shared state. */
interface Run {
  readonly inputs: BuildPushInputs;
  readonly source: BuildSource;
  readonly deps: BuildPushDeps;
  readonly context: StepContext;
  readonly registry: RegistryClient;
  readonly target: ImageLocation;
  readonly workDir: string;
  readonly timings: Record<string, number>;
}

async function timed<T>(run: Run, label: string, work: () => Promise<T>): Promise<T> {
  const start = run.deps.clock();
  // Each stage as the current status (an updating line on a terminal, a log line in CI).
  run.context.log.progress?.(`build-push: ${label}…`);
  try {
    return await work();
  } finally {
    run.timings[label] = run.deps.clock() - start;
  }
}

function openTarget(inputs: BuildPushInputs, registry: RegistryClient): ImageLocation {
  return { client: inputs.layout ? new OciLayoutStore(inputs.imageRef.repository) : registry, ref: inputs.imageRef };
}

function registryOptions(inputs: BuildPushInputs, env: StepContext['env']): RegistryClientOptions {
  const credentials =
    inputs.username && inputs.password && !inputs.layout
      ? [{ registry: inputs.imageRef.registry, username: inputs.username, password: inputs.password }]
      : [];
  return { credentials, env, insecureRegistries: inputs.insecureRegistries };
}

/** The per-platform digests of an image already in the target. */
async function platformsOf(target: ImageLocation, digest: string): Promise<Readonly<Record<string, string>>> {
  return (await describeImage(target.client, { registry: target.ref.registry, repository: target.ref.repository, digest })).platforms;
}

/** Preflight: can these credentials push to the repository? Fails fast, before a long build. */
async function preflight(run: Run): Promise<void> {
  if (!run.inputs.push || (run.inputs.layout && run.inputs.dryRun)) return;
  await timed(run, 'preflight', () => run.target.client.checkPush(run.target.ref));
  run.context.log.info(`preflight: ${repositoryName(run.target.ref, run.inputs.layout)} accepts pushes`);
}

/** The digest already built for this source key, if the target holds one. */
async function existingBuild(run: Run): Promise<string | undefined> {
  if (!run.inputs.push) return undefined;
  const found = await run.target.client.tryResolve({ ...run.target.ref, tag: run.source.keyTag });
  return found?.digest;
}

async function buildRequest(run: Run): Promise<BuildRequest> {
  const { inputs, source } = run;
  const destination = inputs.push
    ? run.target
    : {
        client: new OciLayoutStore(join(run.workDir, 'layout')),
        ref: { registry: LAYOUT_REGISTRY, repository: join(run.workDir, 'layout') },
      };
  const authFile =
    inputs.username && inputs.password && !inputs.layout
      ? await writeAuthFile(run.workDir, inputs.imageRef.registry, inputs.username, inputs.password)
      : undefined;
  return {
    context: source.context,
    dockerfile: source.dockerfile,
    dockerfileText: source.dockerfileText,
    ...(inputs.target ? { target: inputs.target } : {}),
    buildArgs: inputs.buildArgs,
    platforms: inputs.platforms,
    labels: source.labels,
    ...(source.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: source.sourceDateEpoch }),
    created: source.created,
    workDir: run.workDir,
    insecureRegistries: inputs.insecureRegistries,
    ...(authFile ? { authFile } : {}),
    destination,
    registry: run.registry,
    env: run.context.env,
    log: (line) => run.context.log.info(line),
  };
}

/** Chooses the builder, builds, and pushes by digest. */
async function build(run: Run): Promise<{ built: BuiltImage; digest: string; builder: string; passed: readonly string[] }> {
  const request = await buildRequest(run);
  const selection = await selectBuilder(run.inputs.builder, request, run.deps.builders(), run.context.env);
  const how = run.inputs.builder === 'auto' ? ' (builder: auto)' : '';
  run.context.log.info(`building with ${selection.builder.name} ${selection.version}${how}`);
  for (const line of selection.passed) run.context.log.info(`  passed over ${line}`);
  const built = await timed(run, 'build', () =>
    run.context.log.group(`Build with ${selection.builder.name}`, () => selection.builder.build(request)),
  );
  const digest = run.inputs.push
    ? await timed(run, 'push', () => pushByDigest({ ...built.location, digest: built.digest }, run.target))
    : built.digest;
  return { built, digest, builder: selection.builder.name, passed: selection.passed };
}

async function tagAll(run: Run, digest: string): Promise<TagOutcome[]> {
  const outcomes = await timed(run, 'tags', () => applyTags(run.target, digest, [...run.source.tags, run.source.keyTag]));
  for (const outcome of outcomes) run.context.log.info(`tag ${outcome.tag}: ${outcome.status}`);
  return outcomes;
}

async function execute(run: Run): Promise<BuildPushReport> {
  const base = { passed: [] as string[], timings: run.timings, pushed: false };
  await preflight(run);
  const existing = await existingBuild(run);
  if (existing) {
    run.context.log.info(`the registry already holds ${existing} for this source (${run.source.keyTag}); skipping the build`);
    const tags = run.inputs.dryRun ? [] : await tagAll(run, existing);
    return {
      ...base,
      digest: existing,
      skipped: true,
      builder: '',
      platforms: await platformsOf(run.target, existing),
      tags,
      pushed: !run.inputs.dryRun,
    };
  }
  if (run.inputs.dryRun) return { ...base, digest: '', skipped: false, builder: '', platforms: {}, tags: [] };
  const result = await build(run);
  const tags = run.inputs.push ? await tagAll(run, result.digest) : [];
  return {
    ...base,
    digest: result.digest,
    skipped: false,
    builder: result.builder,
    passed: result.passed,
    platforms: result.built.platforms,
    tags,
    pushed: run.inputs.push,
  };
}

/** Runs build-push with checked inputs. */
export async function runBuildPush(inputs: BuildPushInputs, deps: BuildPushDeps, context: StepContext): Promise<StepResult> {
  const source = await buildSource(inputs, deps, context.env, context.cwd);
  context.log.info(`source key ${source.key.slice(0, 32)}; tags: ${source.tags.join(', ') || '(none)'}`);
  const registry = deps.registry(registryOptions(inputs, context.env));
  const workDir = await deps.tempDir(context.env);
  const run: Run = { inputs, source, deps, context, registry, target: openTarget(inputs, registry), workDir, timings: {} };
  try {
    const report = await execute(run);
    return { outputs: buildPushOutputs(inputs, source, report), summary: buildPushSummary(inputs, source, report), annotations: [] };
  } finally {
    await registry.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Creates the build-push step with its side effects. */
export function buildPushStep(deps: BuildPushDeps): Step {
  return defineStep(buildPushSpec, (values, context) => runBuildPush(buildPushInputs(values), deps, context));
}

/** A private temporary directory for one run. */
export function makeTempDir(env: Readonly<Record<string, string | undefined>>, fallback: string): Promise<string> {
  return mkdtemp(join(env['RUNNER_TEMP'] || fallback, 'baton-build-'));
}
