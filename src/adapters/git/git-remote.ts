import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import type { GitCli } from './git-cli.ts';
import type { ResolvedRemote } from './git-url.ts';

/** What `git ls-remote --symref <url> HEAD refs/heads/<branch>` said. */
export interface RemoteHeads {
  /** The branch the remote's `HEAD` points at; undefined for an empty repository. */
  readonly defaultBranch: string | undefined;
  /** Branch name → head commit, for the branches asked about. */
  readonly heads: ReadonlyMap<string, string>;
}

/** A branch name as given by a user, checked enough that it cannot be read as an option or a range. */
export function repoRef(name: string): string {
  const branch = name.replace(/^refs\/heads\//, '');
  if (!branch || branch.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{/.test(branch)) {
    throw new UserError(`branch: "${name}" is not a valid branch name.`, { input: 'branch' });
  }
  return branch;
}

/**
 * Asks the remote for its default branch and `branch`'s head in one round trip. A URL without `.git`
 * that answers with a redirect is tried once more with `.git` (see {@link followingGitSuffix}).
 */
export async function lookUpRemote(cli: GitCli, branch: string | undefined): Promise<{ cli: GitCli; heads: RemoteHeads }> {
  let heads: RemoteHeads | undefined;
  const used = await followingGitSuffix(cli, async (c) => {
    heads = await lsRemote(c, branch);
  });
  return { cli: used, heads: heads! };
}

/**
 * Runs `attempt` (a clone, an `ls-remote`) against `cli`'s remote; when a URL without `.git` answers with
 * a redirect, runs it once more with `.git` appended (GitLab redirects such URLs), since redirects are
 * not followed while credentials are sent (see `authFor`). Resolves with the runner that worked.
 */
export async function followingGitSuffix(cli: GitCli, attempt: (cli: GitCli) => Promise<unknown>): Promise<GitCli> {
  try {
    await attempt(cli);
    return cli;
  } catch (error) {
    const withSuffix = gitSuffixed(cli.remote);
    if (!(error instanceof UserError && /redirect/.test(error.message) && withSuffix)) throw error;
    const retried = cli.withRemote(withSuffix);
    cli.log(`${cli.remote.display} redirects; trying ${withSuffix.display}`);
    await attempt(retried).catch(() => Promise.reject(error));
    return retried;
  }
}

/**
 * The branch a clone made without `--branch` checked out: the remote's default branch, which the clone's
 * ref listing carried (protocol v2 `ls-refs` with `symrefs`). An empty repository (unborn `HEAD`) or a
 * remote whose `HEAD` names no branch is a user error: the branch must be given.
 */
export async function clonedBranch(cli: GitCli, dir: string): Promise<string> {
  // Read without a process where the clone wrote plain files: HEAD names the branch (`ref: refs/heads/main`)
  // and packed-refs holds its remote-tracking ref. Otherwise (an empty repository: HEAD names a branch
  // that does not exist; refs in a reftable) git is asked.
  const head = (await readFile(join(dir, '.git', 'HEAD'), 'utf8').catch(() => '')).trim();
  const packed = await readFile(join(dir, '.git', 'packed-refs'), 'utf8').catch(() => '');
  let ref = head.startsWith('ref: refs/heads/') ? head.slice('ref: '.length) : '';
  if (!ref || !packed.includes(` refs/remotes/origin/${ref.slice('refs/heads/'.length)}\n`)) {
    const result = await cli.raw(['rev-parse', '--symbolic-full-name', 'HEAD'], { cwd: dir });
    ref = result.code === 0 ? result.stdout.trim() : '';
  }
  if (!ref.startsWith('refs/heads/')) {
    throw new UserError(`repo: ${cli.remote.display} has no default branch (is it empty?); set the branch input.`, { input: 'repo' });
  }
  return ref.slice('refs/heads/'.length);
}

/** The same remote with `.git` appended to its path, when it is an HTTP(S) URL without it. */
function gitSuffixed(remote: ResolvedRemote): ResolvedRemote | undefined {
  if (remote.kind !== 'http') return undefined;
  const url = new URL(remote.url);
  if (url.pathname.endsWith('.git') || url.pathname.endsWith('.git/')) return undefined;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}.git`;
  return { ...remote, url: url.href, display: url.href };
}

/** Runs `ls-remote --symref` for `HEAD` (and `branch`); a branch missing there is a UserError. */
async function lsRemote(cli: GitCli, branch: string | undefined): Promise<RemoteHeads> {
  const patterns = ['HEAD', ...(branch ? [`refs/heads/${repoRef(branch)}`] : [])];
  const { stdout } = await cli.network(['ls-remote', '--symref', '--', cli.remote.url, ...patterns], {
    verb: 'ls-remote',
    ...(branch ? { branch } : {}),
  });
  const heads = new Map<string, string>();
  let defaultBranch: string | undefined;
  for (const line of stdout.split('\n')) {
    const [left = '', name = ''] = line.split('\t');
    if (left.startsWith('ref: ') && name === 'HEAD') defaultBranch = left.slice(5).replace(/^refs\/heads\//, '');
    else if (name.startsWith('refs/heads/')) heads.set(name.slice('refs/heads/'.length), left);
  }
  if (branch && !heads.has(repoRef(branch))) {
    throw new UserError(`branch: ${cli.remote.display} has no branch "${branch}". Check the branch input.`, {
      input: 'branch',
    });
  }
  return { defaultBranch, heads };
}

/**
 * For a local remote, upload-pack runs with partial clone allowed: a repository's own config decides
 * `uploadpack.allowFilter` (off by default), and `GIT_CONFIG_*` is not passed to local transport
 * helpers (git's `local_repo_env`), so it goes on upload-pack's command line (no secrets there).
 */
export const LOCAL_UPLOAD_PACK = 'git -c uploadpack.allowFilter=true upload-pack';

/** Runs the least clone of `branch` (the remote's default branch when undefined) into `dir`. */
export function cloneCommand(cli: GitCli, dir: string, branch: string | undefined) {
  // --template= (none): no sample hooks or description to copy now and delete later; hooks never run anyway.
  const args = ['clone', '--quiet', '--template=', '--depth', '1', '--single-branch', '--no-tags', '--filter=blob:none', '--no-checkout'];
  if (branch !== undefined) args.push('--branch', branch);
  if (cli.remote.kind === 'file') args.push('--upload-pack', LOCAL_UPLOAD_PACK);
  return cli.network([...args, '--', cli.remote.url, dir], { verb: 'clone', ...(branch === undefined ? {} : { branch }) });
}
