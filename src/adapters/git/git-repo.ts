import { rm } from 'node:fs/promises';
import { UserError } from '../../core/errors.ts';
import type { SignaturePolicy } from '../../core/signers.ts';
import { GitCli } from './git-cli.ts';
import { type ClonedDir, cloneInto, type CloneTuning, sparseCheckout } from './git-clone.ts';
import { carryCommit, type CommitRecord } from './git-carry.ts';
import { commitChanges, stripSpace } from './git-commit.ts';
import type { CloneHandle } from './git-handle.ts';
import { fetchCommit, filesAt, findCommit, type HistoryCommit, historyOf, newestCommitTouching } from './git-history.ts';
import { fastForwardWorktree, worktreeWithBranch } from './git-local.ts';
import { checkedOutUnder, parseStatus, repoPath, type StatusEntry } from './git-paths.ts';
import { pushOutcome } from './git-push.ts';
import { appendNote, fetchRef, notesOf, pushRefs, type RefUpdate } from './git-refs.ts';
import { checkSignature, type SignatureCheck } from './git-signing.ts';
import { repoRef } from './git-remote.ts';
import { resolveRemote } from './git-url.ts';

export { type HistoryCommit, isFullCommitId } from './git-history.ts';
export type { RefUpdate } from './git-refs.ts';
import type { CloneOptions, CommitOptions, GitIdentity, GitRemote, PushOptions, PushResult } from './types.ts';

/** Committer used when the caller names none. */
export const DEFAULT_IDENTITY: GitIdentity = { name: 'Baton', email: 'baton@noreply.invalid' };

/** Options of {@link GitRepo.clone} beyond {@link CloneOptions}, for tests and tuning. */
export type GitRepoTuning = Omit<CloneTuning, 'signal'>;

/**
 * A least clone of an env repo (single branch, depth 1, blobless, sparse) and the few things Baton does
 * with it: read files, commit, push, and start over on a newer head after a push race. Every git call
 * goes through one {@link GitCli}, which holds the credentials in its environment only.
 */
export class GitRepo {
  /** The clone's working tree. */
  readonly dir: string;
  /** The remote for messages: its URL without credentials, or its local path. */
  readonly remote: string;
  /** The branch cloned: what `push()` updates and `refresh()` returns to by default. */
  readonly branch: string;
  readonly #cli: GitCli;
  readonly #identity: GitIdentity;
  readonly #handle: CloneHandle;
  /**
   * Remote branch → the head this clone last saw there (null: absent); the lease of a forced push. A
   * branch missing here takes its lease from its remote-tracking ref, which clone and refresh update.
   */
  readonly #seen = new Map<string, string | null>();
  /** `HEAD` as this object last moved it (a commit it made), so a push needs no `rev-parse` first. */
  #head: string | undefined;
  /** The cone of the sparse checkout (undefined: everything is checked out). */
  #cone: readonly string[] | undefined;
  /** The last commit this object made, to carry onto a newer head after a lost race. */
  #last: CommitRecord | undefined;

  private constructor(cli: GitCli, cloned: Pick<ClonedDir, 'dir' | 'branch' | 'cone'>, identity: GitIdentity) {
    const { dir, branch } = cloned;
    this.#cli = cli;
    this.dir = dir;
    this.remote = cli.remote.display;
    this.branch = branch;
    this.#identity = identity;
    this.#handle = { cli, dir, branch, identity };
    this.#cone = cloned.cone;
  }

  /**
   * Clones `remote` into `options.dir` the least way (see {@link cloneInto}): one branch, depth 1,
   * blobless, a cone-mode sparse checkout of `options.sparsePaths`, so the cost does not grow with
   * history or with the size of the rest of the repository.
   */
  static async clone(remote: GitRemote, options: CloneOptions & GitRepoTuning): Promise<GitRepo> {
    const { cli, cloned } = await cloneInto(remote, options);
    return new GitRepo(cli, cloned, options.identity ?? DEFAULT_IDENTITY);
  }

  /**
   * Wraps a clone {@link cloneInto} made elsewhere (the loader's head start, another bundle) without
   * running git: the runner is rebuilt from `remote` (the credentials) and what the clone found (the URL
   * it used, the signing settings). `remote` must be the one the clone was made from.
   */
  static adopt(remote: GitRemote, cloned: ClonedDir, options: Pick<CloneOptions, 'identity' | 'log'> & GitRepoTuning = {}): GitRepo {
    const cli = new GitCli({
      remote: { ...resolveRemote(remote), url: cloned.url, display: cloned.display },
      signing: cloned.signing,
      ...(options.log ? { log: options.log } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
    return new GitRepo(cli, cloned, options.identity ?? DEFAULT_IDENTITY);
  }

  /**
   * Sets the directories checked out, in cone mode: each directory with everything below it, plus the
   * files directly inside each of its parent directories (root files such as `baton.yaml` included).
   * A path naming a file checks out its directory; `''` or `.` checks out everything.
   */
  async setSparse(paths: readonly string[]): Promise<void> {
    this.#cone = await sparseCheckout(this.#cli, this.dir, this.branch, paths);
  }

  /** The commit checked out. */
  async head(): Promise<string> {
    this.#head ??= (await this.#git(['rev-parse', 'HEAD'])).stdout.trim();
    return this.#head;
  }

  /**
   * Tracked files under `underPath` that are checked out (sparse-excluded ones are left out), read from
   * the working tree instead of the index: the writing steps' checkouts are clean (a fresh clone, or a
   * refresh after a commit of everything they wrote), so what is there is exactly what is tracked. A
   * submodule checks out as an empty directory and is listed as git lists it, by its own path.
   */
  async listFiles(underPath: string): Promise<string[]> {
    return checkedOutUnder(this.dir, repoPath(underPath));
  }

  /** Changed, added, deleted and untracked files, as `git status` sees them. */
  async status(paths: readonly string[] = []): Promise<StatusEntry[]> {
    const args = ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths.map((p) => repoPath(p))];
    return parseStatus((await this.#git(args)).stdout);
  }

  /**
   * The uncommitted changes (new files included) as a unified diff against `HEAD`. New files are
   * marked intent-to-add in the index to show up; `commit()` stages them as usual.
   */
  async diff(paths: readonly string[] = []): Promise<string> {
    const pathspec = ['--', ...paths.map((p) => repoPath(p))];
    await this.#git(['add', '--intent-to-add', '--all', ...pathspec]);
    return (await this.#git(['diff', '--no-color', '--no-ext-diff', 'HEAD', ...pathspec])).stdout;
  }

  /** The tree (or blob) id of `path` at `ref`, or undefined when it does not exist there. */
  async treeOf(ref: string, path: string): Promise<string | undefined> {
    const normal = repoPath(path);
    const spec = normal ? `${ref}:${normal}` : `${ref}^{tree}`;
    const result = await this.#cli.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', spec], { cwd: this.dir });
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  /**
   * Stages the changes under `paths` (everything when omitted) and commits them with `message` (passed on
   * standard input, trailers and all). Resolves undefined when nothing changed: no empty commits.
   */
  async commit(options: CommitOptions): Promise<string | undefined> {
    const commit = await commitChanges(this.#handle, options);
    if (commit) this.#head = commit;
    this.#last =
      commit && options.paths
        ? { message: stripSpace(options.message), author: options.author ?? this.#identity, paths: options.paths.map((p) => repoPath(p)) }
        : undefined;
    return commit;
  }

  /**
   * Pushes `HEAD` to branch `ref` (default: the cloned branch). Resolves 'rejected' when the branch moved
   * first (non-fast-forward, a failed lease, a concurrent update): `refresh()`, re-apply, push again.
   * Throws {@link UserError} for credentials, protections and missing repositories.
   */
  async push(options: PushOptions = {}): Promise<PushResult> {
    const target = repoRef(options.ref ?? this.branch);
    const ref = `refs/heads/${target}`;
    const commit = await this.head();
    const local = this.#cli.remote.localPath;
    const worktree = local ? await worktreeWithBranch(this.#cli, local, target) : undefined;
    if (worktree) return this.#landInWorktree(worktree, target, commit, options.force === true);
    const args = ['push', '--porcelain', '--no-verify'];
    // A forced push (a PR/MR branch) leases the head last seen there. Every other push leases the
    // remote-tracking head the commit was made on: the commit is its child, so the push can only
    // fast-forward, and a branch that moved meanwhile is refused as `stale info` from the ref listing
    // alone. (A plain push would first fetch the moved head's objects into this partial clone, a second
    // fetch per lost race, to find the same thing out.)
    if (options.force) args.push(`--force-with-lease=${ref}:${await this.#lease(target)}`);
    else if (target === this.branch) args.push(`--force-with-lease=${ref}`);
    const result = await this.#cli.network(
      [...args, 'origin', `HEAD:${ref}`],
      {
        verb: 'push',
        branch: target,
      },
      { cwd: this.dir, accept: (r) => pushOutcome(r, ref, this.#cli.remote.display) !== undefined },
    );
    const outcome = pushOutcome(result, ref, this.#cli.remote.display) ?? { result: 'pushed', summary: '' };
    if (outcome.result === 'pushed') this.#seen.set(target, commit);
    else this.#cli.log(`push to ${target} rejected, the branch moved: ${outcome.summary}`);
    return outcome.result;
  }

  async #landInWorktree(worktree: string, target: string, commit: string, force: boolean): Promise<PushResult> {
    if (force) {
      throw new UserError(
        `repo: "${target}" is checked out in ${worktree}; Baton does not force-update a checked-out branch. ` +
          'Check out another branch there, or use a bare repository.',
        { input: 'repo' },
      );
    }
    const outcome = await fastForwardWorktree(this.#cli, worktree, this.dir, commit, target);
    if (outcome === 'pushed') this.#seen.set(target, commit);
    return outcome;
  }

  /**
   * Fetches the newest head of the cloned branch (depth 1) and resets the clone to it, discarding local
   * commits and edits, so an edit can be applied again on top of what others pushed. Two processes: the
   * fetch, and a checkout straight from the remote-tracking ref (it writes only the files that differ, so
   * only blobs inside the sparse cone that changed are fetched). No `clean`: the writing steps commit
   * every file they write before they push, so nothing untracked is left to remove.
   */
  async refresh(): Promise<void> {
    await this.#resetTo(await this.#fetchOwnBranch());
  }

  /**
   * After a lost push race: fetches the newest head and, when no file inside the sparse checkout changed
   * since the head the last commit was made on, writes that commit's change again on the new head
   * without touching the working tree (see git-carry.ts) and resolves 'carried': the caller pushes
   * again, its plan still holds, since every file it read is the same. Otherwise (a checked-out file
   * changed, signed commits, no commit to carry) it resets to the new head as {@link refresh} does and
   * resolves 'refreshed': the caller plans again.
   */
  async carryOver(): Promise<'carried' | 'refreshed'> {
    const tracking = await this.#fetchOwnBranch();
    const last = this.#last;
    const carried =
      last && this.#head && !this.#cli.signs ? await carryCommit(this.#handle, last, this.#head, tracking, this.#cone) : undefined;
    if (!carried) {
      await this.#resetTo(tracking);
      return 'refreshed';
    }
    this.#head = carried;
    return 'carried';
  }

  /** Fetches the cloned branch's newest head into its remote-tracking ref; the branch must still exist. */
  async #fetchOwnBranch(): Promise<string> {
    const tracking = await this.#fetch(this.branch);
    if (!tracking) {
      throw new UserError(`branch: "${this.branch}" no longer exists on ${this.#cli.remote.display}.`, { input: 'branch' });
    }
    this.#seen.delete(this.branch);
    return tracking;
  }

  /** Checks out `tracking` as the cloned branch, local commits and edits discarded. */
  async #resetTo(tracking: string): Promise<void> {
    this.#head = undefined;
    this.#last = undefined;
    await this.#fetching(['checkout', '--quiet', '--force', '-B', this.branch, tracking, '--']);
  }

  /**
   * Fetches branch `name` (depth 1) and resolves with its head, or undefined when the remote has no such
   * branch. Also records the head as the lease for a later forced push.
   */
  async fetchBranch(name: string): Promise<string | undefined> {
    const branch = repoRef(name);
    const tracking = await this.#fetch(branch);
    if (!tracking) {
      this.#seen.set(branch, null);
      return undefined;
    }
    const head = (await this.#git(['rev-parse', tracking])).stdout.trim();
    this.#seen.set(branch, head);
    return head;
  }

  /**
   * Fetches one branch into its remote-tracking ref and resolves with that ref's name, or undefined when
   * the remote has no such branch. As little as git allows: depth 1, no tags, no FETCH_HEAD, no
   * submodule pass and no forced-update check (both walk history), blobs left for the checkout to ask.
   */
  async #fetch(name: string): Promise<string | undefined> {
    const branch = repoRef(name);
    const tracking = `refs/remotes/origin/${branch}`;
    const args = [
      'fetch',
      '--quiet',
      '--depth',
      '1',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-recurse-submodules',
      '--no-show-forced-updates',
      '--filter=blob:none',
    ];
    try {
      await this.#cli.network([...args, 'origin', `+refs/heads/${branch}:${tracking}`], { verb: 'fetch', branch }, { cwd: this.dir });
    } catch (error) {
      if (error instanceof UserError && error.input === 'branch') return undefined;
      throw error;
    }
    return tracking;
  }

  /** The lease of a forced push to `branch`: the head last seen there, '' when it was absent. */
  async #lease(branch: string): Promise<string> {
    if (this.#seen.has(branch)) return this.#seen.get(branch) ?? '';
    const result = await this.#cli.raw(['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`], { cwd: this.dir });
    return result.code === 0 ? result.stdout.trim() : '';
  }

  /** Same as {@link fetchBranch}: the head of a remote branch (PR mode asks whether it exists). */
  remoteBranchHead(name: string): Promise<string | undefined> {
    return this.fetchBranch(name);
  }

  /** Creates (or resets) local branch `name` at `fromRef` and checks it out. */
  async checkoutNewBranch(name: string, fromRef: string): Promise<void> {
    this.#head = undefined;
    this.#last = undefined;
    await this.#git(['checkout', '--quiet', '-B', repoRef(name), fromRef, '--']);
  }

  /** Removes the clone, credentials never having been written into it. */
  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** See {@link pushRefs}. */
  pushRefs(updates: readonly RefUpdate[]): Promise<PushResult> {
    return pushRefs(this.#handle, updates);
  }

  /** See {@link fetchCommit}. */
  fetchCommit(id: string): Promise<boolean> {
    return fetchCommit(this.#handle, id);
  }

  /** See {@link findCommit}. */
  findCommit(abbreviated: string): Promise<string | undefined> {
    return findCommit(this.#handle, abbreviated);
  }

  /** See {@link newestCommitTouching}. */
  newestCommitTouching(path: string): Promise<string | undefined> {
    return newestCommitTouching(this.#handle, path);
  }

  /** See {@link fetchRef}. */
  fetchRef(ref: string): Promise<string | null> {
    return fetchRef(this.#handle, ref);
  }

  /** See {@link appendNote}. */
  appendNote(notesRef: string, commit: string, text: string): Promise<string> {
    return appendNote(this.#handle, notesRef, commit, text);
  }

  /** See {@link historyOf}. */
  historyOf(path: string, limit: number): Promise<{ commits: HistoryCommit[]; complete: boolean }> {
    return historyOf(this.#handle, path, limit);
  }

  /** See {@link filesAt}. */
  filesAt(commits: readonly string[], path: string, keep: (file: string) => boolean): Promise<Map<string, Map<string, string>>> {
    return filesAt(this.#handle, commits, path, keep);
  }

  /** See {@link checkSignature}. */
  checkSignature(commit: string, policy: SignaturePolicy): Promise<SignatureCheck> {
    return checkSignature(this.#handle, commit, policy);
  }

  /** See {@link notesOf}. */
  notesOf(notesRef: string, commits: readonly string[]): Promise<Map<string, string>> {
    return notesOf(this.#handle, notesRef, commits);
  }

  #git(args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}) {
    return this.#cli.run(args, { cwd: this.dir, ...options });
  }

  /**
   * A command that writes files to the working tree: in a blobless clone it fetches the missing blobs
   * from the remote on the way (partial clone "lazy fetch"), so it is a network verb, retried as one.
   */
  #fetching(args: readonly string[], input?: string) {
    return this.#cli.network(args, { verb: args[0] ?? 'checkout', branch: this.branch }, { cwd: this.dir, input });
  }
}
