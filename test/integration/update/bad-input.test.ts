/**
 * Update refuses bad policies before it asks any registry or writes anything: exit 2, the policy and
 * field named, the env repo and every branch unchanged, no request to the registry.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultUpdateDeps } from '../../../src/steps/update/deps.ts';
import { updateStep } from '../../../src/steps/update/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { type RegistryProxy, startRegistryProxy } from '../../helpers/registry-proxy.ts';
import { type RunningRegistry, startRegistry } from '../../helpers/registry.ts';

const TOKEN = 'update-bad-input-token-93f1';
const CLI = join(import.meta.dirname, '../../../src/entry/cli.ts');
const CLONES = await mkdtemp(join(tmpdir(), 'baton-test-update-clones-'));

function repoFiles(host: string, policy: string): Record<string, string> {
  return {
    'baton.yaml': `policies:\n  web:\n    image: ${host}/acme/web\n${policy}environments:\n  staging:\n    path: envs/staging\n    update: [web]\n`,
    'envs/staging/kustomization.yaml': `images:\n  - name: ${host}/acme/api\n    newTag: 1.0.0\n`,
  };
}

describe('update refuses bad policies: exit 2, the policy named, nothing written, no registry asked', () => {
  let git: GitServer;
  let github: GitHubApi;
  let registry: RunningRegistry;
  let proxy: RegistryProxy;

  const cases: Array<[string, string, string, RegExp]> = [
    [
      'invalid semver range',
      'range',
      '    strategy: semver\n    range: "=>1.0"\n',
      /policies\.web\.range: "=>1\.0" is not a valid semver range/,
    ],
    [
      'filter without the extract group',
      'filter',
      '    strategy: numerical\n    filter:\n      pattern: "^main-[a-f0-9]+-([0-9]+)$"\n      extract: "$ts"\n',
      /policies\.web\.filter\.extract: "\$ts" refers to group "ts", which the pattern .* does not have/,
    ],
    ['unknown strategy', 'strategy', '    strategy: latest-semver\n', /policies\.web\.strategy: unknown strategy "latest-semver"/],
    // The policy is fine, but its image (acme/web) is written nowhere in the environment (acme/api is).
    [
      'a policy for an image found nowhere',
      'nowhere',
      '    strategy: semver\n',
      /policies\.web: .*acme\/web is not found in any kustomization, manifest, Helm values file or marker under envs\/staging/,
    ],
  ];

  before(async () => {
    registry = await startRegistry();
    proxy = await startRegistryProxy(registry.url, { paginateTags: true, etags: true });
    git = await startGitServer({ users: { 'x-access-token': TOKEN } });
    for (const [, name, policy] of cases) await git.createRepo(`acme/${name}`, repoFiles(proxy.host, policy), { branch: 'main' });
    // A policy whose image is in the files but whose repository the registry does not have.
    await git.createRepo(
      'acme/unlisted',
      {
        ...repoFiles(proxy.host, '    strategy: semver\n'),
        'envs/staging/web.yaml': `image:\n  repository: ${proxy.host}/acme/web\n  tag: 1.0.0\n`,
      },
      { branch: 'main' },
    );
    github = await startGitHubApi({
      tokens: { [TOKEN]: 'write' },
      repos: [...cases.map(([, name]) => ({ name: `acme/${name}` })), { name: 'acme/unlisted' }],
    });
  });
  after(async () => {
    await Promise.all([git?.stop(), github?.stop(), proxy?.stop()]);
    await registry?.stop();
    await rm(CLONES, { recursive: true, force: true });
  });

  for (const [title, name, , message] of cases) {
    it(title, async () => {
      const log = await git.log(`acme/${name}`, 'main');
      const pushes = git.requestCount('receive-pack');
      const registryRequests = proxy.requests.length;
      const env = { RUNNER_TEMP: CLONES };
      const result = await runInMemory(
        updateStep(defaultUpdateDeps(env)),
        { repo: git.url(`acme/${name}`), token: TOKEN, forge: 'github', 'api-url': github.url, 'insecure-registries': proxy.host },
        env,
      );
      assert.equal(result.code, 2, result.error);
      assert.match(result.error ?? '', message);
      assert.match(result.error ?? '', /policies\.web/);
      assert.deepEqual(await git.log(`acme/${name}`, 'main'), log);
      assert.equal(git.requestCount('receive-pack'), pushes, 'nothing pushed');
      assert.equal(github.pulls(`acme/${name}`).length, 0, 'no PR opened');
      assert.equal(proxy.requests.length, registryRequests, 'no registry asked');
      assert.deepEqual(await readdir(CLONES), [], 'no clone left behind');
    });
  }

  it('a repository the registry does not have: exit 2 naming the policy, nothing written', async () => {
    const log = await git.log('acme/unlisted', 'main');
    const env = { RUNNER_TEMP: CLONES };
    const result = await runInMemory(
      updateStep(defaultUpdateDeps(env)),
      { repo: git.url('acme/unlisted'), token: TOKEN, forge: 'github', 'api-url': github.url, 'insecure-registries': proxy.host },
      env,
    );
    assert.equal(result.code, 2, result.error);
    assert.match(result.error ?? '', /^policies\.web: .*acme\/web does not exist/);
    assert.deepEqual(await git.log('acme/unlisted', 'main'), log);
    assert.deepEqual(await readdir(CLONES), []);
  });

  it('the CLI exits 2 with the same message', async () => {
    // Asynchronously: the git server answers from this process.
    const cli = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'update', '--repo', git.url('acme/range'), '--insecure-registries', proxy.host], {
        env: { ...process.env, BATON_TOKEN: TOKEN, RUNNER_TEMP: CLONES },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stderr }));
    });
    assert.equal(cli.status, 2, cli.stderr);
    assert.match(cli.stderr, /policies\.web\.range: "=>1\.0" is not a valid semver range/);
  });

  it('bad step inputs: page-size and write without import', async () => {
    const run = (inputs: Record<string, string>) =>
      runInMemory(updateStep(defaultUpdateDeps({ RUNNER_TEMP: CLONES })), { repo: git.url('acme/nowhere'), token: TOKEN, ...inputs });
    const size = await run({ 'page-size': '0' });
    assert.equal(size.code, 2);
    assert.match(size.error ?? '', /page-size: 0 is not a whole number from 1 to 10000/);
    const write = await run({ write: 'true' });
    assert.equal(write.code, 2);
    assert.match(write.error ?? '', /write: only goes with import/);
    const env = await run({ env: 'production' });
    assert.equal(env.code, 2);
    assert.match(env.error ?? '', /env: "production" is not an environment in baton\.yaml \(known: staging\)/);
  });
});
