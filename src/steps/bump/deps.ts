import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForge } from '../../adapters/forges/detect.ts';
import { GitRepo } from '../../adapters/git/git-repo.ts';
import type { BumpDeps } from './step.ts';

/**
 * The push-race bound: twenty pipelines bumping one branch at once must all land. The ceiling is wide so
 * that many waiters spread out (one landing takes a few hundred ms), and the bound is a count of attempts,
 * never a wall-clock deadline that a busy machine could overrun.
 */
export const PUSH_RETRY = { attempts: 40, baseDelayMs: 250, maxDelayMs: 10_000 } as const;

/** Bump wired to the real git CLI and forge APIs. Clones go under `RUNNER_TEMP` (or the OS temp dir). */
export function defaultBumpDeps(env: Readonly<Record<string, string | undefined>> = process.env, log?: (line: string) => void): BumpDeps {
  return {
    async clone(remote, options) {
      const dir = await mkdtemp(join(env['RUNNER_TEMP'] || tmpdir(), 'baton-env-'));
      try {
        return await GitRepo.clone(remote, { ...options, dir, ...(log ? { log } : {}) });
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    },
    forge: (options) => createForge({ ...options, env: env as NodeJS.ProcessEnv }),
    retry: PUSH_RETRY,
  };
}
