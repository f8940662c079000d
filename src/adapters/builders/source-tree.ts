/**
 * The tree part of a build's source key: what the builder will see of the context. When the context
 * is in a git work tree with nothing there but committed files (ignored ones that reach the builder
 * count as changes), it is git's own tree id (`git rev-parse HEAD:./`), which costs nothing however
 * big the context. Otherwise a sha256 over every file the builder sees (`.dockerignore` applied):
 * exact, and never a false skip.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { exec } from '../exec.ts';
import type { ContextEntry } from './context-files.ts';
import { walkContext } from './context-files.ts';
import type { DockerIgnore } from './dockerignore.ts';

async function git(context: string, args: readonly string[]): Promise<string | undefined> {
  try {
    return (await exec('git', ['-C', context, ...args], { timeoutMs: 60_000 })).stdout;
  } catch {
    return undefined;
  }
}

/** Paths (context-relative) that differ from HEAD or are untracked or ignored, as `git status -z` lists them. */
function changedPaths(porcelain: string, prefix: string): string[] {
  const out: string[] = [];
  const records = porcelain.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.length < 4) continue;
    // A rename or copy carries its source as the next record.
    if (record[0] === 'R' || record[0] === 'C') i++;
    const path = record.slice(3).replace(/\/$/, '');
    out.push(path.startsWith(prefix) ? path.slice(prefix.length) : path);
  }
  return out;
}

/** `git:<tree id>` when the context is a clean committed tree (as the builder sees it), else undefined. */
export async function gitTree(context: string, ignore: DockerIgnore): Promise<string | undefined> {
  const prefix = await git(context, ['rev-parse', '--show-prefix']);
  if (prefix === undefined) return undefined;
  const status = await git(context, ['status', '--porcelain', '-z', '--ignored=matching', '--untracked-files=all', '--', '.']);
  if (status === undefined) return undefined;
  const seen = changedPaths(status, prefix.trim()).filter((path) => !ignore.ignores(path));
  if (seen.length > 0) return undefined;
  const tree = (await git(context, ['rev-parse', 'HEAD:./']))?.trim();
  return tree ? `git:${tree}` : undefined;
}

async function fileDigest(entry: ContextEntry): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(entry.absolute)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `files:<sha256>` over type, executable bit, path and content of every entry the builder sees. */
export async function filesTree(context: string, ignore: DockerIgnore): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of await walkContext(context, ignore)) {
    const content = entry.type === 'file' ? await fileDigest(entry) : entry.type === 'symlink' ? (entry.linkTarget ?? '') : '';
    hash.update(`${entry.type} ${entry.executable ? 'x' : '-'} ${JSON.stringify(entry.path)} ${content}\n`);
  }
  return `files:${hash.digest('hex')}`;
}

/** The context's tree for the source key: {@link gitTree} when it applies, else {@link filesTree}. */
export async function contextTree(context: string, ignore: DockerIgnore): Promise<string> {
  return (await gitTree(context, ignore)) ?? filesTree(context, ignore);
}
