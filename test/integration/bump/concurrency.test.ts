/**
 * Concurrent bumps of one branch, each its own `baton` process against a real smart-HTTP git server.
 * Which of the racing bumps is "newest" is made certain by holding pushes at the server (events, never
 * time): a run that read the environment after another one is the newer one, and an older run whose
 * push arrives late must not overwrite it (docs/bump.md, "Push races").
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';

const TOKEN = 'bump-race-token-0c7d2';
/** The token of the bump that is killed; GitLab's job-token user name tells its requests apart. */
const KILLED_TOKEN = 'bump-race-killed-9a1e4';
/** The token of the older racing bump, whose push is held; the GitLab forge's user name tells it apart. */
const OLDER_TOKEN = 'bump-race-older-5d2b7';
const CLI = join(import.meta.dirname, '../../../dist/cli/index.cjs');
const API = 'registry.example.com/team/api';
const IMAGES = Array.from({ length: 20 }, (_, i) => `registry.example.com/team/svc-${String(i).padStart(2, '0')}`);

function kustomization(): string {
  const entries = IMAGES.map((name) => `  - name: ${name}\n    newTag: 1.0.0`).join('\n');
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n${entries}\n  - name: ${API}\n    newTag: sha-0000000\n`;
}

interface Run {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs `baton bump` as its own process, the way a CI job would. */
function bump(
  repo: string,
  image: string,
  options: { token?: string; env?: Record<string, string>; args?: string[]; path?: string } = {},
): Run {
  const path = options.path ?? 'envs/staging';
  const args = [CLI, 'bump', '--repo', repo, '--path', path, '--image', image, '--json', ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], BATON_TOKEN: options.token ?? TOKEN, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

function tags(text: string): Map<string, string> {
  const doc = parse(text) as { images: Array<{ name: string; newTag: string }> };
  return new Map(doc.images.map((entry) => [entry.name, String(entry.newTag)]));
}

/** The api tag after each commit of main, oldest first. */
async function apiHistory(server: GitServer): Promise<string[]> {
  const gitDir = join(server.root, 'env.git');
  const log = await server.log('env', 'main');
  return log
    .slice()
    .reverse()
    .map(
      (entry) =>
        tags(execFileSync('git', ['--git-dir', gitDir, 'show', `${entry.oid}:envs/staging/kustomization.yaml`], { encoding: 'utf8' })).get(
          API,
        )!,
    );
}

describe('concurrent bumps of one branch', () => {
  let server: GitServer;
  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN, 'gitlab-ci-token': KILLED_TOKEN, oauth2: OLDER_TOKEN } });
    await server.createRepo('env', { 'envs/staging/kustomization.yaml': kustomization() }, { branch: 'main' });
  });
  after(() => server.stop());

  it('20 bumps of different images and 3 racing sha-tag bumps, one killed mid-push: the newest wins, nothing older comes back', async () => {
    const url = server.url('env');
    const killedPush = server.hold({ user: 'gitlab-ci-token', service: 'receive-pack' });
    const olderPush = server.hold({ user: 'oauth2', service: 'receive-pack' });
    const killed = bump(url, `${API}:sha-1111111`, { token: KILLED_TOKEN, env: { CI_JOB_TOKEN: KILLED_TOKEN } });
    const older = bump(url, `${API}:sha-2222222`, { token: OLDER_TOKEN, args: ['--forge', 'gitlab'] });
    const others = IMAGES.map((name, i) => bump(url, `${name}:2.0.${i}`));

    // The killed bump has cloned, planned and committed; its push is in flight when kill -9 ends it.
    await killedPush.reached;
    killed.child.kill('SIGKILL');
    assert.equal((await killed.done).signal, 'SIGKILL');
    // The server sees the connection close on its own schedule; release only once it has (events, not time).
    await killedPush.gone;
    killedPush.release();

    // The older bump read the environment before the newer one starts; the newer one lands first.
    await olderPush.reached;
    const newer = await bump(url, `${API}:sha-3333333`).done;
    assert.equal(newer.code, 0, newer.stderr);
    assert.equal(JSON.parse(newer.stdout).changed, 'true');
    olderPush.release();
    const late = await older.done;
    assert.equal(late.code, 0, late.stderr);
    assert.equal(JSON.parse(late.stdout).changed, 'false', `the older value expired instead of overwriting the newer one:\n${late.stderr}`);
    assert.match(late.stderr, /not writing sha-2222222; a newer write landed sha-3333333/);

    const results = await Promise.all(others.map((run) => run.done));
    for (const [i, result] of results.entries()) assert.equal(result.code, 0, `${IMAGES[i]}: ${result.stderr}`);
    const final = tags((await server.readFile('env', 'main', 'envs/staging/kustomization.yaml'))!);
    for (const [i, name] of IMAGES.entries()) assert.equal(final.get(name), `2.0.${i}`, name);
    assert.equal(final.get(API), 'sha-3333333');

    // Later races: five more bumps at once; nothing of the killed or the older bump comes back.
    const again = await Promise.all(IMAGES.slice(0, 5).map((name, i) => bump(url, `${name}:3.0.${i}`).done));
    for (const result of again) assert.equal(result.code, 0, result.stderr);
    const history = await apiHistory(server);
    assert.deepEqual([...new Set(history)], ['sha-0000000', 'sha-3333333'], `api went ${history.join(' → ')}`);

    const log = await server.log('env', 'main');
    assert.equal(log.length, 1 + 20 + 1 + 5, 'one commit per bump that landed, no empty commits');
    for (const [i, entry] of log.slice(0, -1).entries())
      assert.deepEqual(entry.parents, [log[i + 1]!.oid], 'main only moved forward: one line of history, nothing forced over');
    const retried = [...results, ...again].filter((r) => /push rejected \(the branch moved\)/.test(r.stderr)).length;
    assert.ok(retried > 0, 'some bumps lost a race and re-applied their edit');
    const refs = execFileSync('git', ['--git-dir', join(server.root, 'env.git'), 'for-each-ref', '--format=%(refname)'], {
      encoding: 'utf8',
    });
    assert.equal(refs, 'refs/heads/main\n', 'no ref besides main is left behind');
    for (const result of [...results, ...again, newer, late])
      assert.doesNotMatch(result.stderr + result.stdout, new RegExp(`${TOKEN}|${OLDER_TOKEN}`));
  });

  it('racing bumps of semantic versions: the highest lands whatever the order, never a downgrade', async () => {
    await server.createRepo(
      'semver',
      { 'envs/staging/kustomization.yaml': kustomization().replace('sha-0000000', '1.0.0') },
      { branch: 'main' },
    );
    const url = server.url('semver');
    const runs = await Promise.all(['1.2.0', '1.3.0', '1.1.0'].map((tag) => bump(url, `${API}:${tag}`).done));
    for (const result of runs) assert.equal(result.code, 0, result.stderr);
    const final = tags((await server.readFile('semver', 'main', 'envs/staging/kustomization.yaml'))!);
    assert.equal(final.get(API), '1.3.0');
    const subjects = (await server.log('semver', 'main'))
      .reverse()
      .slice(1)
      .map((entry) => /to (\S+)$/.exec(entry.subject)![1]!);
    const sorted = [...subjects].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    assert.deepEqual(subjects, sorted, `api went ${subjects.join(' → ')}`);
  });

  it('bumps of other directories carry their commit onto the new head: each lands changing its own file only', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 8; i++) files[`envs/staging/app-${i}/deployment.yaml`] = `image: registry.example.com/team/app-${i}:1.0.0\n`;
    await server.createRepo('apps', files, { branch: 'main' });
    const url = server.url('apps');
    const held = server.hold({ user: 'oauth2', service: 'receive-pack' });
    const carried = bump(url, 'registry.example.com/team/app-0:2.0.0', {
      token: OLDER_TOKEN,
      args: ['--forge', 'gitlab'],
      path: 'envs/staging/app-0',
    });
    // app-0 has planned and committed on the first head; another bump lands before its push arrives.
    await held.reached;
    const first = await bump(url, 'registry.example.com/team/app-1:2.0.1', { path: 'envs/staging/app-1' }).done;
    assert.equal(first.code, 0, first.stderr);
    held.release();
    const rest = Array.from({ length: 6 }, (_, k) =>
      bump(url, `registry.example.com/team/app-${k + 2}:2.0.${k + 2}`, { path: `envs/staging/app-${k + 2}` }),
    );
    const late = await carried.done;
    assert.equal(late.code, 0, late.stderr);
    assert.match(late.stderr, /push rejected \(the branch moved\)/);
    assert.match(late.stderr, /the same commit is carried onto it/);
    for (const result of await Promise.all(rest.map((run) => run.done))) assert.equal(result.code, 0, result.stderr);

    const gitDir = join(server.root, 'apps.git');
    const log = await server.log('apps', 'main');
    assert.equal(log.length, 1 + 8, 'one commit per bump');
    for (const [i, entry] of log.slice(0, -1).entries()) {
      assert.deepEqual(entry.parents, [log[i + 1]!.oid], 'main only moved forward');
      const changed = execFileSync('git', ['--git-dir', gitDir, 'diff-tree', '-r', '--name-only', '--no-commit-id', entry.oid], {
        encoding: 'utf8',
      });
      const app = /app-(\d)/.exec(entry.subject)?.[1];
      assert.equal(changed, `envs/staging/app-${app}/deployment.yaml\n`, `${entry.subject} changed its own file only`);
    }
    for (let i = 0; i < 8; i++) {
      const text = await server.readFile('apps', 'main', `envs/staging/app-${i}/deployment.yaml`);
      assert.equal(text, `image: registry.example.com/team/app-${i}:2.0.${i}\n`);
    }
  });
});
