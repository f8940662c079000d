/**
 * Update in push mode: it commits where the environment allows pushes, opens a PR where baton.yaml says
 * mode pr, leaves an image a rollback holds alone, and never lowers a version the files hold above the
 * policy's choice.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultUpdateDeps } from '../../../src/steps/update/deps.ts';
import { updateStep } from '../../../src/steps/update/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { REGISTRY_PASSWORD, REGISTRY_USER, startUpdateRegistry, type UpdateRegistry } from '../../helpers/update-fixture.ts';

const TOKEN = 'update-push-token-6a0e';

describe('update in push mode', () => {
  let git: GitServer;
  let github: GitHubApi;
  let reg: UpdateRegistry;
  let home: string;
  let env: Record<string, string>;
  let files: Record<string, string>;

  before(async () => {
    reg = await startUpdateRegistry();
    const host = reg.proxy.host;
    await reg.push('acme/cache', '7.0.0', 'cache');
    await reg.tag('acme/cache', '7.0.0', ['7.2.0', '7.4.1']);
    await reg.push('acme/queue', '3.1.0', 'queue');
    await reg.tag('acme/queue', '3.1.0', ['3.2.0']);
    await reg.push('acme/search', '2024.01', 'search');
    await reg.tag('acme/search', '2024.01', ['2024.03', '2023.12']);
    files = {
      'baton.yaml': [
        'policies:',
        `  cache: { image: ${host}/acme/cache, strategy: semver, range: "^7" }`,
        `  queue: { image: ${host}/acme/queue, strategy: semver }`,
        `  search: { image: ${host}/acme/search, strategy: alphabetical }`,
        'environments:',
        '  dev:',
        '    path: envs/dev',
        '    update: [cache, queue, search]',
        '  prod:',
        '    path: envs/prod',
        '    mode: pr',
        '    update: [cache]',
        '',
      ].join('\n'),
      'envs/dev/kustomization.yaml': [
        'images:',
        `  - name: ${host}/acme/cache`,
        '    newTag: 7.0.0',
        `  # baton-hold: ${host}/acme/queue by "alice" on 2024-06-01T10:00:00.000Z reason "leaks memory"; release: baton ` +
          `release-hold --env dev --image ${host}/acme/queue`,
        `  - name: ${host}/acme/queue`,
        '    newTag: 3.1.0',
        `  - name: ${host}/acme/search`,
        '    newTag: "2024.06"',
        '',
      ].join('\n'),
      'envs/prod/kustomization.yaml': `images:\n  - name: ${host}/acme/cache\n    newTag: 7.0.0\n`,
    };
    git = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await git.createRepo('acme/env', files, { branch: 'main' });
    github = await startGitHubApi({ tokens: { [TOKEN]: 'write' }, repos: [{ name: 'acme/env' }] });
    github.onRequest(async () => {
      if (await git.head('acme/env', 'baton/update/prod')) github.pushBranch('acme/env', 'baton/update/prod');
    });
    home = await mkdtemp(join(tmpdir(), 'baton-update-push-'));
    await mkdir(join(home, 'docker'));
    await writeFile(
      join(home, 'docker/config.json'),
      JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64') } } }),
    );
    env = { DOCKER_CONFIG: join(home, 'docker') };
  });
  after(async () => {
    await Promise.all([git?.stop(), github?.stop(), reg?.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  it('pushes to dev, keeps the held image and the higher version, and opens a PR for prod', async () => {
    const result = await runInMemory(
      updateStep(defaultUpdateDeps(env)),
      {
        repo: git.url('acme/env'),
        token: TOKEN,
        mode: 'push',
        forge: 'github',
        'api-url': github.url,
        'insecure-registries': reg.proxy.host,
      },
      env,
    );
    assert.equal(result.code, 0, result.error);
    const dev = await git.readFile('acme/env', 'main', 'envs/dev/kustomization.yaml');
    // Only the cache line changed: queue is held, search already holds 2024.06, above the policy's 2024.03.
    assert.equal(dev, files['envs/dev/kustomization.yaml']!.replace('newTag: 7.0.0', 'newTag: 7.4.1'));
    const [commit] = await git.log('acme/env', 'main');
    assert.match(commit!.message, /^dev: update [^\n]+acme\/cache to 7\.4\.1\n/);
    assert.match(commit!.message, /Baton-Policy: cache/);
    assert.ok(
      result.logs.some((l) => /acme\/queue is held by a rollback \(leaks memory\)/.test(l)),
      result.logs.join('\n'),
    );
    assert.ok(
      result.logs.some((l) => /kept 2024\.06; policy search ranks it above 2024\.03/.test(l)),
      result.logs.join('\n'),
    );
    // prod says mode pr: no push to main there, a PR instead.
    assert.equal(await git.readFile('acme/env', 'main', 'envs/prod/kustomization.yaml'), files['envs/prod/kustomization.yaml']);
    assert.deepEqual(
      github.pulls('acme/env').map((p) => p.head.ref),
      ['baton/update/prod'],
    );
    assert.ok(result.logs.some((l) => /prod: baton\.yaml sets mode pr; opening a request instead of pushing/.test(l)));
  });

  it('dry-run shows the diff and writes nothing', async () => {
    await reg.tag('acme/cache', '7.0.0', ['7.5.0']);
    const head = await git.head('acme/env', 'main');
    const result = await runInMemory(
      updateStep(defaultUpdateDeps(env)),
      { repo: git.url('acme/env'), token: TOKEN, mode: 'push', env: 'dev', 'dry-run': 'true', 'insecure-registries': reg.proxy.host },
      env,
    );
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['changed'], 'true');
    assert.match(result.summary, /- {4}newTag: 7\.4\.1\n\+ {4}newTag: 7\.5\.0/);
    assert.equal(await git.head('acme/env', 'main'), head);
  });
});
