/**
 * The side effects of the steps that read an environment's history and write back to it (history,
 * rollback, release-hold, status, and promote on top): least clones through the git adapter, the forge
 * APIs for PR/MR mode, the push-race bound and the clock.
 */
import { createForge } from '../../adapters/forges/detect.ts';
import type { Forge } from '../../adapters/forges/types.ts';
import type { RetryPolicy } from '../../adapters/retry.ts';
import { cloneEnvRepo, PUSH_RETRY } from './clone.ts';
import type { CloneEnvRepo } from './env-write.ts';
import type { HistoryCheckout } from './history-read.ts';
import type { ForgeOptions } from './identity.ts';

/** Side effects of history, rollback, release-hold and status, injectable for tests. */
export interface HistoryDeps {
  readonly clone: CloneEnvRepo<HistoryCheckout>;
  forge(options: ForgeOptions): Forge;
  readonly retry: RetryPolicy;
  /** Milliseconds since the epoch (hold times, ages, soak). */
  now(): number;
}

/** The real side effects. Clones go under `RUNNER_TEMP` (or the OS temp dir). */
export function defaultHistoryDeps(env: Readonly<Record<string, string | undefined>> = process.env): HistoryDeps {
  return {
    clone: cloneEnvRepo({ env }),
    forge: (options) => createForge({ ...options, env: env as NodeJS.ProcessEnv }),
    retry: PUSH_RETRY,
    now: () => Date.now(),
  };
}
