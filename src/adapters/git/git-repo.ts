import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import type { RetryPolicy } from '../retry.ts';
import { GitCli } from './git-cli.ts';
import { fastForwardWorktree, worktreeWithBranch } from './git-local.ts';
import { checkedOutFiles, parentDir, parseStatus, repoPath, type StatusEntry } from './git-paths.ts';
import { parsePushOutput, pushOutcome } from './git-push.ts';
import { lookUpRemote, repoRef } from './git-remote.ts';
import { resolveRemote } from './git-url.ts';
import type { CloneOptions, CommitOptions, GitIdentity, GitRemote, PushOptions, PushResult } from './types.ts';

/** One ref of an atomic push: where it should point (null: delete) and where it must point now. */
export interface RefUpdate {
  readonly ref: string;
  readonly to: string | null;
  readonly expect: string | null;
}

/** Rejections of an atomic push that mean "someone moved a ref first" (or a sibling ref's did). */
const ATOMIC_RACE_RE = /\((fetch first|non-fast-forward|stale info|atomic push failed|atomic transaction failed|cannot lock ref[^)]*|failed to update ref|incorrect old value[^)]*|failed to lock|already exists)\)/i;

/**
 * How far history is deepened, step by step, when a commit is searched for in a depth-1 clone: most
 * answers lie within the last few commits, so the cost stays small; the last step fetches the rest.
 */
const DEEPEN_STEPS = [15, 240, 3840] as const;

/** True for a full commit id (SHA-1 or SHA-256, lower case), which can be fetched on its own. */
export function isFullCommitId(text: string): boolean {
  return /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(text);
}

/** Committer used when the caller names none. */
export const DEFAULT_IDENTITY: GitIdentity = { name: 'Baton', email: 'baton@noreply.invalid' };

/** Options of {@link GitRepo.clone} beyond {@link CloneOptions}, for tests and tuning. */
export interface GitRepoTuning {
  /** Retry policy of network verbs (default: 3 attempts with jitter). */
  readonly retry?: RetryPolicy;
}

/**
 * For a local remote, upload-pack runs with partial clone allowed: a repository's own config decides
 * `uploadpack.allowFilter` (off by default), and `GIT_CONFIG_*` is not passed to local transport
 * helpers (git's `local_repo_env`), so it goes on upload-pack's command line (no secrets there).
 */
const LOCAL_UPLOAD_PACK = 'git -c uploadpack.allowFilter=true upload-pack';

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
  /** The remote's default branch (its `HEAD`). */
  readonly defaultBranch: string;
  readonly #cli: GitCli;
  readonly #identity: GitIdentity;
  /** Remote branch → the head this clone last saw there (null: absent); the lease of a forced push. */
  readonly #seen = new Map<string, string | null>();

  private constructor(cli: GitCli, dir: string, branch: string, defaultBranch: string, identity: GitIdentity) {
    this.#cli = cli;
    this.dir = dir;
    this.remote = cli.remote.display;
    this.branch = branch;
    this.defaultBranch = defaultBranch;
    this.#identity = identity;
  }

  /**
   * Clones `remote` into `options.dir`: `--depth 1 --single-branch --filter=blob:none --no-checkout`,
   * then a cone-mode sparse checkout of `options.sparsePaths`, so the cost does not grow with history
   * or with the size of the rest of the repository.
   */
  static async clone(remote: GitRemote, options: CloneOptions & GitRepoTuning): Promise<GitRepo> {
    let cli = await GitCli.create({ remote: resolveRemote(remote), ...logAndRetry(options) });
    const found = await lookUpRemote(cli, options.branch);
    cli = found.cli;
    const branch = options.branch ?? found.heads.defaultBranch;
    if (!branch) {
      throw new UserError(`repo: ${cli.remote.display} has no default branch (is it empty?); set the branch input.`, {
        input: 'repo',
      });
    }
    const repo = new GitRepo(cli, options.dir, branch, found.heads.defaultBranch ?? branch, options.identity ?? DEFAULT_IDENTITY);
    try {
      await repo.#cloneInto(options.sparsePaths);
      repo.#seen.set(branch, await repo.head());
    } catch (error) {
      await repo.cleanup();
      throw error;
    }
    return repo;
  }

  async #cloneInto(sparsePaths: readonly string[]): Promise<void> {
    const local = this.#cli.remote.kind === 'file';
    const args = ['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', '--filter=blob:none'];
    args.push('--no-checkout', '--branch', this.branch);
    if (local) args.push('--upload-pack', LOCAL_UPLOAD_PACK);
    await this.#cli.network([...args, '--', this.#cli.remote.url, this.dir], { verb: 'clone', branch: this.branch });
    if (local) await this.#git(['config', 'remote.origin.uploadpack', LOCAL_UPLOAD_PACK]);
    // Patterns first, checkout second: the checkout then fetches only the blobs inside the cone, in one
    // batch (git-sparse-checkout(1), "EXAMPLES" shows the same order for partial clones).
    await this.#git(['sparse-checkout', 'init', '--cone']);
    await this.setSparse(sparsePaths);
    await this.#fetching(['checkout', '--quiet', this.branch, '--']);
  }

  /**
   * Sets the directories checked out, in cone mode: each directory with everything below it, plus the
   * files directly inside each of its parent directories (root files such as `baton.yaml` included).
   * A path naming a file checks out its directory; `''` or `.` checks out everything.
   */
  async setSparse(paths: readonly string[]): Promise<void> {
    const normal = paths.map((p) => repoPath(p));
    if (normal.includes('')) {
      await this.#fetching(['sparse-checkout', 'disable']);
      return;
    }
    const dirs = await this.#directoriesOf(normal);
    await this.#fetching(['sparse-checkout', 'set', '--stdin'], dirs.map((d) => `${d}\n`).join(''));
  }

  /** Cone mode takes directories only; files become their directory, missing paths stay as given. */
  async #directoriesOf(paths: readonly string[]): Promise<string[]> {
    if (paths.length === 0) return [];
    const { stdout } = await this.#git(['ls-tree', '-z', 'HEAD', '--', ...paths]);
    const blobs = new Set(
      stdout
        .split('\0')
        .filter((entry) => / blob /.test(entry.split('\t')[0] ?? ''))
        .map((entry) => entry.slice(entry.indexOf('\t') + 1)),
    );
    const dirs = paths.map((p) => (blobs.has(p) ? parentDir(p) : p)).filter((p) => p !== '');
    return [...new Set(dirs)];
  }

  /** The commit checked out. */
  async head(): Promise<string> {
    return (await this.#git(['rev-parse', 'HEAD'])).stdout.trim();
  }

  /** Tracked files under `underPath` that are checked out (sparse-excluded ones are left out). */
  async listFiles(underPath: string): Promise<string[]> {
    const path = repoPath(underPath);
    const { stdout } = await this.#git(['ls-files', '-z', '-t', '--', ...(path ? [path] : [])]);
    return checkedOutFiles(stdout);
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
    const pathspec = options.paths ? ['--', ...options.paths.map((p) => repoPath(p))] : [];
    await this.#git(['add', '--all', ...pathspec]);
    const staged = await this.#cli.raw(['diff', '--cached', '--quiet', '--ignore-submodules'], { cwd: this.dir });
    if (staged.code === 0) return undefined;
    const author = options.author ?? this.#identity;
    // --cleanup=whitespace: the default "strip" would delete message lines starting with "#".
    await this.#git(['commit', '--quiet', '--no-verify', '--cleanup=whitespace', '-F', '-'], {
      input: options.message,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: this.#identity.name,
        GIT_COMMITTER_EMAIL: this.#identity.email,
      },
    });
    return this.head();
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
    if (options.force) args.push(`--force-with-lease=${ref}:${this.#seen.get(target) ?? ''}`);
    const result = await this.#cli.network([...args, 'origin', `HEAD:${ref}`], {
      verb: 'push',
      branch: target,
    }, { cwd: this.dir, accept: (r) => pushOutcome(r, ref, this.#cli.remote.display) !== undefined });
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
   * commits and edits, so an edit can be applied again on top of what others pushed.
   */
  async refresh(): Promise<void> {
    const head = await this.fetchBranch(this.branch);
    if (!head) {
      throw new UserError(`branch: "${this.branch}" no longer exists on ${this.#cli.remote.display}.`, { input: 'branch' });
    }
    await this.#fetching(['checkout', '--quiet', '--force', '-B', this.branch, head, '--']);
    await this.#git(['clean', '-ffdq']);
  }

  /**
   * Fetches branch `name` (depth 1) and resolves with its head, or undefined when the remote has no such
   * branch. Also records the head as the lease for a later forced push.
   */
  async fetchBranch(name: string): Promise<string | undefined> {
    const branch = repoRef(name);
    const tracking = `refs/remotes/origin/${branch}`;
    const args = ['fetch', '--quiet', '--depth', '1', '--no-tags', 'origin', `+refs/heads/${branch}:${tracking}`];
    try {
      await this.#cli.network(args, { verb: 'fetch', branch }, { cwd: this.dir });
    } catch (error) {
      if (error instanceof UserError && error.input === 'branch') {
        this.#seen.set(branch, null);
        return undefined;
      }
      throw error;
    }
    const head = (await this.#git(['rev-parse', tracking])).stdout.trim();
    this.#seen.set(branch, head);
    return head;
  }

  /** Same as {@link fetchBranch}: the head of a remote branch (PR mode asks whether it exists). */
  remoteBranchHead(name: string): Promise<string | undefined> {
    return this.fetchBranch(name);
  }

  /** Creates (or resets) local branch `name` at `fromRef` and checks it out. */
  async checkoutNewBranch(name: string, fromRef: string): Promise<void> {
    await this.#git(['checkout', '--quiet', '-B', repoRef(name), fromRef, '--']);
  }

  /** Removes the clone, credentials never having been written into it. */
  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** Rewrites the message of the commit checked out (author kept); resolves with the new commit. */
  async amendMessage(message: string): Promise<string> {
    await this.#git(['commit', '--amend', '--quiet', '--no-verify', '--cleanup=whitespace', '--allow-empty', '-F', '-'], {
      input: message,
      env: { GIT_COMMITTER_NAME: this.#identity.name, GIT_COMMITTER_EMAIL: this.#identity.email },
    });
    return this.head();
  }

  /** True when the remote is a local non-bare repository whose branch is landed by a fast-forward. */
  get isLocalRemote(): boolean {
    return this.#cli.remote.localPath !== undefined;
  }

  /**
   * Remote refs matching `patterns` (ls-remote tail patterns, e.g. `refs/baton/queue/main/*`) with their
   * heads, in one request; nothing is fetched.
   */
  async listRemoteRefs(patterns: readonly string[]): Promise<Map<string, string>> {
    const { stdout } = await this.#cli.network(['ls-remote', '--', 'origin', ...patterns], { verb: 'ls-remote' }, { cwd: this.dir });
    const refs = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const [sha = '', name = ''] = line.split('\t');
      if (name) refs.set(name, sha);
    }
    return refs;
  }

  /** Fetches exact remote refs (depth 1, blobless like the clone) so their commits can be read. */
  async fetchRefs(refs: readonly string[]): Promise<void> {
    if (refs.length === 0) return;
    const specs = refs.map((ref) => `+${ref}:refs/baton-fetched/${ref.replace(/^refs\//, '')}`);
    await this.#cli.network(['fetch', '--quiet', '--depth', '1', '--no-tags', 'origin', ...specs], { verb: 'fetch' }, { cwd: this.dir });
  }

  /** The author and full message of a commit. */
  async readCommit(commit: string): Promise<{ author: GitIdentity; message: string }> {
    const { stdout } = await this.#git(['show', '-s', '--format=%an%x00%ae%x00%B', commit, '--']);
    const [name = '', email = '', ...rest] = stdout.split('\0');
    return { author: { name, email }, message: rest.join('\0').replace(/\n+$/, '\n') };
  }

  /**
   * Updates several remote refs in one atomic push, each guarded by a lease (`expect`: the head the ref
   * must still have, or null: it must not exist). `to: null` deletes the ref. 'rejected' when any lease
   * failed or a ref moved: nothing was changed then (git-push(1) `--atomic`).
   */
  async pushRefs(updates: readonly RefUpdate[]): Promise<PushResult> {
    const args = ['push', '--porcelain', '--no-verify', '--atomic'];
    for (const u of updates) args.push(`--force-with-lease=${u.ref}:${u.expect ?? ''}`);
    args.push('origin', ...updates.map((u) => `${u.to ?? ''}:${u.ref}`));
    const accept = (r: { stdout: string }) => parsePushOutput(r.stdout).length > 0;
    const result = await this.#cli.network(args, { verb: 'push' }, { cwd: this.dir, accept });
    if (result.code === 0) return 'pushed';
    const lines = parsePushOutput(result.stdout).filter((line) => line.flag === '!');
    if (lines.every((line) => ATOMIC_RACE_RE.test(line.summary))) return 'rejected';
    throw new UserError(
      `repo: ${this.#cli.remote.display} refused to update ${lines.map((l) => `${l.to} (${l.summary})`).join(', ')}.`,
      { input: 'repo' },
    );
  }

  /**
   * Makes commit `id` (a full id) present: fetched on its own at depth 1 when the clone lacks it
   * (protocol v2 serves any object asked for). Resolves false when the remote has no such commit.
   */
  async fetchCommit(id: string): Promise<boolean> {
    if (!isFullCommitId(id)) throw new Error(`fetchCommit needs a full commit id, got "${id}"`);
    if (await this.#hasCommit(id)) return true;
    const args = ['fetch', '--quiet', '--depth', '1', '--no-tags', '--no-write-fetch-head', 'origin', id];
    const missing = (r: { stderr: string }) => /not our ref|no such remote ref|unadvertised object/i.test(r.stderr);
    const result = await this.#cli.network(args, { verb: 'fetch' }, { cwd: this.dir, accept: missing });
    return result.code === 0 && (await this.#hasCommit(id));
  }

  /**
   * The commit an abbreviated or full id names on the cloned branch, deepening history step by step
   * until it is found or the history is whole; undefined when the branch has no such commit.
   */
  async findCommit(abbreviated: string): Promise<string | undefined> {
    return this.#searchHistory(async () => {
      const result = await this.#cli.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${abbreviated}^{commit}`], { cwd: this.dir });
      return result.code === 0 ? result.stdout.trim() : undefined;
    });
  }

  /**
   * The newest commit of the checked-out head that changed something under `path` (`git log -1 -- path`),
   * deepening the depth-1 history only as far as needed: a commit at the shallow boundary looks as if it
   * added every file, so it counts only once its parent is known. Undefined when nothing ever did.
   */
  async newestCommitTouching(path: string): Promise<string | undefined> {
    const spec = repoPath(path);
    return this.#searchHistory(async () => {
      const { stdout } = await this.#git(['log', '-1', '--format=%H', 'HEAD', '--', ...(spec ? [spec] : [])]);
      const commit = stdout.trim();
      return commit && !(await this.#shallowCommits()).has(commit) ? commit : undefined;
    });
  }

  /** Runs `probe`, deepening the branch's history between tries, until it answers or the history is whole. */
  async #searchHistory(probe: () => Promise<string | undefined>): Promise<string | undefined> {
    const refspec = `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`;
    for (const step of [0, ...DEEPEN_STEPS, Number.POSITIVE_INFINITY]) {
      if (step > 0) {
        const depth = Number.isFinite(step) ? `--deepen=${step}` : '--unshallow';
        await this.#cli.network(['fetch', '--quiet', '--no-tags', depth, 'origin', refspec], { verb: 'fetch', branch: this.branch }, { cwd: this.dir });
      }
      const found = await probe();
      if (found) return found;
      if ((await this.#shallowCommits()).size === 0) return undefined;
    }
    return undefined;
  }

  /** The commits at the shallow boundary (`$GIT_DIR/shallow`); empty when the history is whole. */
  async #shallowCommits(): Promise<Set<string>> {
    const file = (await this.#git(['rev-parse', '--git-path', 'shallow'])).stdout.trim();
    const text = await readFile(resolve(this.dir, file), 'utf8').catch(() => '');
    return new Set(text.split('\n').filter(Boolean));
  }

  async #hasCommit(id: string): Promise<boolean> {
    const result = await this.#cli.raw(['cat-file', '-e', `${id}^{commit}`], { cwd: this.dir });
    return result.code === 0;
  }

  /**
   * Fetches a remote ref that is not a branch (e.g. `refs/notes/baton`) into the same local ref, depth 1
   * and blobless like the clone. Resolves with its head, the lease for {@link pushRefs}, or null when the
   * remote has no such ref (the local ref is then deleted too).
   */
  async fetchRef(ref: string): Promise<string | null> {
    const args = ['fetch', '--quiet', '--depth', '1', '--no-tags', '--no-write-fetch-head', 'origin', `+${ref}:${ref}`];
    const absent = (r: { stderr: string }) => /couldn't find remote ref/i.test(r.stderr);
    const result = await this.#cli.network(args, { verb: 'fetch' }, { cwd: this.dir, accept: absent });
    if (result.code !== 0) {
      await this.#git(['update-ref', '-d', ref]);
      return null;
    }
    return (await this.#git(['rev-parse', '--verify', ref])).stdout.trim();
  }

  /**
   * Appends `text` to the note of `commit` under `notesRef` (git-notes(1) `append`: a new paragraph
   * after what the note holds) as a new notes commit; resolves with the notes ref's new head. Reading the
   * old note may fetch its blob (blobless clone), so it runs as a network verb.
   */
  async appendNote(notesRef: string, commit: string, text: string): Promise<string> {
    const env = {
      GIT_AUTHOR_NAME: this.#identity.name,
      GIT_AUTHOR_EMAIL: this.#identity.email,
      GIT_COMMITTER_NAME: this.#identity.name,
      GIT_COMMITTER_EMAIL: this.#identity.email,
    };
    const args = ['notes', `--ref=${notesRef}`, 'append', '-F', '-', commit];
    await this.#cli.network(args, { verb: 'notes' }, { cwd: this.dir, input: text, env });
    return (await this.#git(['rev-parse', '--verify', notesRef])).stdout.trim();
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

  // ── History reading for promote, rollback, history and status (issue 6) ─────────────────────────
  // Added as a block of its own; it uses only #cli, #git and repoPath from the rest of the class.

  /**
   * Commits of the checked-out head that touched `path`, newest first, at most `limit`, deepening the
   * depth-1 history step by step only as far as needed. `complete` is true when the whole history was
   * read. A commit at the shallow boundary is left out until its parent is known: without it, it looks
   * as if it added every file.
   */
  async historyOf(path: string, limit: number): Promise<{ commits: HistoryCommit[]; complete: boolean }> {
    const spec = repoPath(path);
    const refspec = `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`;
    for (const step of [0, ...HISTORY_DEEPEN_STEPS, Number.POSITIVE_INFINITY]) {
      if (step > 0) {
        const depth = Number.isFinite(step) ? `--deepen=${step}` : '--unshallow';
        await this.#cli.network(['fetch', '--quiet', '--no-tags', depth, 'origin', refspec], { verb: 'fetch', branch: this.branch }, { cwd: this.dir });
      }
      const boundary = await this.#historyBoundary();
      const commits = (await this.#logTouching(spec, limit + boundary.size + 1)).filter((c) => !boundary.has(c.commit));
      if (commits.length > limit) return { commits: commits.slice(0, limit), complete: false };
      if (boundary.size === 0) return { commits, complete: true };
    }
    return { commits: [], complete: true };
  }

  async #logTouching(spec: string, max: number): Promise<HistoryCommit[]> {
    const format = '--format=%H%x1f%cI%x1f%an%x1f%B%x1e';
    const { stdout } = await this.#git(['log', `--max-count=${max}`, format, 'HEAD', '--', ...(spec ? [spec] : [])]);
    return stdout
      .split('\x1e')
      .map((record) => record.replace(/^\n/, ''))
      .filter((record) => record.includes('\x1f'))
      .map((record) => {
        const [commit = '', time = '', author = '', message = ''] = record.split('\x1f');
        return { commit, time, author, subject: message.split('\n')[0] ?? '', message: message.replace(/\n+$/, '\n') };
      });
  }

  async #historyBoundary(): Promise<Set<string>> {
    const file = (await this.#git(['rev-parse', '--git-path', 'shallow'])).stdout.trim();
    const text = await readFile(resolve(this.dir, file), 'utf8').catch(() => '');
    return new Set(text.split('\n').filter(Boolean));
  }

  /**
   * The files under `path` that `keep` accepts, at each of `commits`: commit → (file → text). Read from
   * the object store, not the working tree; blobs a blobless clone lacks are fetched in one request.
   */
  async filesAt(commits: readonly string[], path: string, keep: (file: string) => boolean): Promise<Map<string, Map<string, string>>> {
    const spec = repoPath(path);
    const listed = new Map<string, [string, string][]>();
    for (const commit of commits) {
      const { stdout } = await this.#git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...(spec ? [spec] : [])]);
      // Regular files only: a symlink (mode 120000) is a blob too, but its text is a path, not YAML.
      const blobs = stdout
        .split('\0')
        .filter((entry) => /^100[0-7]{3} blob /.test(entry.split('\t')[0] ?? ''))
        .map((entry): [string, string] => [entry.slice(entry.indexOf('\t') + 1), entry.split('\t')[0]!.split(' ')[2]!])
        .filter(([file]) => keep(file));
      listed.set(commit, blobs);
    }
    const texts = await this.#readBlobs(commits, [...listed.values()].flatMap((blobs) => blobs.map(([, oid]) => oid)), spec);
    return new Map([...listed].map(([commit, blobs]) => [commit, new Map(blobs.map(([file, oid]) => [file, texts.get(oid) ?? ''] as [string, string]))]));
  }

  /**
   * The notes under `notesRef` (already fetched, e.g. with `fetchRef`) of the given commits: commit →
   * note text; commits without a note are absent.
   */
  async notesOf(notesRef: string, commits: readonly string[]): Promise<Map<string, string>> {
    const tip = await this.#cli.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${notesRef}^{commit}`], { cwd: this.dir });
    if (tip.code !== 0) return new Map();
    const head = tip.stdout.trim();
    const { stdout } = await this.#git(['ls-tree', '-r', '-z', head]);
    const wanted = new Set(commits);
    const notes = new Map<string, string>();
    for (const entry of stdout.split('\0').filter(Boolean)) {
      const commit = entry.slice(entry.indexOf('\t') + 1).replace(/\//g, '');
      if (wanted.has(commit)) notes.set(commit, entry.split('\t')[0]!.split(' ')[2]!);
    }
    const texts = await this.#readBlobs([head], [...notes.values()]);
    return new Map([...notes].map(([commit, oid]) => [commit, texts.get(oid) ?? '']));
  }

  /**
   * Blob texts by id, found under `path` of `commits`; those missing from a blobless clone are fetched
   * first, in one request.
   */
  async #readBlobs(commits: readonly string[], oids: readonly string[], path = ''): Promise<Map<string, string>> {
    const unique = [...new Set(oids)];
    if (unique.length === 0) return new Map();
    // rev-list with --missing=print names absent objects without fetching them one by one; the pathspec
    // keeps the walk to the environment's directory.
    const args = ['rev-list', '--objects', '--no-walk', '--missing=print', ...new Set(commits), '--', ...(path ? [path] : [])];
    const { stdout: listed } = await this.#git(args);
    const wanted = new Set(unique);
    const missing = listed.split('\n').filter((line) => line.startsWith('?') && wanted.has(line.slice(1).trim())).map((line) => line.slice(1).trim());
    if (missing.length > 0) {
      const args = ['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--filter=blob:none', '--stdin', 'origin'];
      await this.#cli.network(args, { verb: 'fetch' }, { cwd: this.dir, input: `${missing.join('\n')}\n` });
    }
    const { stdout } = await this.#git(['cat-file', '--batch'], { input: `${unique.join('\n')}\n` });
    return parseCatFileBatch(Buffer.from(stdout, 'utf8'));
  }
}

function logAndRetry(options: CloneOptions & GitRepoTuning) {
  return { ...(options.log ? { log: options.log } : {}), ...(options.retry ? { retry: options.retry } : {}) };
}

// ── Helpers of the history block (issue 6) ───────────────────────────────────────────────────────────

/** One commit that touched a path, as {@link GitRepo.historyOf} reads it. */
export interface HistoryCommit {
  readonly commit: string;
  /** Committer time, ISO 8601. */
  readonly time: string;
  readonly author: string;
  readonly subject: string;
  /** The whole message, trailers included. */
  readonly message: string;
}

/** How far history is deepened, step by step, when reading an environment's history. */
const HISTORY_DEEPEN_STEPS = [30, 300, 3000] as const;

/** Parses `git cat-file --batch` output: `<oid> <type> <size>\n<content>\n` per object. */
function parseCatFileBatch(out: Buffer): Map<string, string> {
  const texts = new Map<string, string>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol < 0) break;
    const [oid = '', type = '', size = ''] = out.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (type === 'missing' || size === '') continue;
    const end = at + Number(size);
    if (type === 'blob') texts.set(oid, out.subarray(at, end).toString('utf8'));
    at = end + 1;
  }
  return texts;
}
