/**
 * The one wiring of env-repo clones for every step: a fresh directory under `RUNNER_TEMP` (or the OS temp
 * dir), the least clone through the git adapter, and the directory removed when the clone fails. Also
 * the push-race bound the writing steps share.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepo } from '../../adapters/git/git-repo.ts';
import type { GitIdentity, GitRemote } from '../../adapters/git/types.ts';
import { headStartKey, takeHeadStart } from './head-start.ts';

/**
 * The push-race bound: twenty pipelines bumping one branch at once must all land. The ceiling is wide so
 * that many waiters spread out (one landing takes a few hundred ms), and the bound is a count of attempts,
 * never a wall-clock deadline that a busy machine could overrun.
 */
export const PUSH_RETRY = { attempts: 40, baseDelayMs: 250, maxDelayMs: 10_000 } as const;

/** What a clone is asked for: the branch (default branch when omitted), sparse paths, the committer. */
export interface CloneRequest {
  readonly branch?: string;
  readonly sparsePaths: string[];
  readonly identity?: GitIdentity;
}

/** How clones are made: where the temp directories go, their name prefix, and who hears git's command lines. */
export interface CloneWiring {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Prefix of the temp directory's name (`baton-env-`). */
  readonly prefix?: string;
  /** Receives every git command line, redacted. */
  readonly log?: ((line: string) => void) | undefined;
}

/**
 * A clone function wired to the real git CLI; the caller cleans the clone up with `cleanup()`. A clone
 * the `baton` loader already started for exactly this request (a head start, see ./head-start.ts) is
 * taken instead of cloning again; one that failed is cloned again here, so every error is this clone's.
 */
export function cloneEnvRepo(wiring: CloneWiring): (remote: GitRemote, request: CloneRequest) => Promise<GitRepo> {
  return async (remote, request) => {
    if (!wiring.prefix || wiring.prefix === 'baton-env-') {
      const started = await takeHeadStart(headStartKey(remote, request));
      if (started) {
        const options = { ...(request.identity ? { identity: request.identity } : {}), ...(wiring.log ? { log: wiring.log } : {}) };
        return GitRepo.adopt(remote, started, options);
      }
    }
    const dir = await mkdtemp(join(wiring.env['RUNNER_TEMP'] || tmpdir(), wiring.prefix ?? 'baton-env-'));
    try {
      return await GitRepo.clone(remote, { ...request, dir, ...(wiring.log ? { log: wiring.log } : {}) });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  };
}
