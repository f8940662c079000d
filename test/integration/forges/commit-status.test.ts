/**
 * Forge.setCommitStatus against the GitHub and GitLab API test servers: the request each forge's
 * documentation asks for, the state mapping, and errors that say what to fix without the token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { GitHubForge } from '../../../src/adapters/forges/github.ts';
import { GitLabForge } from '../../../src/adapters/forges/gitlab.ts';
import type { CommitStatus } from '../../../src/adapters/forges/types.ts';
import { UserError, describeError } from '../../../src/core/errors.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { type GitLabApi, startGitLabApi } from '../../helpers/gitlab-api.ts';

const WRITE = 'status-writeToken0123456789abcdef';
const READ = 'status-readToken0123456789abcdef';
const JOB = 'glcbt-64_statusJob0123456789abcdef';
const SHA = '3a1f5c0e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a49';
const UNKNOWN = 'f'.repeat(40);
const RETRY = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {} };

const status = (extra: Partial<CommitStatus> = {}): CommitStatus => ({
  sha: SHA,
  state: 'success',
  context: 'baton/verify/staging',
  description: 'verify healthy: deployment/prod/web rolled out',
  targetUrl: 'https://ci.example/acme/app/runs/9',
  ref: 'main',
  ...extra,
});

function expectUserError(input: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${inspect(error)}`);
    assert.equal(error.input, input);
    assert.match(error.message, pattern);
    for (const secret of [WRITE, READ, JOB]) assert.ok(!describeError(error).includes(secret));
    return true;
  };
}

describe('GitHubForge.setCommitStatus', () => {
  let api: GitHubApi;
  const forge = (token = WRITE) =>
    new GitHubForge({ repoUrl: 'https://github.com/acme/env.git', token, apiUrl: api.url, env: {}, retry: RETRY });
  before(async () => {
    api = await startGitHubApi({ tokens: { [WRITE]: 'write', [READ]: 'read' }, repos: [{ name: 'acme/env', commits: [SHA] }] });
  });
  after(() => api.stop());

  it('creates statuses with context, description and target_url; the newest is listed first', async () => {
    const first = await forge().setCommitStatus(status({ state: 'pending' }));
    const second = await forge().setCommitStatus(status({ state: 'failure', description: `verify failed: ${'x'.repeat(200)}` }));
    assert.ok(second.id > first.id);
    const [newest, oldest] = api.statuses('acme/env', SHA);
    assert.equal(newest?.state, 'failure');
    assert.equal(newest?.description?.length, 140, 'cut to GitHub’s limit');
    assert.ok(newest?.description?.endsWith('…'));
    assert.deepEqual(
      [oldest?.state, oldest?.context, oldest?.target_url],
      ['pending', 'baton/verify/staging', 'https://ci.example/acme/app/runs/9'],
    );
    const create = api.requests.find((r) => r.method === 'POST');
    assert.equal(create?.path, `/repos/acme/env/statuses/${SHA}`);
  });

  it('names statuses: write when the token may not, and fails plainly for a commit GitHub lacks', async () => {
    await assert.rejects(
      forge(READ).setCommitStatus(status()),
      expectUserError('token', /403 Resource not accessible by integration.*`statuses: write`/),
    );
    await assert.rejects(
      forge().setCommitStatus(status({ sha: UNKNOWN })),
      /refused to set commit status baton\/verify\/staging on ffffffffffff in acme\/env \(422 No commit found for SHA: f{40}\)/,
    );
  });
});

describe('GitLabForge.setCommitStatus', () => {
  let api: GitLabApi;
  const forge = (token = WRITE, env: Record<string, string> = {}) =>
    new GitLabForge({ repoUrl: 'https://gitlab.example.com/acme/env.git', token, apiUrl: api.url, env, retry: RETRY });
  before(async () => {
    api = await startGitLabApi({
      tokens: { [WRITE]: 'write', [READ]: 'read' },
      jobTokens: { [JOB]: 'write' },
      projects: [{ path: 'acme/env', commits: [SHA] }],
    });
  });
  after(() => api.stop());

  it('creates statuses by name on the ref; failure and error both become failed', async () => {
    await forge().setCommitStatus(status({ state: 'pending' }));
    await forge().setCommitStatus(status());
    await forge().setCommitStatus(status({ state: 'error', context: 'baton/verify/production' }));
    const statuses = api.commitStatuses('acme/env', SHA);
    assert.deepEqual(
      statuses.map((s) => [s.name, s.status, s.ref]),
      [
        ['baton/verify/production', 'failed', 'main'],
        ['baton/verify/staging', 'success', 'main'],
      ],
    );
    assert.equal(statuses[1]?.target_url, 'https://ci.example/acme/app/runs/9');
    assert.ok(statuses[1]?.finished_at, 'the pending status moved on to success');
    const create = api.requests.find((r) => r.method === 'POST');
    assert.equal(create?.path, `/api/v4/projects/acme%2Fenv/statuses/${SHA}`);
    assert.deepEqual(create?.body, {
      state: 'pending',
      name: 'baton/verify/staging',
      description: status().description,
      target_url: status().targetUrl,
      ref: 'main',
    });
  });

  it('asks for an access token instead of CI_JOB_TOKEN, the api scope for a read token, and fails plainly for an unknown commit', async () => {
    await assert.rejects(
      forge(JOB, { CI_JOB_TOKEN: JOB }).setCommitStatus(status()),
      expectUserError('token', /CI_JOB_TOKEN for the commit status API/),
    );
    await assert.rejects(forge(READ).setCommitStatus(status()), expectUserError('token', /`api` scope/));
    await assert.rejects(forge().setCommitStatus(status({ sha: UNKNOWN })), /acme\/env has no commit f{40} \(404 404 Commit Not Found\)/);
  });
});
