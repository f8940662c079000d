import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { CONFIG_FILE, parseEnvRepoConfig, resolveEnvironment } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import type { CustomResourceSchema } from '../../core/validate/crd-schema.ts';
import { createEngine, type Engine } from '../../core/validate/engine.ts';
import { formatKubeVersion, schemaVersionOf } from '../../core/validate/kube-version.ts';
import { DEFAULT_POLICY, type PolicyConfig, parsePolicyConfig } from '../../core/validate/policy-config.ts';
import { summaryLine } from '../../core/validate/report/index.ts';
import type { Report } from '../../core/validate/types.ts';
import type { ManifestHead } from '../../adapters/registry/manifest-head.ts';
import { renderHelm } from '../../adapters/render/helm.ts';
import { renderKustomize } from '../../adapters/render/kustomize.ts';
import { createSchemaCatalog, type SchemaCatalog } from '../../adapters/schemas/catalog.ts';
import { parseSchemaLocations } from '../../adapters/schemas/locations.ts';
import { validateSpec } from '../../specs/validate.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';
import { type ValidateInputs, validateInputs } from './inputs.ts';
import { printReport, settleResult, writeReports } from './output.ts';
import type { Renderers, Stream } from '../shared/render-env.ts';
import { discoverSources, type Source } from '../shared/sources.ts';
import { checkInWorkers, likelyParallel, type ParallelOptions, startWorkers, type WorkerPool, worthParallel } from './parallel.ts';
import { checkImages, customResourceSchemas, loadStreams } from './run.ts';

/** Side effects validate uses, injectable for tests. */
export interface ValidateDeps {
  readonly renderers: Renderers;
  /** The registry client for check-images, given the step's environment (for the Docker config). */
  manifestHead(env: Readonly<Record<string, string | undefined>>): Promise<ManifestHead>;
  /** All of standard input, for the path `-`. */
  readStdin(): Promise<string>;
  /** Worker threads for large runs of plain files. */
  readonly parallel: ParallelOptions;
}

/**
 * The module a worker thread runs: worker.ts from source; in a bundle, the bundle itself (whose entry
 * hands a worker thread to worker.ts).
 */
function workerScript(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./worker.ts', here) : new URL(here);
}

/** Reads all of this process's standard input as UTF-8. */
async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The real renderers and registry client. */
export function defaultValidateDeps(): ValidateDeps {
  return {
    renderers: { kustomize: renderKustomize, helm: renderHelm },
    // Why loaded here: the registry client (and its HTTP stack) is needed only with check-images.
    manifestHead: async (env) => {
      const [{ clientManifestHead }, { RegistryClient }] = await Promise.all([
        import('../../adapters/registry/manifest-head.ts'),
        import('../../adapters/registry/registry-client.ts'),
      ]);
      return clientManifestHead(
        new RegistryClient({ env, insecureRegistries: (env['BATON_INSECURE_REGISTRIES'] ?? '').split(',').filter(Boolean) }),
      );
    },
    readStdin: readProcessStdin,
    // Why 2 MiB: below it (a few thousand resources) starting the threads costs more than they save.
    parallel: { workers: availableParallelism(), minBytes: 2 * 1024 * 1024, script: workerScript() },
  };
}

async function readPolicy(inputs: ValidateInputs, cwd: string): Promise<PolicyConfig> {
  if (!inputs.policy) return DEFAULT_POLICY;
  const text = await readFile(resolve(cwd, inputs.policy), 'utf8').catch((error: unknown) => {
    throw new UserError(`policy: cannot read "${inputs.policy}".`, { input: 'policy', cause: error });
  });
  return parsePolicyConfig(text, inputs.policy);
}

/**
 * The paths to check: as given, else the environment's path from baton.yaml. Neither is bad input: the
 * working directory of a CI job is the whole checkout (package.json, workflow files, the runner's own
 * files), so checking it by default fails on files that were never manifests.
 */
async function targetPaths(inputs: ValidateInputs, cwd: string): Promise<string[]> {
  if (inputs.paths.length > 0) return [...inputs.paths];
  if (!inputs.env) {
    throw new UserError(
      'paths: nothing to check; give paths (files and directories, e.g. envs/staging or .) or env (its path comes from baton.yaml).',
      { input: 'paths' },
    );
  }
  const text = await readFile(resolve(cwd, CONFIG_FILE), 'utf8').catch(() => undefined);
  return [resolveEnvironment(text === undefined ? undefined : parseEnvRepoConfig(text), { env: inputs.env }).path];
}

/** Checks that the Helm values files exist before anything renders. */
async function checkValuesFiles(inputs: ValidateInputs, cwd: string): Promise<void> {
  for (const file of inputs.values) {
    const found = await stat(resolve(cwd, file)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!found) throw new UserError(`values: "${file}" is not a file (relative to ${cwd}).`, { input: 'values' });
  }
}

/** Loads CRDs from crd-dir and the inputs into the catalog; returns their schemas. */
async function addCrds(
  catalog: SchemaCatalog,
  streams: readonly Stream[],
  inputs: ValidateInputs,
  cwd: string,
  renderers: Renderers,
  engine: Engine,
): Promise<CustomResourceSchema[]> {
  const crdSources = await discoverSources(inputs.crdDirs, 'none', cwd).catch((error: unknown) => {
    if (error instanceof UserError) throw new UserError(error.message.replace(/^paths:/, 'crd-dir:'), { input: 'crd-dir', cause: error });
    throw error;
  });
  engine.add(crdSources.findings);
  const crdStreams = await loadStreams(crdSources.sources, renderers, engine, {
    cwd,
    kubernetesVersion: formatKubeVersion(inputs.kubernetesVersion),
    extraValues: [],
  });
  const schemas = customResourceSchemas([...crdStreams, ...streams], inputs.strict);
  catalog.addCustomResources(schemas);
  return schemas;
}

/** Parses and checks every stream, loading the schemas each one needs first. */
async function checkStreams(engine: Engine, catalog: SchemaCatalog, streams: readonly Stream[]): Promise<void> {
  for (const stream of streams) {
    const parsed = engine.parse(stream.text, stream.origin);
    await catalog.prepare(parsed.kinds);
    engine.check(parsed, catalog);
  }
}

/** Runs validate with checked inputs and returns the report. */
export async function runValidation(inputs: ValidateInputs, deps: ValidateDeps, context: StepContext): Promise<Report> {
  const cwd = context.cwd;
  const policy = await readPolicy(inputs, cwd);
  const paths = await targetPaths(inputs, cwd);
  await checkValuesFiles(inputs, cwd);
  const engine = createEngine({ ...inputs, policy, collectImages: inputs.checkImages, ...(inputs.env ? { env: inputs.env } : {}) });
  const version = formatKubeVersion(inputs.kubernetesVersion);
  const catalog = createSchemaCatalog({
    strict: inputs.strict,
    kubernetesVersion: schemaVersionOf(inputs.kubernetesVersion),
    locations: parseSchemaLocations(inputs.schemaLocations),
    cwd,
    warn: (m) => context.log.warn(m),
  });
  const discovered = await discoverSources(paths, inputs.render, cwd);
  engine.add(discovered.findings);
  const sources = discovered.sources;
  const plain = !inputs.checkImages && sources.every((s) => s.kind === 'file' || s.kind === 'stdin');
  const pool = plain && likelyParallel(sources.length, deps.parallel) ? startWorkers(deps.parallel) : undefined;
  try {
    return await checkAll(sources, { inputs, deps, context, engine, catalog, policy, version, pool });
  } finally {
    await pool?.close();
  }
}

interface Run {
  readonly inputs: ValidateInputs;
  readonly deps: ValidateDeps;
  readonly context: StepContext;
  readonly engine: Engine;
  readonly catalog: SchemaCatalog;
  readonly policy: PolicyConfig;
  readonly version: string;
  readonly pool: WorkerPool | undefined;
}

/** Reads (or renders) the sources and checks them, in worker threads when it is worth it. */
async function checkAll(sources: readonly Source[], run: Run): Promise<Report> {
  const { inputs, deps, context, engine, catalog, policy, version, pool } = run;
  const cwd = context.cwd;
  const streams = await context.log.group('Render and read', async () => {
    for (const s of sources)
      if (s.kind === 'helm' || s.kind === 'kustomize')
        context.log.info(`${s.kind === 'helm' ? 'helm template' : 'kustomize build'} ${s.path}`);
    const options = {
      cwd,
      kubernetesVersion: version,
      extraValues: inputs.values,
      readStdin: deps.readStdin,
      ...(inputs.env ? { envName: inputs.env } : {}),
    };
    return loadStreams(sources, deps.renderers, engine, options);
  });
  const crds = await addCrds(catalog, streams, inputs, cwd, deps.renderers, engine);
  if (pool && worthParallel(streams, deps.parallel)) {
    const setup = { ...inputs, cwd, policy, crds, ...(inputs.env ? { env: inputs.env } : {}) };
    await checkInWorkers(streams, engine, setup, pool, deps.parallel, catalog, (m) => context.log.warn(m));
  } else await checkStreams(engine, catalog, streams);
  if (inputs.checkImages) engine.add(await checkImages(engine, await deps.manifestHead(context.env)));
  return engine.finish();
}

/** Runs validate: check, report, and settle the verdict. */
export async function runValidate(inputs: ValidateInputs, deps: ValidateDeps, context: StepContext): Promise<StepResult> {
  const report = await runValidation(inputs, deps, context);
  const targets = [...(inputs.outputFile ? [{ format: inputs.output, path: inputs.outputFile }] : []), ...inputs.reports];
  const files = await writeReports(report, targets, inputs.failOn, context.cwd);
  if (!inputs.outputFile) printReport(report, inputs.output, inputs.failOn, context);
  else context.log.info(summaryLine(report));
  const title = inputs.env ?? (inputs.paths.join(', ') || '.');
  return settleResult(report, title, inputs.failOn, files, !inputs.outputFile);
}

/** Creates the validate step with its side effects. */
export function validateStep(deps: ValidateDeps): Step {
  return defineStep(validateSpec, (values, context) => runValidate(validateInputs(values), deps, context));
}
