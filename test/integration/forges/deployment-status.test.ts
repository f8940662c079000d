/**
 * GitHubForge.setDeploymentStatus against the GitHub API test server: a deployment of the commit to the
 * environment is created once and reused, the status carries the verdict, and errors say what to fix
 * without the token. GitLab has no counterpart (see Forge.setDeploymentStatus).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { GitHubForge } from '../../../src/adapters/forges/github.ts';
import { GitLabForge } from '../../../src/adapters/forges/gitlab.ts';
import type { DeploymentStatus, Forge } from '../../../src/adapters/forges/types.ts';
import { UserError, describeError } from '../../../src/core/errors.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';

const WRITE = 'deploy-writeToken0123456789abcdef';
const READ = 'deploy-readToken0123456789abcdef';
const SHA = '3a1f5c0e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a49';
const NEXT = '9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c';
const UNKNOWN = 'f'.repeat(40);
const RUN = 'https://github.com/acme/app/actions/runs/9';
const RETRY = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {} };

const deployment = (extra: Partial<DeploymentStatus> = {}): DeploymentStatus => ({
  sha: SHA,
  environment: 'staging',
  state: 'success',
  description: 'verify healthy: deployment/prod/web: 2/2 new replicas available',
  logUrl: RUN,
  ...extra,
});

describe('GitHubForge.setDeploymentStatus', () => {
  let api: GitHubApi;
  const forge = (token = WRITE) =>
    new GitHubForge({ repoUrl: 'https://github.com/acme/env.git', token, apiUrl: api.url, env: {}, retry: RETRY });
  const posts = (path: RegExp) => api.requests.filter((r) => r.method === 'POST' && path.test(r.path));
  before(async () => {
    api = await startGitHubApi({ tokens: { [WRITE]: 'write', [READ]: 'read' }, repos: [{ name: 'acme/env', commits: [SHA, NEXT] }] });
  });
  after(() => api.stop());

  it('creates a deployment of the commit to the environment, with no auto-merge and no required contexts, then the status', async () => {
    // A failing commit status on the commit: a deployment that required the commit's contexts would get 409.
    await forge().setCommitStatus({ sha: SHA, state: 'failure', context: 'baton/verify/staging', description: 'verify failed' });
    const result = await forge().setDeploymentStatus(deployment());
    assert.equal(result.createdDeployment, true);
    const [create] = posts(/\/deployments$/);
    assert.equal(create?.path, '/repos/acme/env/deployments');
    assert.deepEqual(create?.body, {
      ref: SHA,
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
      description: 'Verified by Baton: staging runs 3a1f5c0e9d8b',
      transient_environment: false,
      production_environment: false,
    });
    const [made] = api.deployments('acme/env');
    assert.equal(made?.id, result.deploymentId);
    assert.deepEqual(
      [made?.sha, made?.ref, made?.environment, made?.task, made?.production_environment],
      [SHA, SHA, 'staging', 'deploy', false],
    );
    assert.equal(made?.statuses_url, `${api.url}/repos/acme/env/deployments/${result.deploymentId}/statuses`);
    const [status] = api.deploymentStatuses('acme/env', result.deploymentId);
    assert.equal(status?.id, result.statusId);
    assert.deepEqual([status?.state, status?.environment, status?.log_url, status?.target_url], ['success', 'staging', RUN, RUN]);
    assert.equal(status?.description, deployment().description);
    assert.equal(posts(/\/statuses$/).at(-1)?.path, `/repos/acme/env/deployments/${result.deploymentId}/statuses`);
  });

  it('reuses the deployment for the same commit and environment; another commit or environment gets its own', async () => {
    const first = api.deployments('acme/env')[0]!;
    const again = await forge().setDeploymentStatus(deployment({ state: 'failure', description: `verify failed: ${'x'.repeat(200)}` }));
    assert.deepEqual([again.deploymentId, again.createdDeployment], [first.id, false]);
    const list = api.requests.filter((r) => r.method === 'GET' && r.path === '/repos/acme/env/deployments').at(-1);
    assert.deepEqual(list?.query, { sha: SHA, environment: 'staging', per_page: '1' });
    const statuses = api.deploymentStatuses('acme/env', first.id);
    assert.deepEqual(
      statuses.map((s) => s.state),
      ['failure', 'success'],
      'newest first',
    );
    assert.equal(statuses[0]?.description.length, 140, 'cut to GitHub’s limit');

    const production = await forge().setDeploymentStatus(deployment({ environment: 'production', production: true }));
    const next = await forge().setDeploymentStatus(deployment({ sha: NEXT }));
    assert.ok(production.createdDeployment && next.createdDeployment);
    assert.deepEqual(
      api.deployments('acme/env').map((d) => [d.id, d.environment, d.sha, d.production_environment]),
      [
        [next.deploymentId, 'staging', NEXT, false],
        [production.deploymentId, 'production', SHA, true],
        [first.id, 'staging', SHA, false],
      ],
    );
    // The first staging deployment's newest status is failure, so the newer success leaves it as it was.
    assert.equal(api.deploymentStatuses('acme/env', first.id)[0]?.state, 'failure');
    const back = await forge().setDeploymentStatus(deployment());
    assert.equal(back.deploymentId, first.id);
    assert.deepEqual(
      api.deploymentStatuses('acme/env', next.deploymentId).map((s) => s.state),
      ['inactive', 'success'],
      'GitHub’s auto_inactive',
    );
  });

  it('makes a new deployment when the one it found is deleted before the status lands', async () => {
    const found = api.deployments('acme/env').find((d) => d.sha === NEXT)!;
    let deleted = false;
    api.onRequest((request) => {
      if (!deleted && request.method === 'POST' && request.path === `/repos/acme/env/deployments/${found.id}/statuses`) {
        deleted = true;
        api.deleteDeployment('acme/env', found.id);
      }
    });
    const result = await forge().setDeploymentStatus(deployment({ sha: NEXT }));
    assert.ok(deleted);
    assert.equal(result.createdDeployment, true);
    assert.notEqual(result.deploymentId, found.id);
    assert.deepEqual(
      api.deploymentStatuses('acme/env', result.deploymentId).map((s) => s.state),
      ['success'],
    );
  });

  it('names deployments: write for a read-only token, and fails plainly for a commit GitHub lacks', async () => {
    const before = api.deployments('acme/env').length;
    await assert.rejects(forge(READ).setDeploymentStatus(deployment({ sha: NEXT, environment: 'qa' })), (error: unknown) => {
      assert.ok(error instanceof UserError, `expected UserError, got ${inspect(error)}`);
      assert.equal(error.input, 'token');
      assert.match(
        error.message,
        /may not create a deployment of 9b8c7d6e5f4a to qa in acme\/env \(403 Resource not accessible by integration\); it needs `deployments: write`; .*permissions: \{ deployments: write \}/,
      );
      for (const secret of [WRITE, READ]) assert.ok(!describeError(error).includes(secret));
      return true;
    });
    await assert.rejects(
      forge().setDeploymentStatus(deployment({ sha: UNKNOWN })),
      /GitHub refused to create a deployment of ffffffffffff to staging in acme\/env \(422 No ref found for: f{40}\)/,
    );
    assert.equal(api.deployments('acme/env').length, before);
  });

  it('is GitHub’s alone: GitLabForge has no deployment status to set', () => {
    const gitlab: Forge = new GitLabForge({ repoUrl: 'https://gitlab.example.com/acme/env.git', token: WRITE, env: {} });
    assert.equal(gitlab.setDeploymentStatus, undefined);
  });
});
