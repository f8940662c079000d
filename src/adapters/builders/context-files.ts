/** The files of a build context as a builder sees them: walked in a fixed order, `.dockerignore` applied. */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DockerIgnore } from './dockerignore.ts';

/** One entry of the context. */
export interface ContextEntry {
  /** Relative, `/`-separated: `src/app.js`. */
  readonly path: string;
  readonly absolute: string;
  readonly type: 'file' | 'dir' | 'symlink';
  /** True when a file has any executable bit. */
  readonly executable: boolean;
  readonly size: number;
  readonly linkTarget?: string;
}

/** Reads `<context>/.dockerignore` (none: nothing ignored). */
export async function readDockerIgnore(context: string): Promise<DockerIgnore> {
  const text = await readFile(join(context, '.dockerignore'), 'utf8').catch(() => '');
  return new DockerIgnore(text);
}

async function entryOf(absolute: string, path: string): Promise<ContextEntry | undefined> {
  const stats = await lstat(absolute);
  if (stats.isSymbolicLink()) return { path, absolute, type: 'symlink', executable: false, size: 0, linkTarget: await readlink(absolute) };
  if (stats.isDirectory()) return { path, absolute, type: 'dir', executable: false, size: 0 };
  if (stats.isFile()) return { path, absolute, type: 'file', executable: (stats.mode & 0o111) !== 0, size: stats.size };
  return undefined;
}

/**
 * Every entry under `root` (a directory inside the context, `''` for the context itself), sorted by
 * path with parents first, ignored ones left out. `.git` directories are never part of a context.
 */
export async function walkContext(context: string, ignore: DockerIgnore, root = ''): Promise<ContextEntry[]> {
  const out: ContextEntry[] = [];
  const visit = async (rel: string): Promise<void> => {
    const names = (await readdir(join(context, rel))).sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      if (name === '.git') continue;
      const ignored = ignore.ignores(path);
      const entry = await entryOf(join(context, path), path);
      if (!entry) continue;
      if (!ignored) out.push(entry);
      if (entry.type === 'dir' && (!ignored || ignore.hasExceptions)) await visit(path);
    }
  };
  await visit(root);
  return out;
}
