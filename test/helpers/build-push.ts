/**
 * Shared parts of the build-push tests: a git checkout of the fixture app, a private buildah or podman storage
 * with a busybox base image made locally (nothing can be pulled here), and the step run in-process.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../../src/adapters/exec.ts';
import { buildPushStep } from '../../src/steps/build-push/step.ts';
import { defaultBuildPushDeps } from '../../src/steps/build-push/deps.ts';
import type { RawInputs } from '../../src/platform/inputs.ts';
import { type MemoryRun, runInMemory } from './memory-platform.ts';
import { ROOT } from './runner.ts';

/** The fixture app: a Dockerfile for the layer builder and a multi-stage one for buildah. */
export const FIXTURE = join(ROOT, 'test/fixtures/build-push/app');

/** The local base image the multi-stage Dockerfile builds on. */
export const BUSYBOX_BASE = 'localhost/baton-busybox:1';

/** A scratch directory removed by `cleanup`. */
export interface Scratch {
  readonly dir: string;
  cleanup(): Promise<void>;
}

/** A temporary directory. */
export async function scratch(prefix = 'baton-bp-'): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The author and committer time of the fixture commits (the image's created time derives from it). */
export const COMMIT_TIME = '2024-05-01T10:00:00Z';

async function git(dir: string, ...args: string[]): Promise<string> {
  const env = { GIT_AUTHOR_DATE: COMMIT_TIME, GIT_COMMITTER_DATE: COMMIT_TIME };
  return (await exec('git', ['-C', dir, ...args], { env })).stdout.trim();
}

/** A git checkout of the fixture app on `main` with one commit; returns its directory and HEAD. */
export async function appCheckout(into: string): Promise<{ dir: string; head: string; commit(message: string): Promise<string> }> {
  const dir = join(into, 'app');
  await cp(FIXTURE, dir, { recursive: true });
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'add', '-A');
  const commit = async (message: string) => {
    await git(dir, 'add', '-A');
    await git(dir, '-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-qm', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  return { dir, head: await commit('app'), commit };
}

/**
 * A private containers storage (vfs, chroot isolation: no privileges or daemon needed) with the
 * busybox base image built from `/bin/busybox` by `tool`. Returns the environment buildah or podman
 * needs: everything either tool writes (storage, run root, podman's engine temp dir) stays under `into`;
 * only the signature policy comes from the system (`/etc/containers/policy.json`, installed with the
 * tools by Debian's containers-common).
 */
export async function containersStorage(into: string, tool: 'buildah' | 'podman' = 'buildah'): Promise<Record<string, string>> {
  const conf = join(into, 'storage.conf');
  await writeFile(conf, `[storage]\ndriver = "vfs"\ngraphroot = "${join(into, 'storage')}"\nrunroot = "${join(into, 'run')}"\n`);
  // podman keeps its engine state (alive lock, exit files, events) in tmp_dir, /run/libpod by default.
  const engine = join(into, 'containers.conf');
  await writeFile(engine, `[engine]\ntmp_dir = "${join(into, 'engine')}"\nevents_logger = "none"\n`);
  const env = { CONTAINERS_STORAGE_CONF: conf, CONTAINERS_CONF: engine, BUILDAH_ISOLATION: 'chroot', STORAGE_DRIVER: 'vfs' };
  const base = join(into, 'base');
  await cp('/bin/busybox', join(base, 'busybox'));
  await writeFile(
    join(base, 'Containerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n',
  );
  await exec(tool, ['build', '--quiet', '-t', BUSYBOX_BASE, '-f', join(base, 'Containerfile'), base], { env });
  return env;
}

/** {@link containersStorage} for buildah. */
export function buildahStorage(into: string): Promise<Record<string, string>> {
  return containersStorage(into, 'buildah');
}

/** The step wired to the real side effects. */
export const buildPush = buildPushStep(defaultBuildPushDeps());

/** Runs build-push in-process with a clean environment (no CI variables, a private HOME). */
export function runBuildPush(inputs: RawInputs, env: Record<string, string | undefined>): Promise<MemoryRun> {
  return runInMemory(buildPush, inputs, env);
}
