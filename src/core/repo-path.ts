/**
 * Paths inside an env repo as users give them. Alone in its file (env-config.ts re-exports it) so the
 * `baton` loader can normalise a path without loading the YAML parser.
 */
import { UserError } from './errors.ts';

/**
 * Normalises a path inside the repo and refuses one that escapes it (`..`, absolute, NUL).
 * Symlinks are checked where the files are, by the step.
 */
export function normaliseRepoPath(path: string, input = 'path'): string {
  const raw = path.trim().replace(/\\/g, '/');
  if (raw === '' || raw.includes('\0')) throw new UserError(`${input}: a directory inside the repo is required.`, { input });
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) {
    throw new UserError(`${input}: "${path}" is absolute; give a directory relative to the repo root.`, { input });
  }
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new UserError(`${input}: "${path}" leaves the repo; give a directory inside it, without "..".`, { input });
    }
    if (part === '.git') throw new UserError(`${input}: "${path}" points into .git.`, { input });
    parts.push(part);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}
