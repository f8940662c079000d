/**
 * The least clone of an env repo as a function of plain data: clone, check out the sparse cone, and
 * say what was made as a {@link ClonedDir}. `GitRepo.clone` wraps it; the `baton` loader runs it alone
 * (a head start, without the rest of the git adapter) and a step adopts what it made with `GitRepo.adopt`.
 */
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RetryPolicy } from '../retry.ts';
import type { ConfigEntry } from './git-auth.ts';
import { ensureGitVersion, GitCli } from './git-cli.ts';
import { parentDir, repoPath } from './git-paths.ts';
import { clonedBranch, cloneCommand, followingGitSuffix, LOCAL_UPLOAD_PACK, repoRef } from './git-remote.ts';
import { resolveRemote } from './git-url.ts';
import type { CloneOptions, GitRemote } from './types.ts';

/** Options of a clone beyond {@link CloneOptions}, for tests, tuning and head starts. */
export interface CloneTuning {
  /** Retry policy of network verbs (default: 3 attempts with jitter). */
  readonly retry?: RetryPolicy;
  /** Signing settings (see git-signing.ts); read from the environment and git config when omitted. */
  readonly signing?: readonly ConfigEntry[];
  /** Kills the git process running when aborted; the clone then fails. */
  readonly signal?: AbortSignal;
}

/**
 * A finished clone, as plain data only: it crosses from one bundle to another (see steps/shared/head-start.ts),
 * where classes of the other bundle are other classes. Holds no credential.
 */
export interface ClonedDir {
  /** The working tree. */
  readonly dir: string;
  /** The branch checked out. */
  readonly branch: string;
  /** The URL the clone used: the remote's, or with `.git` appended when the first answered with a redirect. */
  readonly url: string;
  /** The same URL for messages. */
  readonly display: string;
  /** What the version and signing checks found (see `GitCli.checks`). */
  readonly signing: readonly ConfigEntry[];
  /** The cone of the sparse checkout (undefined: everything is checked out). */
  readonly cone: readonly string[] | undefined;
}

/**
 * Clones `remote` into `options.dir`: `--depth 1 --single-branch --filter=blob:none --no-checkout`,
 * then a cone-mode sparse checkout of `options.sparsePaths`. Without a branch the clone takes the
 * remote's default branch and reads its name from the clone: no `ls-remote` round trip before it (the
 * clone's own ref listing already carries the remote's `HEAD`). A failed checkout removes the directory.
 */
export async function cloneInto(remote: GitRemote, options: CloneOptions & CloneTuning): Promise<{ cli: GitCli; cloned: ClonedDir }> {
  if (options.branch !== undefined) repoRef(options.branch);
  // The version and signing checks run beside the clone (it writes no commit); their failure wins.
  const checks = options.signing ? ensureGitVersion().then(() => options.signing!) : GitCli.checks();
  const unsigned = GitCli.unsigned({
    remote: resolveRemote(remote),
    ...(options.log ? { log: options.log } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const cloning = followingGitSuffix(unsigned, (c) => cloneCommand(c, options.dir, options.branch));
  cloning.catch(() => {});
  // A failed check waits for the clone to end (or be killed) first: its directory is then removed
  // with no git process still writing into it.
  const signing = await checks.catch(async (error: unknown) => {
    await cloning.catch(() => {});
    throw error;
  });
  const cli = (await cloning).withSigning(signing);
  const branch = options.branch ?? (await clonedBranch(cli, options.dir));
  try {
    const cone = await checkOut(cli, options.dir, branch, options.sparsePaths);
    return { cli, cloned: { dir: options.dir, branch, url: cli.remote.url, display: cli.remote.display, signing, cone } };
  } catch (error) {
    await rm(options.dir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}

async function checkOut(cli: GitCli, dir: string, branch: string, sparsePaths: readonly string[]): Promise<string[] | undefined> {
  if (cli.remote.kind === 'file') await cli.run(['config', 'remote.origin.uploadpack', LOCAL_UPLOAD_PACK], { cwd: dir });
  // Patterns first, checkout second: the checkout then fetches only the blobs inside the cone, in one
  // batch (git-sparse-checkout(1), "EXAMPLES" shows the same order for partial clones). `set --cone`
  // turns cone mode on by itself, so no separate `sparse-checkout init`.
  const cone = await setCone(cli, dir, branch, sparsePaths);
  await fetching(cli, dir, branch, ['checkout', '--quiet', branch, '--']);
  return cone ? widenFiles(cli, dir, branch, cone) : undefined;
}

/**
 * Sets the directories checked out, in cone mode: each directory with everything below it, plus the
 * files directly inside each of its parent directories (root files such as `baton.yaml` included).
 * A path naming a file checks out its directory; `''` or `.` checks out everything. Resolves with the
 * cone, or undefined when the whole tree is checked out.
 */
export async function sparseCheckout(cli: GitCli, dir: string, branch: string, paths: readonly string[]): Promise<string[] | undefined> {
  const cone = await setCone(cli, dir, branch, paths);
  return cone ? widenFiles(cli, dir, branch, cone) : undefined;
}

/**
 * Sets the cone to `paths` taken as directories (`''` anywhere: no sparse checkout at all) and resolves
 * with them, or undefined when the whole tree is checked out. Whether a path names a file is seen
 * afterwards, in the working tree (see {@link widenFiles}): no `ls-tree` before every checkout.
 */
async function setCone(cli: GitCli, dir: string, branch: string, paths: readonly string[]): Promise<string[] | undefined> {
  return applyCone(
    cli,
    dir,
    branch,
    paths.map((p) => repoPath(p)),
  );
}

/**
 * Cone mode takes directories only. A path naming a file (or a symlink) is checked out all the same,
 * since cone mode brings the files directly inside every parent directory of the cone; seen so, its
 * directory becomes the cone instead. Missing paths stay as given.
 */
async function widenFiles(cli: GitCli, dir: string, branch: string, cone: string[]): Promise<string[] | undefined> {
  const kinds = await Promise.all(cone.map((d) => lstat(join(dir, d)).catch(() => undefined)));
  const isFile = (i: number) => kinds[i] !== undefined && !kinds[i].isDirectory();
  if (!cone.some((_, i) => isFile(i))) return cone;
  return applyCone(
    cli,
    dir,
    branch,
    cone.map((d, i) => (isFile(i) ? parentDir(d) : d)),
  );
}

/** Checks out `dirs` in cone mode (`''` among them: everything) and resolves with the cone, or undefined for everything. */
async function applyCone(cli: GitCli, dir: string, branch: string, dirs: readonly string[]): Promise<string[] | undefined> {
  if (dirs.includes('')) {
    await fetching(cli, dir, branch, ['sparse-checkout', 'disable']);
    return undefined;
  }
  const cone = [...new Set(dirs)];
  await fetching(cli, dir, branch, ['sparse-checkout', 'set', '--cone', '--stdin'], cone.map((d) => `${d}\n`).join(''));
  return cone;
}

/**
 * A command that writes files to the working tree: in a blobless clone it fetches the missing blobs
 * from the remote on the way (partial clone "lazy fetch"), so it is a network verb, retried as one.
 */
function fetching(cli: GitCli, dir: string, branch: string, args: readonly string[], input?: string) {
  return cli.network(args, { verb: args[0] ?? 'checkout', branch }, { cwd: dir, input });
}
