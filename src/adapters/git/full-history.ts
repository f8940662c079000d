/**
 * A whole-history reader of an env repo, for the report: one bare clone, then the commits that touched a
 * path with the files they changed (one `git log --raw`), blob texts in one `cat-file --batch` and every
 * note under a notes ref. GitRepo's least clone reads a few states one commit at a time; a year of
 * history (thousands of commits) needs a handful of git processes instead, whatever its length.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { GitCli } from './git-cli.ts';
import { lookUpRemote, repoRef } from './git-remote.ts';
import { resolveRemote } from './git-url.ts';
import type { GitRemote } from './types.ts';

/** Lets a local path be cloned the way a forge serves it (same as GitRepo's least clone). */
const LOCAL_UPLOAD_PACK = 'git -c uploadpack.allowFilter=true upload-pack';

/** One file a commit changed under the path read: its new blob, or null when the commit deleted it. */
export interface PathChange {
  readonly path: string;
  readonly blob: string | null;
}

/** A commit that touched the path read, with what it changed there. */
export interface ChangedCommit {
  readonly commit: string;
  /** Committer time, ISO 8601. */
  readonly time: string;
  readonly author: string;
  readonly subject: string;
  /** The whole message, trailers included. */
  readonly message: string;
  readonly changes: readonly PathChange[];
}

/** A bare clone holding every branch asked for and the notes; remove it with `cleanup`. */
export class GitHistory {
  readonly #cli: GitCli;
  readonly #dir: string;
  /** The remote's default branch. */
  readonly defaultBranch: string;
  readonly #fetched = new Set<string>();

  private constructor(cli: GitCli, dir: string, defaultBranch: string) {
    this.#cli = cli;
    this.#dir = dir;
    this.defaultBranch = defaultBranch;
  }

  /** Clones `branch` (default: the remote's default branch) bare with its whole history, under `parent`. */
  static async open(
    remote: GitRemote,
    options: { parent?: string; branch?: string; log?: (line: string) => void } = {},
  ): Promise<GitHistory> {
    let cli = await GitCli.create({ remote: resolveRemote(remote), ...(options.log ? { log: options.log } : {}) });
    const found = await lookUpRemote(cli, options.branch);
    cli = found.cli;
    const branch = options.branch ?? found.heads.defaultBranch;
    if (!branch) throw new UserError(`repo: ${cli.remote.display} has no default branch (is it empty?).`, { input: 'repo' });
    const dir = await mkdtemp(join(options.parent ?? tmpdir(), 'baton-report-'));
    const history = new GitHistory(cli, dir, found.heads.defaultBranch ?? branch);
    try {
      const local = cli.remote.kind === 'file';
      const args = ['clone', '--quiet', '--bare', '--single-branch', '--no-tags', '--branch', repoRef(branch)];
      if (local) args.push('--upload-pack', LOCAL_UPLOAD_PACK);
      await cli.network([...args, '--', cli.remote.url, dir], { verb: 'clone', branch });
      if (local) await history.#git(['config', 'remote.origin.uploadpack', LOCAL_UPLOAD_PACK]);
      history.#fetched.add(branch);
    } catch (error) {
      await history.cleanup();
      throw error;
    }
    return history;
  }

  /** Fetches another branch (environments on branches of their own). */
  async fetchBranch(name: string): Promise<void> {
    const branch = repoRef(name);
    if (this.#fetched.has(branch)) return;
    await this.#cli.network(
      ['fetch', '--quiet', '--no-tags', 'origin', `+refs/heads/${branch}:refs/heads/${branch}`],
      { verb: 'fetch', branch },
      { cwd: this.#dir },
    );
    this.#fetched.add(branch);
  }

  /** Fetches the notes ref; false when the remote has none. */
  async fetchNotes(ref: string): Promise<boolean> {
    const absent = (r: { stderr: string }) => /couldn't find remote ref/i.test(r.stderr);
    const result = await this.#cli.network(
      ['fetch', '--quiet', '--no-tags', 'origin', `+${ref}:${ref}`],
      { verb: 'fetch' },
      { cwd: this.#dir, accept: absent },
    );
    return result.code === 0;
  }

  /**
   * The commits of `branch` (first parents: a merged PR counts once, as its merge) that touched `path`,
   * oldest first, with the files each changed there (renames as delete + add).
   */
  async changesOf(branch: string, path: string): Promise<ChangedCommit[]> {
    const spec = path === '.' || path === '' ? [] : [path];
    const format = '--format=%x1e%H%x1f%cI%x1f%an%x1f%B%x1f';
    const args = [
      '-c',
      'core.quotePath=false',
      'log',
      '--reverse',
      '--first-parent',
      '--diff-merges=first-parent',
      '--raw',
      '--no-abbrev',
      '--no-renames',
      format,
      `refs/heads/${repoRef(branch)}`,
      '--',
      ...spec,
    ];
    const { stdout } = await this.#git(args);
    return stdout
      .split('\x1e')
      .filter((record) => record.includes('\x1f'))
      .map((record) => {
        const [commit = '', time = '', author = '', message = '', raw = ''] = record.split('\x1f');
        const changes = raw
          .split('\n')
          .filter((line) => line.startsWith(':'))
          .map((line): PathChange => {
            // `:<old mode> <new mode> <old blob> <new blob> <status>\t<path>`; regular files only.
            const [meta = '', file = ''] = line.split('\t');
            const [, mode = '', , blob = '', status = ''] = meta.split(' ');
            return { path: file, blob: status.startsWith('D') || !mode.startsWith('100') ? null : blob };
          });
        const trimmed = message.replace(/\n+$/, '\n');
        return { commit, time, author, subject: trimmed.split('\n')[0] ?? '', message: trimmed, changes };
      });
  }

  /** A file's text at the tip of `branch`, or undefined when it is not there. */
  async readFile(branch: string, path: string): Promise<string | undefined> {
    const result = await this.#cli.raw(['cat-file', 'blob', `refs/heads/${repoRef(branch)}:${path}`], { cwd: this.#dir });
    return result.code === 0 ? result.stdout : undefined;
  }

  /** The texts of blobs by id (all present: the clone is full). */
  async blobs(oids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(oids)];
    if (unique.length === 0) return new Map();
    const { stdout } = await this.#git(['cat-file', '--batch'], { input: `${unique.join('\n')}\n` });
    return parseBatch(Buffer.from(stdout, 'utf8'));
  }

  /** Every note under `ref`: annotated commit → note text. */
  async notes(ref: string): Promise<Map<string, string>> {
    const listed = await this.#cli.raw(['notes', `--ref=${ref}`, 'list'], { cwd: this.#dir });
    if (listed.code !== 0) return new Map();
    const pairs = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]);
    const texts = await this.blobs(pairs.map(([blob]) => blob));
    return new Map(pairs.map(([blob, commit]) => [commit, texts.get(blob) ?? '']));
  }

  /** Removes the clone. */
  async cleanup(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }

  #git(args: readonly string[], options: { input?: string } = {}) {
    return this.#cli.run(args, { cwd: this.#dir, ...options });
  }
}

/** Parses `git cat-file --batch` output: `<oid> <type> <size>\n<content>\n` per object. */
function parseBatch(out: Buffer): Map<string, string> {
  const texts = new Map<string, string>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol < 0) break;
    const [oid = '', type = '', size = ''] = out.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (type === 'missing' || size === '') continue;
    const length = Number(size);
    texts.set(oid, out.subarray(at, at + length).toString('utf8'));
    at += length + 1;
  }
  return texts;
}
