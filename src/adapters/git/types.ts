/** Where an env repo lives and how to authenticate to it. */
export interface GitRemote {
  /** `https://…`, `http://…`, `file://…` or a local path. Never printed with credentials. */
  readonly url: string;
  /** Token or password for HTTP(S); passed to git only through the environment. */
  readonly token?: string;
  /** User name for Basic auth; defaults per forge (`x-access-token` on GitHub, `oauth2` on GitLab). */
  readonly username?: string;
}

/** Who a commit is by: `Name <email>`. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/** What a push did. */
export type PushResult = 'pushed' | 'rejected';

/** How to clone an env repo; see `GitRepo.clone`. */
export interface CloneOptions {
  /** The branch to check out and push to; the remote's default branch when omitted. */
  readonly branch?: string;
  /**
   * Directories to check out (sparse, cone mode); files at the repository root such as `baton.yaml` are
   * always there. An empty list checks out only the root files; `.` or `` checks out everything.
   */
  readonly sparsePaths: readonly string[];
  /** Where the clone goes: an empty or missing directory that `cleanup()` removes. */
  readonly dir: string;
  /** Committer (and default author) of Baton's commits. */
  readonly identity?: GitIdentity;
  /** Receives one line per git command (already redacted) and notable events. */
  readonly log?: (line: string) => void;
}

/** What to commit; see `GitRepo.commit`. */
export interface CommitOptions {
  /** Subject, body and trailers, as git will store it. */
  readonly message: string;
  /** Author when it differs from the clone's identity (the committer). */
  readonly author?: GitIdentity;
  /** Paths to stage (files or directories, relative to the repo root); everything changed when omitted. */
  readonly paths?: readonly string[];
}

/** Where and how to push; see `GitRepo.push`. */
export interface PushOptions {
  /** Remote branch to update; the cloned branch when omitted. */
  readonly ref?: string;
  /**
   * Replace the remote branch even when it is not an ancestor (PR branches), but only if it still is
   * where this clone last saw it (`--force-with-lease`), or still absent when never seen.
   */
  readonly force?: boolean;
}
