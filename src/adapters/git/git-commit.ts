/**
 * Writing a commit in a clone with as few git processes as possible: one `git commit` for the usual case
 * (named files that exist), whose summary line already names the new commit.
 */
import { ExecError } from '../exec.ts';
import { type CloneHandle, gitIn, identityEnv } from './git-handle.ts';
import { repoPath } from './git-paths.ts';
import type { CommitOptions } from './types.ts';

/** `git commit`'s summary line, `[<branch> <commit>] subject`, with the id unabbreviated (core.abbrev=40). */
const SUMMARY_RE = /^\[[^\]]* ([0-9a-f]{40}|[0-9a-f]{64})\] /m;
/** What `git commit` says when the named paths hold no change. */
const NOTHING_RE = /nothing to commit|no changes added to commit|nothing added to commit/i;
/** What `git commit --only` says when a named path is new (not yet known to git). */
const UNKNOWN_PATH_RE = /pathspec '.*' did not match any file\(s\) known to git/;

/**
 * Commits the changes under `options.paths` (everything when omitted) with `options.message` on
 * standard input; resolves with the new commit, or undefined when nothing changed (no empty commits).
 * With paths, `git commit --only -- <paths>` stages and commits in one process (a new file, which
 * `--only` does not know, is added first and the commit tried again); without, `add --all` comes first.
 */
export async function commitChanges(handle: CloneHandle, options: CommitOptions): Promise<string | undefined> {
  const paths = options.paths?.map((p) => repoPath(p));
  if (!paths) await gitIn(handle, ['add', '--all']);
  const author = options.author ?? handle.identity;
  // The message is cleaned here and stored verbatim, so a commit carried onto a newer head (git-carry.ts)
  // holds the same bytes; git's default "strip" would also delete message lines starting with "#".
  const args = ['-c', 'core.abbrev=40', 'commit', '--no-verify', '--cleanup=verbatim', '-F', '-'];
  if (paths) args.push('--only', '--', ...paths);
  const message = stripSpace(options.message);
  const commit = () => handle.cli.raw(args, { cwd: handle.dir, input: message, env: identityEnv(handle.identity, author) });
  let result = await commit();
  if (result.code !== 0 && paths && UNKNOWN_PATH_RE.test(result.stderr)) {
    await gitIn(handle, ['add', '--', ...paths]);
    result = await commit();
  }
  if (result.code !== 0) {
    if (NOTHING_RE.test(result.stdout + result.stderr)) return undefined;
    throw new ExecError('git commit', result);
  }
  const id = SUMMARY_RE.exec(result.stdout)?.[1];
  return id ?? (await gitIn(handle, ['rev-parse', 'HEAD'])).stdout.trim();
}

/**
 * A commit message as `git commit --cleanup=whitespace` stores it (git's `strbuf_stripspace` without a
 * comment character): trailing whitespace cut from every line, leading and trailing empty lines dropped,
 * runs of empty lines made one, and a final newline.
 */
export function stripSpace(message: string): string {
  // git's own isspace: space, tab, CR (and the newline the split removed); not VT or FF.
  const lines = message.split('\n').map((line) => line.replace(/[ \t\r]+$/, ''));
  const kept: string[] = [];
  for (const line of lines) {
    if (line === '' && (kept.length === 0 || kept.at(-1) === '')) continue;
    kept.push(line);
  }
  while (kept.at(-1) === '') kept.pop();
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
