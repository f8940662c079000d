import { Worker } from 'node:worker_threads';
import { parseStream } from '../../core/validate/documents.ts';
import type { Engine, PartResult } from '../../core/validate/engine.ts';
import { streamResources } from '../../core/validate/resources.ts';
import type { Resource } from '../../core/validate/types.ts';
import type { Stream } from '../shared/render-env.ts';
import type { SchemaCatalog } from '../../adapters/schemas/catalog.ts';
import { checkJob, VALIDATE_WORKER_ROLE, type WorkerAnswer, type WorkerJob, type WorkerMessage, type WorkerSetup } from './worker.ts';

/** How a run spreads its files over threads. */
export interface ParallelOptions {
  /** Threads to use, this one included (it takes jobs too); fewer than 2 means this one alone. */
  readonly workers: number;
  /** Below this many bytes of files a run stays on one thread (starting workers costs more). */
  readonly minBytes: number;
  /** The module a worker runs: worker.ts, or the bundle that holds it. */
  readonly script: URL;
  /** Bytes of YAML per job (default 256 KiB: small enough to balance the threads, large enough that messages stay few). */
  readonly jobBytes?: number;
  /** Told how the work was split, for tests and benchmarks. */
  readonly onSplit?: (split: { jobs: number; workers: number }) => void;
}

/** Bytes a manifest file holds on average, to guess from a count of files whether a run will be large. */
const TYPICAL_FILE_BYTES = 4096;

/** True when this many files are likely worth worker threads: then they are started before the files are read. */
export function likelyParallel(files: number, options: ParallelOptions): boolean {
  return options.workers >= 2 && files >= 2 && files * TYPICAL_FILE_BYTES >= options.minBytes;
}

/** True when these streams are worth checking in worker threads: plain files (no renderer origins), enough of them. */
export function worthParallel(streams: readonly Stream[], options: ParallelOptions): boolean {
  if (options.workers < 2 || streams.length < 2) return false;
  let bytes = 0;
  for (const stream of streams) {
    if (stream.origin.renderedBy) return false;
    bytes += stream.text.length;
  }
  return bytes >= options.minBytes;
}

function jobsOf(streams: readonly Stream[], jobBytes: number): WorkerJob[] {
  const jobs: WorkerJob[] = [];
  let batch: Array<{ text: string; file: string }> = [];
  let bytes = 0;
  for (const stream of streams) {
    batch.push({ text: stream.text, file: stream.origin.file });
    bytes += stream.text.length;
    if (bytes >= jobBytes) {
      jobs.push({ id: jobs.length, streams: batch });
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) jobs.push({ id: jobs.length, streams: batch });
  return jobs;
}

/** Worker threads started ahead of the work, so that their start-up overlaps the reading of the files. */
export interface WorkerPool {
  /** Sends the run's setup, then the jobs, each worker taking the next job when it answers; resolves with the parts in job order. */
  run(
    jobs: readonly WorkerJob[],
    setup: WorkerSetup,
    warn: (message: string) => void,
    local: (job: WorkerJob) => Promise<PartResult>,
  ): Promise<PartResult[]>;
  /** Ends every worker. */
  close(): Promise<void>;
}

/** Starts the workers of a run (they load their modules while the files are read). */
export function startWorkers(options: ParallelOptions): WorkerPool {
  // Why one fewer: this thread takes jobs too, with its modules loaded and its validators warm.
  const workers = Array.from({ length: Math.max(options.workers - 1, 0) }, () => {
    const worker = new Worker(options.script, { workerData: { role: VALIDATE_WORKER_ROLE } });
    // Why: a worker that fails while unused must not end the process; `run` listens for its own errors.
    worker.on('error', () => {});
    return worker;
  });
  const close = async () => {
    await Promise.all(workers.map((worker) => worker.terminate()));
  };
  return {
    close,
    async run(jobs, setup, warn, local) {
      const parts = new Array<PartResult>(jobs.length);
      const warned = new Set<string>();
      let next = 0;
      const used = workers.slice(0, Math.min(workers.length, jobs.length - 1));
      options.onSplit?.({ jobs: jobs.length, workers: used.length + 1 });
      const here = async (): Promise<void> => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          parts[job.id] = await local(job);
          // Let the workers' answers in between jobs.
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const one = (worker: Worker): Promise<void> =>
        new Promise((resolve, reject) => {
          const give = () => {
            if (next >= jobs.length) {
              worker.removeAllListeners('message');
              resolve();
              return;
            }
            worker.postMessage(jobs[next++]);
          };
          worker.on('message', (answer: WorkerAnswer) => {
            if ('error' in answer) {
              reject(new Error(`validate worker: ${answer.error}`));
              return;
            }
            parts[answer.id] = answer.part;
            for (const message of answer.warnings) {
              if (warned.has(message)) continue;
              warned.add(message);
              warn(message);
            }
            give();
          });
          worker.once('error', reject);
          worker.postMessage({ setup } satisfies WorkerMessage);
          give();
        });
      try {
        await Promise.all([here(), ...used.map(one)]);
      } finally {
        await close();
      }
      return parts;
    },
  };
}

/**
 * Checks plain files in worker threads and merges what they found into the run's engine, in file
 * order, so that the report is the same as on one thread (duplicates across threads included).
 */
export async function checkInWorkers(
  streams: readonly Stream[],
  engine: Engine,
  setup: WorkerSetup,
  pool: WorkerPool,
  options: ParallelOptions,
  catalog: SchemaCatalog,
  warn: (message: string) => void,
): Promise<void> {
  const local = (job: WorkerJob) => checkJob(job, setup, catalog);
  const parts = await pool.run(jobsOf(streams, options.jobBytes ?? 256 * 1024), setup, warn, local);
  const texts = new Map(streams.map((stream) => [stream.origin.file, stream.text]));
  const resourceAt = (file: string, index: number): Resource | undefined => {
    const text = texts.get(file);
    if (text === undefined) return undefined;
    return streamResources(parseStream(text, file, { strict: setup.strict }).documents, { file }).resources[index];
  };
  for (const part of parts) engine.merge(part, resourceAt);
}
