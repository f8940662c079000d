import { posix } from 'node:path';
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

/** Parses `git ls-files -z -t` output into the paths that are checked out (not skip-worktree `S`). */
export function checkedOutFiles(output: string): string[] {
  return output
    .split('\0')
    .filter((entry) => entry.length > 2 && !entry.startsWith('S '))
    .map((entry) => entry.slice(2));
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
