import { lstat, readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { invalidUtf8Offset, mayHoldImage, type Needles } from '../../core/edit/candidates.ts';
import { KUSTOMIZATION_NAMES, kustomizationBases } from '../../core/edit/kustomize-add.ts';
import type { FileEdit } from '../../core/edit/types.ts';
import { CONFIG_FILE, type EnvRepoConfig, parseEnvRepoConfig } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';

const EDITABLE_RE = /\.(ya?ml|json)$/i;
/** kustomize also reads a kustomization from a file named just `Kustomization`. */
const KUSTOMIZATION_RE = /(?:^|\/)Kustomization$/;

/** True for the files Baton reads and edits in an environment: YAML and JSON, and `Kustomization`. */
export function isEditable(file: string): boolean {
  return EDITABLE_RE.test(file) || KUSTOMIZATION_RE.test(file);
}

/** The default of bump's `max-file-size`: larger files are read only when they may hold the image. */
export const DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024;
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
  /** After a lost race: the last commit written again on the newest head ('carried'), else `refresh()`. */
  carryOver(): Promise<'carried' | 'refreshed'>;
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

/** What {@link readEnvFiles} reads, and where it tells about the files it leaves out. */
export interface ReadOptions {
  /**
   * Read only files whose bytes may hold one of the images being written (see core/edit/candidates.ts);
   * without needles every editable file is read, whatever its size.
   */
  readonly needles?: Needles;
  /** With needles: a larger file is skipped unless it may hold the image, then refused (exit 2). */
  readonly maxFileSize?: number;
  /** Receives one line per file left out and why (a dangling link, a submodule, an unrelated large file). */
  readonly notice?: (message: string) => void;
}

/**
 * Reads the editable files under the environment path as exact bytes decoded as strict UTF-8. Refuses
 * symlinks that lead out of the repo and candidate files that are not valid UTF-8 (never decoded
 * lossily: the edit would rewrite bytes nobody asked to change); skips dangling links and submodules.
 */
export async function readEnvFiles(repo: EnvRepoCheckout, path: string, options: ReadOptions = {}): Promise<Map<string, string>> {
  await checkInsideRepo(repo.dir, path);
  const root = await realpath(repo.dir);
  const notice = options.notice ?? (() => {});
  const files = new Map<string, string>();
  for (const file of (await repo.listFiles(path)).filter(isEditable).sort()) {
    const full = join(repo.dir, file);
    const stat = await lstat(full);
    if (stat.isSymbolicLink()) {
      await checkLink(root, full, file, notice);
      continue; // the target is edited under its own name, if it is under the path
    }
    if (!stat.isFile()) {
      // A gitlink (submodule entry) checks out as a directory, or not at all: it is another repo's business.
      notice(`${file}: not a regular file (a submodule?); skipped.`);
      continue;
    }
    const bytes = await readFile(full);
    if (options.needles !== undefined && !candidate(file, bytes, options.needles, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, notice))
      continue;
    const bad = invalidUtf8Offset(bytes);
    if (bad !== undefined) {
      throw new UserError(
        `${file}: byte ${bad} (0x${bytes[bad]!.toString(16).padStart(2, '0')}) is not valid UTF-8; Baton edits only UTF-8 files and ` +
          `never rewrites bytes it cannot read. Re-encode the file as UTF-8; nothing was changed.`,
        { input: file },
      );
    }
    files.set(file, bytes.toString('utf8'));
  }
  return files;
}

/** True when the file may hold an image; a large one that may is refused, one that may not is skipped with a notice. */
function candidate(file: string, bytes: Buffer, needles: Needles, limit: number, notice: (message: string) => void): boolean {
  const may = mayHoldImage(bytes, needles);
  if (bytes.length <= limit) return may;
  if (may) {
    throw new UserError(
      `max-file-size: ${file} is ${bytes.length} bytes, over the limit of ${limit}, and may hold the image; raise max-file-size to ` +
        `edit it, or split the file. Nothing was changed.`,
      { input: 'max-file-size' },
    );
  }
  notice(`${file}: ${bytes.length} bytes, over max-file-size (${limit}), and does not mention the image; skipped unread.`);
  return false;
}

/**
 * Refuses a link that leads out of the repo. A dangling link is judged by where it points (resolved
 * from its own folder): pointing inside it is only skipped, as git and kustomize leave it alone too.
 */
async function checkLink(root: string, full: string, file: string, notice: (message: string) => void): Promise<void> {
  const inside = (target: string) => target === root || target.startsWith(root + sep);
  const target = await realpath(full).catch(() => undefined);
  if (target !== undefined) {
    if (!inside(target)) throw outside(file);
    return;
  }
  // Follow the chain hop by hop: every hop of a dangling chain must stay inside.
  let hop = full;
  for (let depth = 0; depth < 40; depth++) {
    hop = resolve(await realpath(dirname(hop)).catch(() => dirname(hop)), await readlink(hop));
    if (!inside(hop)) throw outside(file);
    if (!(await lstat(hop).catch(() => undefined))?.isSymbolicLink()) break;
  }
  notice(`${file}: a symlink to a file that does not exist; skipped.`);
}

function outside(file: string): UserError {
  return new UserError(`path: ${file} is a symlink that leads outside the env repo; refusing to follow it.`, { input: 'path' });
}

/** How deep {@link readKustomizeBases} follows bases of bases (kustomize allows any depth; real repos use two or three). */
const MAX_BASE_DEPTH = 5;

/**
 * The files of the local kustomize bases the environment's kustomization builds on, read only: the
 * checkout is widened to them (they usually sit outside the environment's path), then read as
 * {@link readEnvFiles} reads, bases of bases included. Used when an image is found nowhere in the
 * environment, to add an `images:` entry for an image its bases use.
 */
export async function readKustomizeBases(repo: EnvRepoCheckout, path: string, options: ReadOptions = {}): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const seen = new Set<string>([path]);
  let frontier = [path];
  for (let depth = 0; depth < MAX_BASE_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of frontier) {
      const kustomization = await readKustomization(repo, dir);
      if (kustomization === undefined) continue;
      for (const base of kustomizationBases(kustomization.file, kustomization.text)) if (!seen.has(base)) next.push(base);
    }
    for (const base of next) seen.add(base);
    if (next.length === 0) break;
    await repo.setSparse([...seen]);
    for (const base of next) {
      const read = await readEnvFiles(repo, base, options).catch(() => new Map<string, string>());
      for (const [file, text] of read) files.set(file, text);
    }
    frontier = next;
  }
  return files;
}

async function readKustomization(repo: EnvRepoCheckout, dir: string): Promise<{ file: string; text: string } | undefined> {
  for (const name of KUSTOMIZATION_NAMES) {
    const file = `${dir}/${name}`;
    const text = await readFile(join(repo.dir, file), 'utf8').catch(() => undefined);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

/** Reads `baton.yaml` at the repo's root, if there is one. */
export async function readConfig(repo: EnvRepoCheckout): Promise<EnvRepoConfig | undefined> {
  const text = await readFile(join(repo.dir, CONFIG_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseEnvRepoConfig(text);
}

/** Writes the edited files into the checkout. */
export async function writeEdits(repo: EnvRepoCheckout, edits: readonly FileEdit[]): Promise<void> {
  for (const edit of edits) await writeFile(join(repo.dir, edit.file), edit.after);
}
