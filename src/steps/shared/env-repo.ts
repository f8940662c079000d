import { lstat, readFile, realpath, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { FileEdit } from '../../core/edit/types.ts';
import { CONFIG_FILE, type EnvRepoConfig, parseEnvRepoConfig } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';

const EDITABLE_RE = /\.(ya?ml|json)$/i;

/** True for the files Baton reads and edits in an environment: YAML and JSON. */
export function isEditable(file: string): boolean {
  return EDITABLE_RE.test(file);
}
import type { GitIdentity, PushResult } from '../../adapters/git/types.ts';

/** What the writing steps need from a checked-out env repo (implemented by the git adapter). */
export interface EnvRepoCheckout {
  readonly dir: string;
  readonly branch: string;
  head(): Promise<string>;
  listFiles(under: string): Promise<string[]>;
  commit(options: { message: string; author?: GitIdentity; paths?: string[] }): Promise<string | undefined>;
  push(options?: { ref?: string; force?: boolean }): Promise<PushResult>;
  refresh(): Promise<void>;
  setSparse(paths: string[]): Promise<void>;
  checkoutNewBranch(name: string, from: string): Promise<void>;
  remoteBranchHead(name: string): Promise<string | undefined>;
  treeOf(ref: string, path: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

/** Refuses an environment directory that is, or resolves through a symlink to, a place outside the repo. */
async function checkInsideRepo(dir: string, path: string): Promise<void> {
  const root = await realpath(dir);
  let resolved: string;
  try {
    resolved = await realpath(join(dir, path));
  } catch {
    throw new UserError(`path: "${path}" does not exist in the env repo.`, { input: 'path' });
  }
  if (resolved !== root && !resolved.startsWith(root + sep)) {
    throw new UserError(`path: "${path}" leads outside the env repo through a symlink; refusing to write there.`, { input: 'path' });
  }
}

/** Reads the editable files under the environment path, refusing symlinks that lead out of the repo. */
export async function readEnvFiles(repo: EnvRepoCheckout, path: string): Promise<Map<string, string>> {
  await checkInsideRepo(repo.dir, path);
  const root = await realpath(repo.dir);
  const files = new Map<string, string>();
  for (const file of (await repo.listFiles(path)).filter((f) => EDITABLE_RE.test(f)).sort()) {
    const full = join(repo.dir, file);
    if ((await lstat(full)).isSymbolicLink()) {
      const target = await realpath(full).catch(() => '');
      if (!target.startsWith(root + sep)) {
        throw new UserError(`path: ${file} is a symlink that leads outside the env repo; refusing to follow it.`, { input: 'path' });
      }
      continue; // the target is edited under its own name, if it is under the path
    }
    files.set(file, await readFile(full, 'utf8'));
  }
  return files;
}

export async function readConfig(repo: EnvRepoCheckout): Promise<EnvRepoConfig | undefined> {
  const text = await readFile(join(repo.dir, CONFIG_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseEnvRepoConfig(text);
}

/** Writes the edited files into the checkout. */
export async function writeEdits(repo: EnvRepoCheckout, edits: readonly FileEdit[]): Promise<void> {
  for (const edit of edits) await writeFile(join(repo.dir, edit.file), edit.after);
}

