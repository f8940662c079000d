import { cloneEnvRepo, PUSH_RETRY } from '../shared/clone.ts';
import type { BumpDeps } from './step.ts';

/**
 * Bump wired to the real git CLI and forge APIs. Clones go under `RUNNER_TEMP` (or the OS temp dir).
 * The forge clients (Octokit, GitLab's, their HTTP stack) load only when PR mode opens a request: a
 * push-mode bump, the usual one, would otherwise spend about a third of its start-up loading them.
 */
export function defaultBumpDeps(env: Readonly<Record<string, string | undefined>> = process.env, log?: (line: string) => void): BumpDeps {
  return {
    clone: cloneEnvRepo({ env, log }),
    forge: async (options) => (await import('../../adapters/forges/detect.ts')).createForge({ ...options, env: env as NodeJS.ProcessEnv }),
    retry: PUSH_RETRY,
  };
}
