/**
 * dist/update/index.cjs run as the GitHub runner runs it: a scheduled run opens the environment's PR
 * with the registry's newest allowed version, sets every output and the summary, masks the tokens;
 * the next run with the kept cache file changes nothing and asks the registry only conditionally.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REGISTRY_PASSWORD, REGISTRY_USER, startUpdateRegistry, type UpdateRegistry } from '../helpers/update-fixture.ts';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.ts';
import { runAction } from '../helpers/runner.ts';

const TOKEN = 'gh-update-token-8d21c';

describe('dist/update/index.cjs run as the GitHub runner runs it', () => {
  let git: GitServer;
  let github: GitHubApi;
  let reg: UpdateRegistry;
  let home: string;
  let env: Record<string, string>;
  let inputs: Record<string, string>;

  before(async () => {
    reg = await startUpdateRegistry();
    await reg.push('acme/db', '15.1', 'db');
    await reg.tag('acme/db', '15.1', ['15.4', '16.0', '15.5-rc1']);
    git = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await git.createRepo(
      'acme/env',
      {
        'baton.yaml':
          `policies:\n  db:\n    image: ${reg.proxy.host}/acme/db\n    strategy: semver\n    range: "~15"\nenvironments:\n  staging:\n ` +
          `   path: envs/staging\n    update: [db]\n`,
        'envs/staging/values.yaml': `db:\n  image:\n    repository: ${reg.proxy.host}/acme/db\n    tag: "15.1"\n`,
      },
      { branch: 'main' },
    );
    github = await startGitHubApi({ tokens: { [TOKEN]: 'write' }, repos: [{ name: 'acme/env' }] });
    github.onRequest(async () => {
      if (await git.head('acme/env', 'baton/update/staging')) github.pushBranch('acme/env', 'baton/update/staging');
    });
    home = await mkdtemp(join(tmpdir(), 'baton-gh-update-'));
    await mkdir(join(home, 'docker'));
    const auth = Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64');
    await writeFile(join(home, 'docker/config.json'), JSON.stringify({ auths: { [reg.proxy.host]: { auth } } }));
    env = {
      DOCKER_CONFIG: join(home, 'docker'),
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://forge.example',
      GITHUB_REPOSITORY: 'acme/env',
      GITHUB_RUN_ID: '77',
    };
    inputs = {
      repo: git.url('acme/env'),
      token: TOKEN,
      forge: 'github',
      mode: 'pr',
      cache: join(home, 'cache/tags.json'),
      'insecure-registries': reg.proxy.host,
      'dry-run': 'false',
    };
  });
  after(async () => {
    await Promise.all([git?.stop(), github?.stop(), reg?.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  it('opens the PR, writes GITHUB_OUTPUT and the summary, masks the token', async () => {
    const run = await runAction('update', inputs, env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs['changed'], 'true');
    const [pull] = github.pulls('acme/env');
    assert.equal(pull?.title, 'staging: update ' + `${reg.proxy.host}/acme/db to 15.4`);
    assert.equal(run.outputs['pr-url'], pull?.html_url);
    assert.deepEqual(
      JSON.parse(run.outputs['updates']!).map((u: { old: string; new: string }) => [u.old, u.new]),
      [['15.1', '15.4']],
    );
    assert.match(run.summary, /### Baton update/);
    assert.match(run.summary, /\| staging \| \[`[^`]+acme\/db`\]/);
    assert.match(run.stdout, new RegExp(`::add-mask::${TOKEN}`));
    assert.doesNotMatch(run.stdout.replace(`::add-mask::${TOKEN}`, '') + run.stderr, new RegExp(`${TOKEN}|${REGISTRY_PASSWORD}`));
    assert.match((await git.readFile('acme/env', 'baton/update/staging', 'envs/staging/values.yaml')) ?? '', /tag: "15\.4"/);
  });

  it('the next run with the kept cache changes nothing and sends one conditional listing', async () => {
    const start = reg.proxy.requests.length;
    const run = await runAction('update', inputs, env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs['changed'], 'false');
    for (const name of ['updates', 'pr-url', 'commit', 'files']) assert.ok(name in run.outputs, `output ${name} is set`);
    assert.deepEqual(
      reg.listings(start).map((l) => l.status),
      [304],
    );
    assert.equal(github.pulls('acme/env').length, 1);
  });
});
