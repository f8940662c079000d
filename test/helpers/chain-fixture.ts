/**
 * What the two e2e chains share: the app (examples/app in a git repository of its own), the env repo
 * (examples/env-repo with the app's image name), and which steps of the chain have not landed yet.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { exec } from '../../src/adapters/exec.ts';
import { ROOT } from './runner.ts';

/** The image name examples/env-repo writes; the chains replace it with the test registry's. */
export const EXAMPLE_IMAGE = 'localhost:5000/baton/hello';

/** A scratch directory removed by `cleanup`. */
export interface Scratch {
  readonly dir: string;
  cleanup(): Promise<void>;
}

/** A temporary directory. */
export async function scratch(prefix: string): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The app's repository: its directory and the commit it is at. */
export interface AppRepo {
  readonly dir: string;
  readonly head: string;
}

/** examples/app as a git repository with one commit on main. */
export async function appRepo(into: string): Promise<AppRepo> {
  const dir = join(into, 'app');
  await cp(join(ROOT, 'examples/app'), dir, { recursive: true });
  const git = (...args: string[]) =>
    exec('git', ['-C', dir, '-c', 'user.name=dev', '-c', 'user.email=dev@example.invalid', '-c', 'commit.gpgsign=false', ...args]);
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-qm', 'hello');
  return { dir, head: (await git('rev-parse', 'HEAD')).stdout.trim() };
}

/** The files of examples/env-repo, with the app's image named `image` (name without tag). */
export async function envRepoFiles(image: string): Promise<Record<string, string>> {
  const root = join(ROOT, 'examples/env-repo');
  const files: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = (await readFile(path, 'utf8')).replaceAll(EXAMPLE_IMAGE, image);
  }
  return files;
}

/**
 * The steps of `steps` this checkout cannot run yet on a platform: on GitHub, no action.yml or bundle;
 * on GitLab, no component or a `baton` command that does not know the step. The chains leave their
 * stages out (and say so) until the step lands, then run them with no change to the test.
 */
export function pendingSteps(platform: 'github' | 'gitlab', steps: readonly string[]): string[] {
  return steps.filter((step) => {
    if (platform === 'github')
      return !existsSync(join(ROOT, 'actions', step, 'action.yml')) || !existsSync(join(ROOT, 'dist', step, 'index.cjs'));
    if (!existsSync(join(ROOT, 'templates', `${step}.yml`))) return true;
    return spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.cjs'), step, '--help'], { stdio: 'ignore' }).status !== 0;
  });
}
