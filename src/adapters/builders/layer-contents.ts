/**
 * What goes into the layer: the context files each `COPY` names, at their destinations, with
 * normalised metadata (mtime = the build's epoch, mode 0644/0755 as git keeps it, owner from
 * `--chown`), parent directories added, sorted so the tar bytes never depend on the file system.
 */
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import type { CopySpec } from '../../core/build/layer-plan.ts';
import { dockerfileError } from '../../core/build/dockerfile.ts';
import type { ContextEntry } from './context-files.ts';
import type { TarEntry } from './layer-tar.ts';

/** Where COPY destinations that are relative start: the base image's WorkingDir. */
function absoluteDest(dest: string, baseWorkdir: string): string {
  return dest.startsWith('/') ? dest : posix.join(baseWorkdir || '/', dest) + (dest.endsWith('/') ? '/' : '');
}

/** Layer path (no leading `/`) for an absolute path. */
function layerPath(path: string): string {
  return posix.normalize(path).replace(/^\/+/, '').replace(/\/+$/, '');
}

function toEntry(source: ContextEntry, name: string, copy: CopySpec, mtime: number): TarEntry {
  const mode = copy.mode ?? (source.type === 'dir' ? 0o755 : source.type === 'symlink' ? 0o777 : source.executable ? 0o755 : 0o644);
  const base = { name, mode, uid: copy.uid, gid: copy.gid, mtime, size: 0 };
  if (source.type === 'symlink') return { ...base, type: 'symlink', linkname: source.linkTarget ?? '', mode: 0o777 };
  if (source.type === 'dir') return { ...base, type: 'dir' };
  return { ...base, type: 'file', size: source.size, open: () => createReadStream(source.absolute) };
}

/** Entries one COPY source contributes: a file (or link) at its place, or a directory's contents below `dest`. */
function copyEntries(
  copy: CopySpec,
  source: string,
  files: readonly ContextEntry[],
  dest: string,
  mtime: number,
  dockerfile: string,
): TarEntry[] {
  const rel = posix
    .normalize(source)
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
  if (rel === '..' || rel.startsWith('../'))
    throw dockerfileError(dockerfile, copy.line, `COPY ${source}: the path leaves the build context.`);
  const whole = rel === '' || rel === '.';
  const top = whole ? undefined : files.find((entry) => entry.path === rel);
  if (!whole && !top)
    throw dockerfileError(dockerfile, copy.line, `COPY ${source}: not found in the build context (or excluded by .dockerignore).`);
  if (top && top.type !== 'dir') {
    const target = dest.endsWith('/') ? posix.join(dest, posix.basename(rel)) : dest;
    return [toEntry(top, layerPath(target), copy, mtime)];
  }
  const prefix = whole ? '' : `${rel}/`;
  return files
    .filter((entry) => entry.path.startsWith(prefix))
    .map((entry) => toEntry(entry, layerPath(posix.join(dest, entry.path.slice(prefix.length))), copy, mtime));
}

function compareSegments(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * The tar entries for every COPY, later copies replacing earlier ones at the same path, with missing
 * parent directories (root-owned, 0755) added, in a fixed order with parents first.
 */
export function layerEntries(
  copies: readonly CopySpec[],
  files: readonly ContextEntry[],
  options: { mtime: number; baseWorkdir: string; dockerfile: string },
): TarEntry[] {
  const byName = new Map<string, TarEntry>();
  for (const copy of copies) {
    const dest = absoluteDest(copy.dest, options.baseWorkdir);
    for (const source of copy.sources) {
      for (const entry of copyEntries(copy, source, files, dest, options.mtime, options.dockerfile))
        if (entry.name) byName.set(entry.name, entry);
    }
  }
  for (const name of [...byName.keys()]) {
    for (let parent = posix.dirname(name); parent !== '.' && parent !== '/' && !byName.has(parent); parent = posix.dirname(parent)) {
      byName.set(parent, { name: parent, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: options.mtime, size: 0 });
    }
  }
  return [...byName.values()].sort((a, b) => compareSegments(a.name, b.name));
}
