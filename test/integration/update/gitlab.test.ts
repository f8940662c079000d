/** Update on GitLab's side: one merge request per environment, opened once and updated in place. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultUpdateDeps } from '../../../src/steps/update/deps.ts';
import { updateStep } from '../../../src/steps/update/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { type GitLabApi, startGitLabApi } from '../../helpers/gitlab-api.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { REGISTRY_PASSWORD, REGISTRY_USER, startUpdateRegistry, type UpdateRegistry } from '../../helpers/update-fixture.ts';

const TOKEN = 'update-gitlab-token-0c4d';

describe('update with GitLab merge requests', () => {
  let git: GitServer;
  let gitlab: GitLabApi;
  let reg: UpdateRegistry;
  let home: string;
  let env: Record<string, string>;

  before(async () => {
    reg = await startUpdateRegistry();
    await reg.push('vendor/app', '2024.05.01', 'v1');
    await reg.tag('vendor/app', '2024.05.01', ['2024.06.01', 'nightly']);
    git = await startGitServer({ users: { oauth2: TOKEN } });
    await git.createRepo(
      'group/env',
      {
        'baton.yaml':
          `environments:\n  qa:\n    path: envs/qa\n    update:\n      - { name: vendor, image: ${reg.proxy.host}/vendor/app, ` +
          `strategy: alphabetical, allow: ["regexp:^\\\\d{4}\\\\."] }\n`,
        'envs/qa/app.yaml':
          `apiVersion: v1\nkind: Pod\nmetadata: { name: app }\nspec:\n  containers:\n    - name: app\n      image: ` +
          `${reg.proxy.host}/vendor/app:2024.05.01\n`,
      },
      { branch: 'main' },
    );
    gitlab = await startGitLabApi({ tokens: { [TOKEN]: 'write' }, projects: ['group/env'] });
    home = await mkdtemp(join(tmpdir(), 'baton-update-gitlab-'));
    await mkdir(join(home, 'docker'));
    await writeFile(
      join(home, 'docker/config.json'),
      JSON.stringify({ auths: { [reg.proxy.host]: { auth: Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64') } } }),
    );
    env = { DOCKER_CONFIG: join(home, 'docker') };
  });
  after(async () => {
    await Promise.all([git?.stop(), gitlab?.stop(), reg?.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  const run = () =>
    runInMemory(
      updateStep(defaultUpdateDeps(env)),
      {
        repo: git.url('group/env'),
        token: TOKEN,
        forge: 'gitlab',
        'api-url': gitlab.url,
        labels: 'deps',
        'insecure-registries': reg.proxy.host,
      },
      env,
    );

  it('opens one MR, then a later run after a new tag updates the same MR', async () => {
    const first = await run();
    assert.equal(first.code, 0, first.error);
    let mrs = gitlab.mergeRequests('group/env');
    assert.equal(mrs.length, 1);
    assert.equal(mrs[0]!.source_branch, 'baton/update/qa');
    assert.equal(mrs[0]!.title, `qa: update ${reg.proxy.host}/vendor/app to 2024.06.01`);
    assert.deepEqual(mrs[0]!.labels, ['deps']);
    assert.equal(first.outputs['pr-url'], mrs[0]!.web_url);
    await reg.tag('vendor/app', '2024.05.01', ['2024.07.01']);
    const second = await run();
    assert.equal(second.code, 0, second.error);
    mrs = gitlab.mergeRequests('group/env');
    assert.equal(mrs.length, 1);
    assert.equal(mrs[0]!.title, `qa: update ${reg.proxy.host}/vendor/app to 2024.07.01`);
    assert.match((await git.readFile('group/env', 'baton/update/qa', 'envs/qa/app.yaml')) ?? '', /vendor\/app:2024\.07\.01\n/);
  });
});
