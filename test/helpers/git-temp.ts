/** Small helpers shared by the git adapter's integration tests. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { exec } from '../../src/adapters/exec.ts';

/** A fresh temporary directory and a function that removes it. */
export async function tempDir(prefix = 'baton-git-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Every file under `dir`, `.git` included, relative to `dir` with `/` separators, sorted. */
export async function listTree(dir: string, options: { includeGit?: boolean } = {}): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .filter((p) => options.includeGit || !(p === '.git' || p.startsWith('.git/')))
    .sort();
}

/** True when any file under `dir` (`.git` included) contains `needle`. */
export async function treeContains(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const file of await listTree(dir, { includeGit: true })) {
    const content = await readFile(join(dir, file)).catch(() => Buffer.alloc(0));
    if (content.includes(needle)) hits.push(file);
  }
  return hits;
}

/** Runs git in `cwd` without any user config, for assertions made from outside the adapter. */
export async function gitIn(cwd: string, args: readonly string[]): Promise<string> {
  const env = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C', GIT_DIR: undefined };
  return (await exec('git', args, { cwd, env })).stdout;
}

/** Objects present in a repository, by type: what a clone actually downloaded. */
export async function objectCounts(cwd: string): Promise<Record<string, number>> {
  const out = await gitIn(cwd, ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype)']);
  const counts: Record<string, number> = {};
  for (const type of out.split('\n').filter(Boolean)) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Ids of the blobs a repository holds, and of the files in its working tree: equal sets mean a
 * partial clone fetched exactly the checked-out files. */
export async function blobSets(cwd: string): Promise<{ present: string[]; checkedOut: string[] }> {
  const out = await gitIn(cwd, ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectname)']);
  const present = out
    .split('\n')
    .filter((l) => l.startsWith('blob '))
    .map((l) => l.slice(5));
  const files = await listTree(cwd);
  const hashed = files.length ? (await gitIn(cwd, ['hash-object', '--', ...files])).split('\n').filter(Boolean) : [];
  return { present: [...new Set(present)].sort(), checkedOut: [...new Set(hashed)].sort() };
}
