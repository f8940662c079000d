import { createForge } from '../../adapters/forges/detect.ts';
import { cloneEnvRepo, PUSH_RETRY } from '../shared/clone.ts';
import type { BumpDeps } from './step.ts';

/** Bump wired to the real git CLI and forge APIs. Clones go under `RUNNER_TEMP` (or the OS temp dir). */
export function defaultBumpDeps(env: Readonly<Record<string, string | undefined>> = process.env, log?: (line: string) => void): BumpDeps {
  return {
    clone: cloneEnvRepo({ env, log }),
    forge: (options) => createForge({ ...options, env: env as NodeJS.ProcessEnv }),
    retry: PUSH_RETRY,
  };
}
