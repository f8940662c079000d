/**
 * Reading an env repo's history from a depth-1 blobless clone: finding commits, the commits that touched
 * a path, the files at those commits and (through `git-refs.ts`) their notes. History is deepened step
 * by step only as far as an answer needs, so the cost stays small when the answer is recent.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { redact } from '../exec.ts';
import { type CloneHandle, gitIn } from './git-handle.ts';
import { repoPath } from './git-paths.ts';

/** One commit that touched a path, as {@link historyOf} reads it. */
export interface HistoryCommit {
  readonly commit: string;
  /** Committer time, ISO 8601. */
  readonly time: string;
  readonly author: string;
  readonly subject: string;
  /** The whole message, trailers included. */
  readonly message: string;
}

/**
 * How far history is deepened, step by step, when a commit is searched for in a depth-1 clone: most
 * answers lie within the last few commits, so the cost stays small; the last step fetches the rest.
 */
const DEEPEN_STEPS = [15, 240, 3840] as const;

/** How far history is deepened, step by step, when reading an environment's history. */
const HISTORY_DEEPEN_STEPS = [30, 300, 3000] as const;

/** True for a full commit id (SHA-1 or SHA-256, lower case), which can be fetched on its own. */
export function isFullCommitId(text: string): boolean {
  return /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(text);
}

/** Fetches the cloned branch `step` commits deeper (`Infinity`: the whole history). */
async function deepen(handle: CloneHandle, step: number): Promise<void> {
  const refspec = `+refs/heads/${handle.branch}:refs/remotes/origin/${handle.branch}`;
  const depth = Number.isFinite(step) ? `--deepen=${step}` : '--unshallow';
  await handle.cli.network(
    ['fetch', '--quiet', '--no-tags', depth, 'origin', refspec],
    { verb: 'fetch', branch: handle.branch },
    { cwd: handle.dir },
  );
}

/** The commits at the shallow boundary (`$GIT_DIR/shallow`); empty when the history is whole. */
export async function shallowCommits(handle: CloneHandle): Promise<Set<string>> {
  const file = (await gitIn(handle, ['rev-parse', '--git-path', 'shallow'])).stdout.trim();
  const text = await readFile(resolve(handle.dir, file), 'utf8').catch(() => '');
  return new Set(text.split('\n').filter(Boolean));
}

/** Runs `probe`, deepening the branch's history between tries, until it answers or the history is whole. */
export async function searchHistory(handle: CloneHandle, probe: () => Promise<string | undefined>): Promise<string | undefined> {
  for (const step of [0, ...DEEPEN_STEPS, Number.POSITIVE_INFINITY]) {
    if (step > 0) await deepen(handle, step);
    const found = await probe();
    if (found) return found;
    if ((await shallowCommits(handle)).size === 0) return undefined;
  }
  return undefined;
}

/** True when the clone holds commit `id`. */
export async function hasCommit(handle: CloneHandle, id: string): Promise<boolean> {
  const result = await handle.cli.raw(['cat-file', '-e', `${id}^{commit}`], { cwd: handle.dir });
  return result.code === 0;
}

/**
 * Makes commit `id` (a full id) present: fetched on its own at depth 1 when the clone lacks it
 * (protocol v2 serves any object asked for). Resolves false when the remote has no such commit.
 */
export async function fetchCommit(handle: CloneHandle, id: string): Promise<boolean> {
  if (!isFullCommitId(id)) throw new Error(`fetchCommit needs a full commit id, got "${id}"`);
  if (await hasCommit(handle, id)) return true;
  const args = ['fetch', '--quiet', '--depth', '1', '--no-tags', '--no-write-fetch-head', 'origin', id];
  const missing = (r: { stderr: string }) => /not our ref|no such remote ref|unadvertised object/i.test(r.stderr);
  const result = await handle.cli.network(args, { verb: 'fetch' }, { cwd: handle.dir, accept: missing });
  return result.code === 0 && (await hasCommit(handle, id));
}

/**
 * The commit an abbreviated or full id names on the cloned branch, deepening history step by step
 * until it is found or the history is whole; undefined when the branch has no such commit.
 */
export function findCommit(handle: CloneHandle, abbreviated: string): Promise<string | undefined> {
  return searchHistory(handle, async () => {
    const args = ['rev-parse', '--verify', '--quiet', '--end-of-options', `${abbreviated}^{commit}`];
    const result = await handle.cli.raw(args, { cwd: handle.dir });
    return result.code === 0 ? result.stdout.trim() : undefined;
  });
}

/**
 * The newest commit of the checked-out head that changed something under `path` (`git log -1 -- path`),
 * deepening the depth-1 history only as far as needed: a commit at the shallow boundary looks as if it
 * added every file, so it counts only once its parent is known. Undefined when nothing ever did.
 */
export function newestCommitTouching(handle: CloneHandle, path: string): Promise<string | undefined> {
  const spec = repoPath(path);
  return searchHistory(handle, async () => {
    const { stdout } = await gitIn(handle, ['log', '-1', '--format=%H', 'HEAD', '--', ...(spec ? [spec] : [])]);
    const commit = stdout.trim();
    return commit && !(await shallowCommits(handle)).has(commit) ? commit : undefined;
  });
}

/**
 * Commits of the checked-out head that touched `path`, newest first, at most `limit`, deepening the
 * depth-1 history step by step only as far as needed. `complete` is true when the whole history was
 * read. A commit at the shallow boundary is left out until its parent is known: without it, it looks
 * as if it added every file.
 */
export async function historyOf(
  handle: CloneHandle,
  path: string,
  limit: number,
): Promise<{ commits: HistoryCommit[]; complete: boolean }> {
  const spec = repoPath(path);
  for (const step of [0, ...HISTORY_DEEPEN_STEPS, Number.POSITIVE_INFINITY]) {
    if (step > 0) await deepen(handle, step);
    const boundary = await shallowCommits(handle);
    const commits = (await logTouching(handle, spec, limit + boundary.size + 1)).filter((c) => !boundary.has(c.commit));
    if (commits.length > limit) return { commits: commits.slice(0, limit), complete: false };
    if (boundary.size === 0) return { commits, complete: true };
  }
  return { commits: [], complete: true };
}

async function logTouching(handle: CloneHandle, spec: string, max: number): Promise<HistoryCommit[]> {
  const format = '--format=%H%x1f%cI%x1f%an%x1f%B%x1e';
  const { stdout } = await gitIn(handle, ['log', `--max-count=${max}`, format, 'HEAD', '--', ...(spec ? [spec] : [])]);
  return stdout
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record.includes('\x1f'))
    .map((record) => {
      const [commit = '', time = '', author = '', message = ''] = record.split('\x1f');
      return { commit, time, author, subject: message.split('\n')[0] ?? '', message: message.replace(/\n+$/, '\n') };
    });
}

/**
 * The files under `path` that `keep` accepts, at each of `commits`: commit → (file → text). Read from
 * the object store, not the working tree; blobs a blobless clone lacks are fetched in one request.
 */
export async function filesAt(
  handle: CloneHandle,
  commits: readonly string[],
  path: string,
  keep: (file: string) => boolean,
): Promise<Map<string, Map<string, string>>> {
  const spec = repoPath(path);
  const listed = new Map<string, [string, string][]>();
  for (const commit of commits) {
    const { stdout } = await gitIn(handle, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...(spec ? [spec] : [])]);
    // Regular files only: a symlink (mode 120000) is a blob too, but its text is a path, not YAML.
    const blobs = stdout
      .split('\0')
      .filter((entry) => /^100[0-7]{3} blob /.test(entry.split('\t')[0] ?? ''))
      .map((entry): [string, string] => [entry.slice(entry.indexOf('\t') + 1), entry.split('\t')[0]!.split(' ')[2]!])
      .filter(([file]) => keep(file));
    listed.set(commit, blobs);
  }
  const texts = await readBlobs(
    handle,
    commits,
    [...listed.values()].flatMap((blobs) => blobs.map(([, oid]) => oid)),
    spec,
  );
  return new Map(
    [...listed].map(([commit, blobs]) => [commit, new Map(blobs.map(([file, oid]) => [file, texts.get(oid) ?? ''] as [string, string]))]),
  );
}

/**
 * Blob texts by id, found under `path` of `commits`; those missing from a blobless clone are fetched
 * first, in one request. Each blob is cut from `cat-file --batch` output by its byte count before it is
 * decoded, so one file that is not valid UTF-8 cannot shift the others; each text is redacted alone.
 */
export async function readBlobs(
  handle: CloneHandle,
  commits: readonly string[],
  oids: readonly string[],
  path = '',
): Promise<Map<string, string>> {
  const unique = [...new Set(oids)];
  if (unique.length === 0) return new Map();
  // rev-list with --missing=print names absent objects without fetching them one by one; the pathspec
  // keeps the walk to the environment's directory.
  const args = ['rev-list', '--objects', '--no-walk', '--missing=print', ...new Set(commits), '--', ...(path ? [path] : [])];
  const { stdout: listed } = await gitIn(handle, args);
  const wanted = new Set(unique);
  const missing = listed
    .split('\n')
    .filter((line) => line.startsWith('?') && wanted.has(line.slice(1).trim()))
    .map((line) => line.slice(1).trim());
  if (missing.length > 0) {
    const fetch = [
      '-c',
      'fetch.negotiationAlgorithm=noop',
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--filter=blob:none',
      '--stdin',
      'origin',
    ];
    await handle.cli.network(fetch, { verb: 'fetch' }, { cwd: handle.dir, input: `${missing.join('\n')}\n` });
  }
  const { bytes } = await gitIn(handle, ['cat-file', '--batch'], { input: `${unique.join('\n')}\n`, keepBytes: true });
  const blobs = parseCatFileBatch(bytes ?? Buffer.alloc(0));
  return new Map([...blobs].map(([oid, blob]) => [oid, redact(blob.toString('utf8'), handle.cli.secrets)]));
}

/**
 * Parses `git cat-file --batch` output, `<oid> <type> <size>\n<content>\n` per object, into blob bytes by
 * id. Sizes are byte counts, so the output is cut as bytes and never decoded before it is counted.
 */
export function parseCatFileBatch(out: Buffer): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol < 0) break;
    const [oid = '', type = '', size = ''] = out.subarray(at, eol).toString('latin1').split(' ');
    at = eol + 1;
    if (type === 'missing' || !/^\d+$/.test(size)) continue;
    const end = at + Number(size);
    if (type === 'blob') blobs.set(oid, out.subarray(at, end));
    at = end + 1;
  }
  return blobs;
}
