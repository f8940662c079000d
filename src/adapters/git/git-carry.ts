/**
 * Carrying a commit onto the newest head after a lost push race, without the working tree: when nothing
 * inside the sparse checkout changed between the head the commit was made on and the new one, every file
 * a plan could have read is the same, so the same change is written again on the new head by one
 * `git fast-import` (the commit's own files, message and author), instead of a checkout, a new plan and
 * a `git commit`. What changed outside the checkout is kept as the new head has it.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitIn, type CloneHandle } from './git-handle.ts';
import { parentDir } from './git-paths.ts';
import type { GitIdentity } from './types.ts';

/** What the last `commit()` wrote besides its id: enough to write it again on another head. */
export interface CommitRecord {
  /** The message as stored (already cleaned, see `stripSpace`). */
  readonly message: string;
  readonly author: GitIdentity;
  /** The files it changed, repository-relative; their content is in the working tree. */
  readonly paths: readonly string[];
}

/**
 * True when `path` is checked out by a cone-mode sparse checkout of `cone` (undefined: everything): it
 * lies under a cone directory, or directly inside one of a cone directory's ancestors (the root included).
 */
export function insideCone(path: string, cone: readonly string[] | undefined): boolean {
  if (cone === undefined) return true;
  const parent = parentDir(path);
  return cone.some((dir) => path.startsWith(`${dir}/`) || parent === '' || dir === parent || dir.startsWith(`${parent}/`));
}

/**
 * The files that differ between commits `from` and `to` (a tree diff: no blob is read, none fetched),
 * or undefined when git cannot tell (a commit missing from the shallow clone).
 */
async function changedPaths(handle: CloneHandle, from: string, to: string): Promise<string[] | undefined> {
  const result = await handle.cli.raw(['diff-tree', '-r', '-z', '--name-only', '--no-renames', from, to], { cwd: handle.dir });
  if (result.code !== 0) return undefined;
  return result.stdout.split('\0').filter((p) => p !== '');
}

/**
 * Writes the change of `commit` (described by `record`) again on `onto` (a ref) when nothing inside
 * `cone` changed between the commit's parent and `onto`; resolves with the new commit, or undefined when the caller must check out
 * the new head and plan again. The new commit is made by `committer` now, like the one it replaces.
 */
export async function carryCommit(
  handle: CloneHandle,
  record: CommitRecord,
  commit: string,
  onto: string,
  cone: readonly string[] | undefined,
): Promise<string | undefined> {
  const changed = await changedPaths(handle, `${commit}^`, onto);
  if (changed === undefined || changed.some((path) => insideCone(path, cone))) return undefined;
  const chunks: (string | Buffer)[] = [];
  const data = (bytes: Buffer) => chunks.push(`data ${bytes.length}\n`, bytes, '\n');
  chunks.push(`commit refs/heads/${handle.branch}\nmark :1\n`);
  chunks.push(`author ${person(record.author)} now\ncommitter ${person(handle.identity)} now\n`);
  data(Buffer.from(record.message));
  chunks.push(`from ${onto}\n`);
  for (const path of record.paths) {
    const full = join(handle.dir, path);
    const stat = await lstat(full).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    chunks.push(`M ${stat.mode & 0o111 ? '100755' : '100644'} inline ${quotePath(path)}\n`);
    data(await readFile(full));
  }
  chunks.push('\nget-mark :1\ndone\n');
  const input = Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  // --force: the local branch held the commit being replaced, which the new one does not descend from.
  const { stdout } = await gitIn(handle, ['fast-import', '--quiet', '--force', '--date-format=now', '--done'], { input });
  return stdout.trim() || undefined;
}

/** `Name <email>` as fast-import reads it (git refuses `<`, `>` and newlines there; identities are checked before). */
function person(who: GitIdentity): string {
  return `${who.name} <${who.email}>`;
}

/** A path for a fast-import `M` line: C-quoted when it starts with `"` or holds a newline, backslash or quote. */
function quotePath(path: string): string {
  if (!/^"|[\n\\"]/.test(path)) return path;
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
