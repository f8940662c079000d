import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bumpStep } from '../../../src/steps/bump/step.ts';
import { defaultBumpDeps } from '../../../src/steps/bump/deps.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';

const TOKEN = 'bad-input-token-4c2e1';
const CLI = join(import.meta.dirname, '../../../src/entry/cli.ts');
const FILES: Record<string, string> = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n  broken:\n    path: envs/broken\n  outside:\n    path: envs/link\n',
  'envs/staging/kustomization.yaml': 'images:\n  - name: ghcr.io/acme/api\n    newTag: 1.0.0\n',
  'envs/broken/kustomization.yaml': 'images:\n  - name: ghcr.io/acme/api\n    newTag: 1.0.0\n',
  'envs/broken/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ' +
    'ghcr.io/acme/api:1.0.0\n          ports: [8080\n',
  'envs/with-link/kustomization.yaml': 'images:\n  - name: ghcr.io/acme/api\n    newTag: 1.0.0\n',
};

/** Clones of this file's bumps go to their own temp dir, so the check is not disturbed by other tests. */
const CLONES = await mkdtemp(join(tmpdir(), 'baton-test-clones-'));

async function leftClones(): Promise<string[]> {
  return readdir(CLONES);
}

describe('bump refuses bad input: exit 2, the input named, nothing pushed', () => {
  let server: GitServer;
  const step = bumpStep(defaultBumpDeps({ RUNNER_TEMP: CLONES }));
  const run = (inputs: Record<string, string>) => runInMemory(step, { repo: server.url('env'), token: TOKEN, ...inputs });

  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await server.createRepo('env', FILES, { branch: 'main' });
    // Symlinks: an environment directory and a file that point outside the repo, pushed with plain git.
    const work = await mkdtemp(join(tmpdir(), 'baton-test-symlink-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', work, ...args], { encoding: 'utf8' });
    execFileSync('git', ['clone', '-q', join(server.root, 'env.git'), work]);
    await symlink('../../../../etc', join(work, 'envs/link'));
    await symlink('/etc/hostname', join(work, 'envs/staging/escape.yaml'));
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'symlinks');
    git('push', '-q', 'origin', 'HEAD:main');
    await rm(work, { recursive: true, force: true });
  });
  after(async () => {
    await server.stop();
    await rm(CLONES, { recursive: true, force: true });
  });

  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      'malformed YAML names file:line:col',
      { env: 'broken', image: 'ghcr.io/acme/api:1.1.0' },
      'envs/broken/deployment.yaml',
      /envs\/broken\/deployment\.yaml:\d+:\d+: malformed YAML/,
    ],
    [
      'invalid image reference',
      { env: 'staging', image: 'ghcr.io/Acme//api:1.1.0' },
      'image',
      /image: "ghcr\.io\/Acme\/\/api:1\.1\.0" is not a valid image reference: it has an empty path component/,
    ],
    [
      'tag outside the OCI grammar',
      { env: 'staging', image: 'ghcr.io/acme/api:-1.1.0' },
      'image',
      /image: "-1\.1\.0" is not a valid tag: it starts with "-"/,
    ],
    ['image without tag or digest', { env: 'staging', image: 'ghcr.io/acme/api' }, 'image', /has neither a tag nor a digest/],
    [
      'unknown env',
      { env: 'prod', image: 'ghcr.io/acme/api:1.1.0' },
      'env',
      /env: "prod" is not an environment in baton\.yaml \(known: staging, broken, outside\)/,
    ],
    [
      'path escaping with ..',
      { path: 'envs/../../etc', image: 'ghcr.io/acme/api:1.1.0' },
      'path',
      /path: "envs\/\.\.\/\.\.\/etc" leaves the repo/,
    ],
    ['absolute path', { path: '/etc', image: 'ghcr.io/acme/api:1.1.0' }, 'path', /path: "\/etc" is absolute/],
    ['path that does not exist', { path: 'envs/nowhere', image: 'ghcr.io/acme/api:1.1.0' }, 'path', /path: "envs\/nowhere" does not exist/],
    ['image found nowhere', { path: 'envs/with-link', image: 'ghcr.io/acme/other:1.0.0' }, 'image', /ghcr\.io\/acme\/other.*not found/],
    [
      'pin digest without a digest',
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', pin: 'digest' },
      'image',
      /has no digest, but pin "digest" writes one/,
    ],
    ['bad pin', { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', pin: 'sha' }, 'pin', /pin: "sha" is not one of/],
    [
      'bad author',
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', author: 'nobody' },
      'author',
      /author: "nobody" is not "Name <email>"/,
    ],
    [
      'max-file-size that is not a size',
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', 'max-file-size': 'lots' },
      'max-file-size',
      /max-file-size: "lots" is not a size/,
    ],
    [
      'max-file-size of zero',
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', 'max-file-size': '0' },
      'max-file-size',
      /max-file-size: "0" is not a size/,
    ],
    [
      'policy that is no policy name',
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', policy: 'Flux/API' },
      'policy',
      /policy: "Flux\/API" is not a Flux image policy name/,
    ],
    [
      'policy with two images',
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0\nghcr.io/acme/web:1.0.0', policy: 'flux-system:api' },
      'policy',
      /policy: a policy stands for one image, but 2 images are given/,
    ],
    ['unknown branch', { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', branch: 'nope' }, 'branch', /branch/],
    ['unknown repo', { repo: 'REPLACED', env: 'staging', image: 'ghcr.io/acme/api:1.1.0' }, 'repo', /repo/],
    [
      'the token inside the message',
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', message: `release ${TOKEN}` },
      'message',
      /message: holds the value of the token input, a secret/,
    ],
    [
      'the token inside a label',
      { env: 'staging', image: 'ghcr.io/acme/api:1.1.0', mode: 'pr', labels: `ok,${TOKEN}` },
      'labels',
      /labels: holds the value of the token input/,
    ],
  ];
  for (const [title, inputs, input, message] of cases) {
    it(title, async () => {
      const before = await server.log('env', 'main');
      const clones = await leftClones();
      const result = await run(inputs.repo === 'REPLACED' ? { ...inputs, repo: server.url('missing') } : inputs);
      assert.equal(result.code, 2, `${input}: ${result.error}`);
      assert.match(result.error ?? '', message);
      assert.ok((result.error ?? '').includes(input), `the message names ${input}: ${result.error}`);
      assert.deepEqual(await server.log('env', 'main'), before, 'nothing was pushed');
      assert.deepEqual(await leftClones(), clones, 'no clone is left behind');
      assert.deepEqual(clones, []);
    });
  }

  it('an environment path that is a symlink out of the repo is refused', async () => {
    const result = await run({ env: 'outside', image: 'ghcr.io/acme/api:1.1.0' });
    assert.equal(result.code, 2, result.error);
    assert.match(result.error ?? '', /path: "envs\/link" (leads outside the env repo through a symlink|does not exist)/);
  });

  it('a file that is a symlink out of the repo is refused', async () => {
    const result = await run({ env: 'staging', image: 'ghcr.io/acme/api:1.1.0' });
    assert.equal(result.code, 2, result.error);
    assert.match(result.error ?? '', /path: envs\/staging\/escape\.yaml is a symlink that leads outside the env repo/);
  });

  it('the CLI exits 2 and refuses a token on the command line', () => {
    const cli = spawnSync(
      process.execPath,
      [CLI, 'bump', '--repo', server.url('env'), '--env', 'staging', '--image', 'ghcr.io/acme/api:1.1.0', '--token', 'secret-on-argv'],
      { encoding: 'utf8' },
    );
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /token: a secret on the command line shows in process listings; pass it through BATON_TOKEN or --token-file/);
    const unknown = spawnSync(process.execPath, [CLI, 'bump', '--bogus'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown option '--bogus'.*baton bump --help/);
  });
});
