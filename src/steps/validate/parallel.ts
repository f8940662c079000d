import { Worker } from 'node:worker_threads';
import { parseStream } from '../../core/validate/documents.ts';
import type { Engine, PartResult } from '../../core/validate/engine.ts';
import { streamResources } from '../../core/validate/resources.ts';
import type { Resource } from '../../core/validate/types.ts';
import type { Stream } from './run.ts';
import { VALIDATE_WORKER_ROLE, type WorkerAnswer, type WorkerJob, type WorkerSetup } from './worker.ts';

/** How a run spreads its files over threads. */
export interface ParallelOptions {
  /** Worker threads to use; fewer than 2 means none. */
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

/** Runs the jobs on `count` workers, each taking the next job when it answers; resolves with the parts in job order. */
async function runJobs(jobs: readonly WorkerJob[], setup: WorkerSetup, options: ParallelOptions, warn: (message: string) => void): Promise<PartResult[]> {
  const parts = new Array<PartResult>(jobs.length);
  const warned = new Set<string>();
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(options.script, { workerData: { role: VALIDATE_WORKER_ROLE, setup } });
      const give = () => {
        if (next >= jobs.length) {
          void worker.terminate().then(() => resolve(), reject);
          return;
        }
        worker.postMessage(jobs[next++]);
      };
      worker.on('message', (answer: WorkerAnswer) => {
        if ('error' in answer) {
          void worker.terminate();
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
      worker.on('error', reject);
      give();
    });
  const workers = Math.min(options.workers, jobs.length);
  options.onSplit?.({ jobs: jobs.length, workers });
  await Promise.all(Array.from({ length: workers }, one));
  return parts;
}

/**
 * Checks plain files in worker threads and merges what they found into the run's engine, in file
 * order, so that the report is the same as on one thread (duplicates across threads included).
 */
export async function checkInWorkers(streams: readonly Stream[], engine: Engine, setup: WorkerSetup, options: ParallelOptions, warn: (message: string) => void): Promise<void> {
  const parts = await runJobs(jobsOf(streams, options.jobBytes ?? 256 * 1024), setup, options, warn);
  const texts = new Map(streams.map((stream) => [stream.origin.file, stream.text]));
  const resourceAt = (file: string, index: number): Resource | undefined => {
    const text = texts.get(file);
    if (text === undefined) return undefined;
    return streamResources(parseStream(text, file, { strict: setup.strict }).documents, { file }).resources[index];
  };
  for (const part of parts) engine.merge(part, resourceAt);
}
