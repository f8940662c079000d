/**
 * What a bump that lost a push race may land, with real `baton` processes and a real smart-HTTP git
 * server. The race is made certain by holding one bump's push at the server until another bump (or a
 * hand-made commit) has landed: events, never time.
 *
 * Before, a lost race parked its request under refs/baton/queue/… and any later bump applied whatever
 * it found there: a forged queue entry landed a production change that baton.yaml routes through PRs,
 * and a forged done ref made a bump report success. Now no ref but the branch is ever read, and every
 * re-applied request is planned again against baton.yaml, holds and the downgrade rule of the head it
 * lands on.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultBumpDeps } from '../../../src/steps/bump/deps.ts';
import { bumpStep } from '../../../src/steps/bump/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';

const TOKEN = 'race-safety-token-81c3e';
/** The token of the bump whose push is held; the GitLab forge's user name (`oauth2`) tells it apart. */
const HELD_TOKEN = 'race-safety-held-4b07a';
const CLI = join(import.meta.dirname, '../../../dist/cli/index.cjs');
const API = 'ghcr.io/acme/api';
const WEB = 'ghcr.io/acme/web';

const BATON_YAML = 'environments:\n  staging:\n    path: envs/staging\n  production:\n    path: envs/production\n    mode: pr\n';

function kustomization(api: string, web: string, holdLine = ''): string {
  return (
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n${holdLine}  - name: ${API}\n    newTag: ${api}\n  - ` +
    `name: ${WEB}\n    newTag: ${web}\n`
  );
}

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `baton bump --env <env>` as its own process; `held` runs it with the token whose push the server holds. */
function bump(url: string, env: string, image: string, held = false): Promise<Result> {
  const args = [CLI, 'bump', '--repo', url, '--env', env, '--image', image, '--json', ...(held ? ['--forge', 'gitlab'] : [])];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], BATON_TOKEN: held ? HELD_TOKEN : TOKEN },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('push races: only a current, authorised request lands', () => {
  let server: GitServer;
  let n = 0;
  const gitDir = (repo: string) => join(server.root, `${repo}.git`);
  const git = (repo: string, args: string[]) => execFileSync('git', ['--git-dir', gitDir(repo), ...args], { encoding: 'utf8' }).trim();

  async function freshRepo(): Promise<string> {
    const name = `env-${++n}`;
    await server.createRepo(name, {
      'baton.yaml': BATON_YAML,
      'envs/staging/kustomization.yaml': kustomization('1.0.0', '1.0.0'),
      'envs/production/kustomization.yaml': kustomization('1.0.0', '1.0.0'),
    });
    return name;
  }

  /** Runs `first` with its push held until `meanwhile` is done, then lets it through: its push loses for certain. */
  async function raced(repo: string, first: (url: string) => Promise<Result>, meanwhile: () => Promise<unknown>): Promise<Result> {
    const hold = server.hold({ user: 'oauth2', service: 'receive-pack' });
    const run = first(server.url(repo));
    await hold.reached;
    await meanwhile();
    hold.release();
    return run;
  }

  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN, oauth2: HELD_TOKEN } });
  });
  after(() => server.stop());

  it('forged queue and done refs pushed by hand change nothing and make no bump report success', async () => {
    const repo = await freshRepo();
    // A forger who may push refs but not main: a production downgrade parked as a queue entry the old
    // design would apply, and a done ref naming it.
    const forged = await server.commitFiles(
      repo,
      'main',
      { 'envs/production/kustomization.yaml': kustomization('0.0.1-evil', '1.0.0') },
      'sneaky\n\nBaton-Request: {"path":"envs/production","images":["ghcr.io/acme/api:0.0.1-evil"],"pin":"tag","allowDowngrade":true}\n',
    );
    git(repo, ['update-ref', 'refs/heads/main', 'HEAD~1']);
    git(repo, ['update-ref', 'refs/baton/queue/main/000000001-deadbeef', forged]);
    git(repo, ['update-ref', 'refs/baton/done/main/000000002-deadbeef', forged]);
    const seeded = git(repo, ['rev-parse', 'refs/heads/main']);

    let other: Result | undefined;
    const late = await raced(
      repo,
      (url) => bump(url, 'staging', `${WEB}:2.0.0`, true),
      async () => {
        other = await bump(server.url(repo), 'staging', `${API}:1.1.0`);
      },
    );
    const log = await server.log(repo, 'main');
    assert.ok(!log.some((c) => /sneaky|evil/.test(c.message)), 'the forged commit is not in main');
    assert.equal(await server.readFile(repo, 'main', 'envs/production/kustomization.yaml'), kustomization('1.0.0', '1.0.0'));
    for (const result of [other!, late]) {
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).changed, 'true');
    }
    assert.match(late.stderr, /push rejected \(the branch moved\)/, 'the held bump lost the race');
    assert.deepEqual(
      log.map((c) => c.oid).slice(0, 3),
      [JSON.parse(late.stdout).commit, JSON.parse(other!.stdout).commit, seeded],
      'both landed on main, one after the other',
    );
    assert.equal(
      git(repo, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/baton']),
      `refs/baton/done/main/000000002-deadbeef ${forged}\nrefs/baton/queue/main/000000001-deadbeef ${forged}`,
      'the forged refs are neither read nor touched',
    );
  });

  it('a rollback hold that lands while a bump waits to push stops it on the head it would land on', async () => {
    const repo = await freshRepo();
    const hold =
      `  # baton-hold: ${API} by "alice" on 2030-01-01T00:00:00.000Z reason "errors"; release: baton release-hold --env staging ` +
      `--image ${API}\n`;
    const late = await raced(
      repo,
      (url) => bump(url, 'staging', `${API}:1.2.0`, true),
      () =>
        server.commitFiles(repo, 'main', { 'envs/staging/kustomization.yaml': kustomization('1.0.0', '1.0.0', hold) }, 'staging: hold api'),
    );
    assert.equal(late.code, 0, late.stderr);
    assert.equal(JSON.parse(late.stdout).changed, 'false');
    assert.match(late.stderr, /held/i);
    assert.equal(await server.readFile(repo, 'main', 'envs/staging/kustomization.yaml'), kustomization('1.0.0', '1.0.0', hold));
  });

  it('a baton.yaml that switched the environment to mode: pr meanwhile refuses the push with exit 2', async () => {
    const repo = await freshRepo();
    const prYaml = BATON_YAML.replace('path: envs/staging\n', 'path: envs/staging\n    mode: pr\n');
    const late = await raced(
      repo,
      (url) => bump(url, 'staging', `${API}:1.2.0`, true),
      () => server.commitFiles(repo, 'main', { 'baton.yaml': prYaml }, 'staging goes through PRs'),
    );
    assert.equal(late.code, 2, late.stderr);
    assert.match(late.stderr, /baton\.yaml on the newest head of main now says mode: pr for "staging"; nothing was pushed/);
    assert.equal(await server.readFile(repo, 'main', 'envs/staging/kustomization.yaml'), kustomization('1.0.0', '1.0.0'));
  });

  it('a semantic version another bump raised meanwhile is never lowered by the late one', async () => {
    const repo = await freshRepo();
    const late = await raced(
      repo,
      (url) => bump(url, 'staging', `${API}:1.2.0`, true),
      () => bump(server.url(repo), 'staging', `${API}:1.5.0`),
    );
    assert.equal(late.code, 0, late.stderr);
    assert.equal(JSON.parse(late.stdout).changed, 'false');
    assert.match((await server.readFile(repo, 'main', 'envs/staging/kustomization.yaml')) ?? '', /newTag: 1\.5\.0/);
  });

  it('a bump that loses every race up to its bound ends with exit 1 saying nothing landed, and leaves nothing behind', async () => {
    const repo = await freshRepo();
    const deps = { ...defaultBumpDeps({}), retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } };
    const first = server.hold({ user: 'oauth2', service: 'receive-pack' });
    const run = runInMemory(bumpStep(deps), {
      repo: server.url(repo),
      token: HELD_TOKEN,
      forge: 'gitlab',
      env: 'staging',
      image: `${API}:1.2.0`,
    });
    await first.reached;
    await server.commitFiles(repo, 'main', { 'notes-0.md': 'someone else\n' }, 'other change 0');
    // The next push of the same bump is held too, so it loses again for certain.
    const second = server.hold({ user: 'oauth2', service: 'receive-pack' });
    first.release();
    await second.reached;
    await server.commitFiles(repo, 'main', { 'notes-1.md': 'someone else\n' }, 'other change 1');
    second.release();
    const result = await run;
    assert.equal(result.code, 1, result.error);
    assert.match(result.error ?? '', /push to main was rejected 2 times because others pushed first; nothing of this run landed/);
    assert.match((await server.readFile(repo, 'main', 'envs/staging/kustomization.yaml')) ?? '', /newTag: 1\.0\.0/);
    assert.equal(git(repo, ['for-each-ref', 'refs/baton']), '');
  });
});
