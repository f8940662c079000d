import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bumpStep } from '../../../src/steps/bump/step.ts';
import { defaultBumpDeps } from '../../../src/steps/bump/deps.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { type GitLabApi, startGitLabApi } from '../../helpers/gitlab-api.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';

const TOKEN = 'bump-pr-token-77aa1';
const FILES: Record<string, string> = {
  'baton.yaml': 'environments:\n  production:\n    path: envs/production\n    mode: pr\n',
  'envs/production/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - ' +
    'name: api\n          image: ghcr.io/acme/api:1.0.0 # prod\n',
};

/** Makes the forge test server see the branches that really exist on the git server, as a forge would. */
async function syncBranches(git: GitServer, repo: string, add: (branch: string) => void): Promise<void> {
  for (const branch of ['baton/production/ghcr.io-acme-api']) {
    if (await git.head(repo, branch)) add(branch);
  }
}

describe('bump in PR mode', () => {
  let git: GitServer;
  let github: GitHubApi;
  let gitlab: GitLabApi;
  const step = bumpStep(defaultBumpDeps({}));

  before(async () => {
    git = await startGitServer({ users: { 'x-access-token': TOKEN, oauth2: TOKEN } });
    await git.createRepo('acme/env', FILES, { branch: 'main' });
    await git.createRepo('group/env', FILES, { branch: 'main' });
    github = await startGitHubApi({
      tokens: { [TOKEN]: 'write' },
      repos: [{ name: 'acme/env', allowAutoMerge: true, requiredChecks: true }],
    });
    github.onRequest(() => syncBranches(git, 'acme/env', (b) => github.pushBranch('acme/env', b)));
    gitlab = await startGitLabApi({ tokens: { [TOKEN]: 'write' }, projects: ['group/env'] });
  });
  after(async () => {
    await Promise.all([git.stop(), github.stop(), gitlab.stop()]);
  });

  it('GitHub: opens a PR from a deterministic branch with the old → new table and labels', async () => {
    const result = await runInMemory(step, {
      repo: git.url('acme/env'),
      token: TOKEN,
      env: 'production',
      image: 'ghcr.io/acme/api:1.1.0',
      forge: 'github',
      'api-url': github.url,
      labels: 'deploy, production',
      'auto-merge': 'true',
    });
    assert.equal(result.code, 0, result.error);
    const pulls = github.pulls('acme/env');
    assert.equal(pulls.length, 1);
    const pull = pulls[0]!;
    assert.equal(pull.head.ref, 'baton/production/ghcr.io-acme-api');
    assert.equal(pull.base.ref, 'main');
    assert.equal(pull.title, 'production: bump ghcr.io/acme/api to 1.1.0');
    assert.match(
      pull.body ?? '',
      /\| `ghcr\.io\/acme\/api` \| `envs\/production\/deployment\.yaml:10` \| `ghcr\.io\/acme\/api:1\.0\.0` \| `ghcr\.io\/acme\/api:1\.1\.0` \|/,
    );
    assert.deepEqual(pull.labels.map((l) => l.name).sort(), ['deploy', 'production']);
    assert.ok(pull.auto_merge, 'auto-merge is enabled');
    assert.equal(result.outputs['pr-url'], pull.html_url);
    assert.equal(result.outputs['pr-number'], String(pull.number));
    assert.equal(result.outputs['changed'], 'true');
    // main is untouched; the change waits on the PR branch
    assert.equal(await git.readFile('acme/env', 'main', 'envs/production/deployment.yaml'), FILES['envs/production/deployment.yaml']);
    assert.match(
      (await git.readFile('acme/env', 'baton/production/ghcr.io-acme-api', 'envs/production/deployment.yaml')) ?? '',
      /api:1\.1\.0 # prod/,
    );
    assert.doesNotMatch(JSON.stringify(github.requests), new RegExp(`"body":"[^"]*${TOKEN}`));
  });

  it('GitHub: a later bump updates the open PR instead of opening another; a re-run pushes nothing', async () => {
    const inputs = {
      repo: git.url('acme/env'),
      token: TOKEN,
      env: 'production',
      image: 'ghcr.io/acme/api:1.2.0',
      forge: 'github',
      'api-url': github.url,
    };
    const later = await runInMemory(step, inputs);
    assert.equal(later.code, 0, later.error);
    const pulls = github.pulls('acme/env');
    assert.equal(pulls.length, 1);
    assert.equal(pulls[0]!.title, 'production: bump ghcr.io/acme/api to 1.2.0');
    assert.match(
      (await git.readFile('acme/env', 'baton/production/ghcr.io-acme-api', 'envs/production/deployment.yaml')) ?? '',
      /api:1\.2\.0 # prod/,
    );
    const head = await git.head('acme/env', 'baton/production/ghcr.io-acme-api');
    const again = await runInMemory(step, inputs);
    assert.equal(again.code, 0, again.error);
    assert.equal(await git.head('acme/env', 'baton/production/ghcr.io-acme-api'), head);
    assert.equal(again.outputs['commit'], head);
    assert.equal(github.pulls('acme/env').length, 1);
  });

  it('GitLab: opens then updates one merge request', async () => {
    const inputs = {
      repo: git.url('group/env'),
      token: TOKEN,
      env: 'production',
      forge: 'gitlab',
      'api-url': gitlab.url,
      labels: 'deploy',
    };
    const first = await runInMemory(step, { ...inputs, image: 'ghcr.io/acme/api:1.1.0' });
    assert.equal(first.code, 0, first.error);
    const second = await runInMemory(step, { ...inputs, image: 'ghcr.io/acme/api:1.3.0' });
    assert.equal(second.code, 0, second.error);
    const mrs = gitlab.mergeRequests('group/env');
    assert.equal(mrs.length, 1);
    assert.equal(mrs[0]!.source_branch, 'baton/production/ghcr.io-acme-api');
    assert.equal(mrs[0]!.target_branch, 'main');
    assert.equal(mrs[0]!.title, 'production: bump ghcr.io/acme/api to 1.3.0');
    assert.deepEqual(mrs[0]!.labels, ['deploy']);
    assert.equal(second.outputs['pr-url'], mrs[0]!.web_url);
    assert.equal(second.outputs['pr-number'], String(mrs[0]!.iid));
  });
});
