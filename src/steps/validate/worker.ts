/**
 * The worker thread side of a parallel validate run: it checks the plain files it is sent with its own
 * schema catalog and engine (a `part`), and answers with what it found as plain data. It starts when
 * this module is loaded in a thread whose workerData names it (see parallel.ts and the entries).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { CustomResourceSchema } from '../../core/validate/crd-schema.ts';
import { createEngine, type PartResult } from '../../core/validate/engine.ts';
import type { KindMatcher } from '../../core/validate/gvk.ts';
import { type KubeVersion, schemaVersionOf } from '../../core/validate/kube-version.ts';
import type { PolicyConfig } from '../../core/validate/policy-config.ts';
import { createSchemaCatalog, type SchemaCatalog } from '../../adapters/schemas/catalog.ts';
import { parseSchemaLocations } from '../../adapters/schemas/locations.ts';

/** The workerData role that makes a thread a validate worker. */
export const VALIDATE_WORKER_ROLE = 'baton-validate-worker';

/** Everything a worker decides by: the run's checked inputs, as plain data. */
export interface WorkerSetup {
  readonly cwd: string;
  readonly strict: boolean;
  readonly kubernetesVersion: KubeVersion;
  readonly schemaLocations: readonly string[];
  readonly skipKinds: readonly KindMatcher[];
  readonly rejectKinds: readonly KindMatcher[];
  readonly ignoreMissingSchemas: boolean;
  readonly allowEmpty: boolean;
  readonly policy: PolicyConfig;
  readonly env?: string;
  readonly crds: readonly CustomResourceSchema[];
}

/** A batch of files to check. */
export interface WorkerJob {
  readonly id: number;
  readonly streams: ReadonlyArray<{ readonly text: string; readonly file: string }>;
}

/** What the parent sends: the run's setup first, then jobs. */
export type WorkerMessage = { readonly setup: WorkerSetup } | WorkerJob;

/** A worker's answer to one job. */
export type WorkerAnswer =
  | { readonly id: number; readonly part: PartResult; readonly warnings: readonly string[] }
  | { readonly id: number; readonly error: string };

/** Checks one job's files as a part of the run (in a worker, or on the main thread beside them). */
export async function checkJob(job: WorkerJob, setup: WorkerSetup, catalog: SchemaCatalog): Promise<PartResult> {
  const engine = createEngine({ ...setup, part: true });
  for (const stream of job.streams) {
    const parsed = engine.parse(stream.text, { file: stream.file });
    await catalog.prepare(parsed.kinds);
    engine.check(parsed, catalog);
  }
  return engine.partResult();
}

/**
 * Serves jobs on the parent port until the parent ends the thread. The modules are loaded as soon as
 * the thread starts; the run's setup (which needs the files read) comes as the first message.
 */
function serve(): void {
  const port = parentPort;
  if (!port) return;
  let warnings: string[] = [];
  let setup: WorkerSetup | undefined;
  let catalog: SchemaCatalog | undefined;
  port.on('message', async (message: WorkerMessage) => {
    if ('setup' in message) {
      setup = message.setup;
      catalog = createSchemaCatalog({
        strict: setup.strict,
        kubernetesVersion: schemaVersionOf(setup.kubernetesVersion),
        locations: parseSchemaLocations(setup.schemaLocations),
        cwd: setup.cwd,
        warn: (m) => warnings.push(m),
      });
      catalog.addCustomResources(setup.crds);
      return;
    }
    try {
      if (!setup || !catalog) throw new Error('a job came before the setup');
      port.postMessage({ id: message.id, part: await checkJob(message, setup, catalog), warnings } satisfies WorkerAnswer);
      warnings = [];
    } catch (error) {
      port.postMessage({ id: message.id, error: (error as Error).stack ?? String(error) } satisfies WorkerAnswer);
    }
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === VALIDATE_WORKER_ROLE) serve();
