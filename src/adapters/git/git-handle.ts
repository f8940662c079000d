import type { GitCli, GitRunOptions } from './git-cli.ts';
import type { GitIdentity } from './types.ts';

/**
 * What the job modules of the adapter (commit, refs and notes, history) need from a clone: the one
 * runner, the working tree, the branch cloned and the committer. `GitRepo` owns one and hands it on.
 */
export interface CloneHandle {
  readonly cli: GitCli;
  readonly dir: string;
  readonly branch: string;
  readonly identity: GitIdentity;
}

/** Runs a local git command in the clone; throws when it fails. */
export function gitIn(handle: CloneHandle, args: readonly string[], options: Omit<GitRunOptions, 'cwd'> = {}) {
  return handle.cli.run(args, { cwd: handle.dir, ...options });
}

/** The variables that make `identity` the committer (and, by default, the author) of what git writes. */
export function identityEnv(committer: GitIdentity, author: GitIdentity = committer): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}
