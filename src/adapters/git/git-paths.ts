import { lstat, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { UserError } from '../../core/errors.ts';

/**
 * A repository-relative path in git's form: forward slashes, no leading `./` or `/`, no trailing `/`;
 * `''` is the repository root. Paths that climb out of the repository are refused.
 */
export function repoPath(path: string, input = 'path'): string {
  const slashed = path.trim().replace(/\\/g, '/');
  if (slashed.startsWith('/')) {
    throw new UserError(`${input}: "${path}" is absolute; give a path relative to the env repo's root.`, { input });
  }
  const normal = posix.normalize(slashed || '.').replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) {
    throw new UserError(`${input}: "${path}" points outside the env repo.`, { input });
  }
  return normal === '.' ? '' : normal;
}

/** The directory holding a repository-relative path (`''` for a root file). */
export function parentDir(path: string): string {
  const dir = posix.dirname(path);
  return dir === '.' ? '' : dir;
}

/**
 * The paths under `path` (repository-relative, `''` for all) in a clean sparse working tree at `dir`,
 * sorted: files and symlinks, and empty directories, which in a fresh checkout can only be submodules
 * (git tracks no directories). `.git` is left out. What `git ls-files -t` lists as checked out, without
 * a process.
 */
export async function checkedOutUnder(dir: string, path: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(rel ? join(dir, rel) : dir, { withFileTypes: true }).catch(() => undefined);
    if (entries === undefined) return;
    if (entries.length === 0 && rel !== path) found.push(rel);
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else found.push(child);
    }
  };
  const top = await lstat(path ? join(dir, path) : dir).catch(() => undefined);
  if (top === undefined) return [];
  if (top.isDirectory()) await walk(path);
  else found.push(path);
  return found.sort(byBytes);
}

/** Git's order: by the UTF-8 bytes of the path. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** One entry of `git status --porcelain=v1 -z`. */
export interface StatusEntry {
  /** Two status letters, index then worktree (`M `, ` M`, `??`, `A `, `D `, `R `…). */
  readonly code: string;
  readonly path: string;
  /** The old path of a rename or copy. */
  readonly from?: string;
}

/** Parses `git status --porcelain=v1 -z` (git-status(1), "Porcelain Format Version 1"). */
export function parseStatus(output: string): StatusEntry[] {
  const fields = output.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? '';
    if (field.length < 4) continue;
    const code = field.slice(0, 2);
    const path = field.slice(3);
    // With -z a rename's source path follows as the next field instead of "from -> to".
    if (code[0] === 'R' || code[0] === 'C') entries.push({ code, path, from: fields[++i] ?? '' });
    else entries.push({ code, path });
  }
  return entries;
}
