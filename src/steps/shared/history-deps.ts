/**
 * The side effects of the steps that read an environment's history and write back to it (history,
 * rollback, release-hold, status, and promote on top): least clones through the git adapter, the forge
 * APIs for PR/MR mode, the push-race bound and the clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForge } from '../../adapters/forges/detect.ts';
import type { Forge } from '../../adapters/forges/types.ts';
import { GitRepo } from '../../adapters/git/git-repo.ts';
import type { GitIdentity, GitRemote } from '../../adapters/git/types.ts';
import type { ChangeOrigin } from '../../core/change-text.ts';
import type { RetryPolicy } from '../../adapters/retry.ts';
import { PUSH_RETRY } from '../bump/deps.ts';
import { gitUsername } from '../bump/step.ts';
import type { CloneEnvRepo } from './env-write.ts';
import type { HistoryCheckout } from './history-read.ts';

/** Side effects of history, rollback, release-hold and status, injectable for tests. */
export interface HistoryDeps {
  readonly clone: CloneEnvRepo<HistoryCheckout>;
  forge(options: { repoUrl: string; token?: string; forge: 'auto' | 'github' | 'gitlab'; apiUrl?: string }): Forge;
  readonly retry: RetryPolicy;
  /** Milliseconds since the epoch (hold times, ages, soak). */
  now(): number;
}

/** The real side effects. Clones go under `RUNNER_TEMP` (or the OS temp dir). */
export function defaultHistoryDeps(env: Readonly<Record<string, string | undefined>> = process.env): HistoryDeps {
  return {
    async clone(remote, options) {
      const dir = await mkdtemp(join(env['RUNNER_TEMP'] || tmpdir(), 'baton-env-'));
      try {
        return await GitRepo.clone(remote, { ...options, dir });
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    },
    forge: (options) => createForge({ ...options, env: env as NodeJS.ProcessEnv }),
    retry: PUSH_RETRY,
    now: () => Date.now(),
  };
}

/** The inputs every env-repo step shares. */
export interface RepoInputs {
  readonly repo: string;
  readonly token?: string | undefined;
  readonly forge: 'auto' | 'github' | 'gitlab';
}

/** The remote of the env repo with the token and the user name that goes with it. */
export function remoteOf(inputs: RepoInputs, env: Readonly<Record<string, string | undefined>>): GitRemote {
  const username = gitUsername(inputs, env);
  return { url: inputs.repo, ...(inputs.token ? { token: inputs.token } : {}), ...(username ? { username } : {}) };
}

/** The name of the `author` input's default. */
const DEFAULT_AUTHOR_NAME = 'baton';

/**
 * Who did it, for commits and holds: the CI actor (GITHUB_ACTOR, GITLAB_USER_LOGIN), else the commit
 * author when one was given, else the local user running the command line.
 */
export function actorOf(origin: ChangeOrigin, author: GitIdentity, env: Readonly<Record<string, string | undefined>>): string {
  if (origin.actor) return origin.actor;
  if (author.name !== DEFAULT_AUTHOR_NAME) return author.name;
  return env['USER'] || env['USERNAME'] || author.name;
}
