import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { GitLabForge, type GitLabTokenType, nextPageUrl } from '../../../src/adapters/forges/gitlab.ts';
import type { ForgeRetryOptions } from '../../../src/adapters/forges/http.ts';
import type { ChangeProposal } from '../../../src/adapters/forges/types.ts';
import { TransientError, UserError, describeError } from '../../../src/core/errors.ts';
import { type GitLabApi, type GitLabApiOptions, startGitLabApi } from '../../helpers/gitlab-api.ts';

const WRITE = 'glpat-writeToken0123456789abcdef';
const READ = 'glpat-readToken0123456789abcdef';
const BAD = 'glpat-badToken0123456789abcdef';
const JOB = 'glcbt-64_jobToken0123456789abcdef';
const SECRETS = [WRITE, READ, BAD, JOB];
const HEAD = 'baton/staging/registry.example.com-acme-api';
const REPO_URL = 'https://gitlab.example.com/acme/platform/env.git';
const PROJECT = 'acme/platform/env';

const proposal: ChangeProposal = {
  base: 'main',
  head: HEAD,
  title: 'staging: bump registry.example.com/acme/api to 1.4.2',
  body: '| image | old | new |\n|---|---|---|\n| registry.example.com/acme/api | 1.4.1 | 1.4.2 |',
  labels: ['baton', 'env::staging'],
  autoMerge: false,
};

function instantRetry(extra: ForgeRetryOptions = {}): ForgeRetryOptions & { waits: number[] } {
  const waits: number[] = [];
  return { attempts: 4, baseDelayMs: 10, maxDelayMs: 50, random: () => 0, sleep: async (ms) => void waits.push(ms), ...extra, waits };
}

function startApi(extra: Partial<GitLabApiOptions> = {}): Promise<GitLabApi> {
  return startGitLabApi({
    tokens: { [WRITE]: 'write', [READ]: 'read' },
    jobTokens: { [JOB]: 'write' },
    projects: [PROJECT],
    ...extra,
  });
}

function forgeFor(
  api: GitLabApi,
  options: { token?: string; repoUrl?: string; retry?: ForgeRetryOptions; env?: Record<string, string>; tokenType?: GitLabTokenType } = {},
): GitLabForge {
  return new GitLabForge({
    repoUrl: options.repoUrl ?? REPO_URL,
    token: options.token ?? WRITE,
    apiUrl: api.url,
    env: options.env ?? {},
    retry: options.retry ?? instantRetry(),
    ...(options.tokenType ? { tokenType: options.tokenType } : {}),
  });
}

function assertNoSecret(error: unknown): void {
  const shown = [describeError(error), inspect(error, { depth: 8 }), String((error as Error).stack)].join('\n');
  for (const secret of SECRETS) assert.ok(!shown.includes(secret), `secret leaked into: ${shown}`);
}

function expectUserError(input: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${inspect(error)}`);
    assert.equal(error.input, input);
    assert.match(error.message, pattern);
    assertNoSecret(error);
    return true;
  };
}

describe('GitLabForge against the GitLab API test server', () => {
  let api: GitLabApi;
  before(async () => {
    api = await startApi({
      projects: [PROJECT, 'acme/quiet', { path: 'acme/no-ci', pipeline: 'none' }, { path: 'acme/green', pipeline: 'success' }],
    });
  });
  after(() => api.stop());

  it('creates a merge request, then updates the same one (no duplicate), with labels', async () => {
    const forge = forgeFor(api);
    const first = await forge.propose(proposal);
    assert.deepEqual(
      { created: first.created, number: first.number, url: first.url },
      { created: true, number: 1, url: `${api.origin}/${PROJECT}/-/merge_requests/1` },
    );
    const second = await forge.propose({ ...proposal, title: 'staging: bump to 1.4.3', body: 'newer', labels: ['baton', 'promoted'] });
    assert.deepEqual({ created: second.created, number: second.number }, { created: false, number: 1 });

    const mrs = api.mergeRequests(PROJECT);
    assert.equal(mrs.length, 1);
    assert.equal(mrs[0]!.title, 'staging: bump to 1.4.3');
    assert.equal(mrs[0]!.description, 'newer');
    assert.deepEqual(mrs[0]!.labels, ['baton', 'env::staging', 'promoted']);
    assert.equal(mrs[0]!.force_remove_source_branch, true);
    assert.equal(mrs[0]!.state, 'opened');

    const list = api.requests.find((request) => request.method === 'GET');
    assert.equal(list?.path, '/api/v4/projects/acme%2Fplatform%2Fenv/merge_requests');
    assert.deepEqual(list?.query, { state: 'opened', source_branch: HEAD, target_branch: 'main', per_page: '100' });
    assert.equal(list?.headers['private-token'], WRITE);
    const update = api.requests.find((request) => request.method === 'PUT');
    assert.equal((update?.body as { add_labels?: string } | undefined)?.add_labels, 'promoted');
  });

  it('changes nothing when the open merge request already says the same', async () => {
    const forge = forgeFor(api, { repoUrl: 'git@gitlab.example.com:acme/quiet.git' });
    await forge.propose(proposal);
    const before = api.requests.length;
    assert.equal((await forge.propose(proposal)).created, false);
    assert.deepEqual(
      api.requests.slice(before).filter((request) => request.method !== 'GET'),
      [],
    );
  });

  it('sets auto-merge (merge when the pipeline succeeds)', async () => {
    const local = await startApi();
    try {
      const result = await forgeFor(local).propose({ ...proposal, autoMerge: true, mergeMethod: 'squash' });
      assert.equal(result.autoMerge, true);
      assert.deepEqual(result.warnings, []);
      const mr = local.mergeRequests(PROJECT)[0]!;
      assert.equal(mr.merge_when_pipeline_succeeds, true);
      assert.equal(mr.squash, true);
      assert.equal(mr.state, 'opened');
      const merge = local.requests.find((request) => request.path.endsWith('/merge'));
      assert.deepEqual(merge?.body, {
        merge_when_pipeline_succeeds: true,
        auto_merge: true,
        should_remove_source_branch: true,
        squash: true,
      });
      await forgeFor(local).propose({ ...proposal, autoMerge: true });
      assert.equal(local.requests.filter((request) => request.path.endsWith('/merge')).length, 1, 'already set: no second call');
    } finally {
      await local.stop();
    }
  });

  it('merges at once when the pipeline already succeeded', async () => {
    const result = await forgeFor(api, { repoUrl: 'https://gitlab.example.com/acme/green' }).propose({ ...proposal, autoMerge: true });
    assert.equal(result.autoMerge, true);
    assert.equal(api.mergeRequests('acme/green')[0]!.state, 'merged');
  });

  it('returns a warning, not a failure, when GitLab refuses auto-merge (405)', async () => {
    const retry = instantRetry();
    const forge = forgeFor(api, { repoUrl: 'https://gitlab.example.com/acme/no-ci.git', retry });
    const result = await forge.propose({ ...proposal, autoMerge: true });
    assert.equal(result.created, true);
    assert.equal(result.autoMerge, false);
    assert.equal(result.warnings?.length, 1);
    assert.match(result.warnings![0]!, /!1 \(405 405 Method Not Allowed\).*no running pipeline/);
    const merges = api.requests.filter((request) => request.path === '/api/v4/projects/acme%2Fno-ci/merge_requests/1/merge');
    assert.equal(merges.length, 3, 'tried again while a pipeline may still be starting');
    assert.equal(api.mergeRequests('acme/no-ci')[0]!.state, 'opened');
  });

  it('treats 406 and 422 from the merge endpoint as warnings', async () => {
    for (const status of [406, 422]) {
      const local = await startApi();
      try {
        local.fail({ method: 'PUT', path: /\/merge$/, status, body: { message: 'Branch cannot be merged' } });
        const result = await forgeFor(local).propose({ ...proposal, autoMerge: true });
        assert.equal(result.autoMerge, false);
        assert.match(result.warnings![0]!, new RegExp(`${status} Branch cannot be merged.*cannot be merged`));
      } finally {
        await local.stop();
      }
    }
  });

  it('says a read_api token lacks the api scope, and writes nothing', async () => {
    await assert.rejects(
      forgeFor(api, { token: READ, repoUrl: 'https://gitlab.example.com/acme/quiet' }).propose({ ...proposal, head: 'other' }),
      expectUserError('token', /`api` scope/),
    );
    assert.equal(api.mergeRequests('acme/quiet').filter((mr) => mr.source_branch === 'other').length, 0);
  });

  it('names `token` when the token is rejected', async () => {
    await assert.rejects(forgeFor(api, { token: BAD }).propose(proposal), expectUserError('token', /401 Unauthorized.*`token`/));
  });

  it('names `repo` when the project does not exist or cannot be seen', async () => {
    const forge = forgeFor(api, { repoUrl: 'https://gitlab.example.com/acme/missing.git' });
    await assert.rejects(forge.propose(proposal), expectUserError('repo', /acme\/missing.*404 Project Not Found.*`repo`/));
  });

  it('sends CI_JOB_TOKEN as JOB-TOKEN and explains that the merge requests API refuses it', async () => {
    const env = { CI_JOB_TOKEN: JOB };
    const forge = forgeFor(api, { token: JOB, env });
    assert.equal(forge.tokenType, 'job');
    await assert.rejects(forge.propose(proposal), expectUserError('token', /CI_JOB_TOKEN.*access token with the `api` scope/));
    const last = api.requests.at(-1)!;
    assert.equal(last.headers['job-token'], JOB);
    assert.equal(last.headers['private-token'], undefined);
  });

  it('uses a job token where GitLab allows it for merge requests', async () => {
    const local = await startApi({ jobTokenMergeRequests: true });
    try {
      const result = await forgeFor(local, { token: JOB, env: { CI_JOB_TOKEN: JOB } }).propose(proposal);
      assert.equal(result.created, true);
      assert.ok(local.requests.every((request) => request.headers['job-token'] === JOB));
    } finally {
      await local.stop();
    }
  });

  it('sends an OAuth token as a Bearer token', async () => {
    const local = await startApi();
    try {
      await forgeFor(local, { tokenType: 'oauth' }).propose(proposal);
      assert.ok(local.requests.every((request) => request.headers.authorization === `Bearer ${WRITE}`));
    } finally {
      await local.stop();
    }
  });

  it('retries a 502 and a dropped connection, then succeeds', async () => {
    const local = await startApi();
    try {
      const retry = instantRetry();
      local.fail({ method: 'GET', status: 502 });
      local.fail({ method: 'POST', drop: true });
      const result = await forgeFor(local, { retry }).propose(proposal);
      assert.equal(result.created, true);
      assert.equal(retry.waits.length, 2);
      assert.equal(local.mergeRequests(PROJECT).length, 1);
    } finally {
      await local.stop();
    }
  });

  it('honours Retry-After on 429 and gives up when the wait is too long', async () => {
    const local = await startApi();
    try {
      const retry = instantRetry();
      local.fail({ method: 'GET', status: 429, headers: { 'retry-after': '9' }, body: { message: 'Retry later' } });
      await forgeFor(local, { retry }).propose(proposal);
      assert.deepEqual(retry.waits, [9000]);

      local.fail({ method: 'GET', status: 429, headers: { 'retry-after': '600' }, body: { message: 'Retry later' } });
      await assert.rejects(forgeFor(local, { retry: instantRetry() }).propose(proposal), (error: unknown) => {
        assert.ok(error instanceof TransientError);
        assert.match(error.message, /rate limit.*try again in 10 min/);
        return true;
      });
    } finally {
      await local.stop();
    }
  });

  it('does not follow a redirect with the token, and names `api-url`', async () => {
    const local = await startApi();
    try {
      local.fail({ status: 301, headers: { location: 'https://elsewhere.example/api/v4' }, body: { message: 'moved' } });
      await assert.rejects(forgeFor(local).propose(proposal), expectUserError('api-url', /redirects to https:\/\/elsewhere\.example/));
      assert.equal(local.requests.length, 1);
    } finally {
      await local.stop();
    }
  });

  it('stops after the bounded number of attempts on a persistent 5xx', async () => {
    const local = await startApi();
    try {
      local.fail({ status: 500, times: 100 });
      await assert.rejects(forgeFor(local, { retry: instantRetry({ attempts: 3 }) }).propose(proposal), (error: unknown) => {
        assert.ok(error instanceof TransientError);
        assert.match(error.message, /500 500 Internal Server Error.*3 attempts/);
        assertNoSecret(error);
        return true;
      });
      assert.equal(local.requests.length, 3);
    } finally {
      await local.stop();
    }
  });

  it('adopts the merge request another job opened meanwhile (409 names it)', async () => {
    const local = await startApi();
    try {
      local.onRequest((request) => {
        if (request.method === 'POST' && local.mergeRequests(PROJECT).length === 0) {
          local.openMergeRequest(PROJECT, { source_branch: HEAD, title: 'opened by a parallel job' });
        }
      });
      const result = await forgeFor(local).propose(proposal);
      assert.deepEqual({ created: result.created, number: result.number }, { created: false, number: 1 });
      const mrs = local.mergeRequests(PROJECT);
      assert.equal(mrs.length, 1);
      assert.equal(mrs[0]!.title, proposal.title);
      assert.deepEqual(mrs[0]!.labels, ['baton', 'env::staging']);
      assert.ok(local.requests.some((request) => request.method === 'GET' && request.path.endsWith('/merge_requests/1')));
    } finally {
      await local.stop();
    }
  });

  it('finds its merge request among many open ones', async () => {
    const local = await startApi();
    try {
      for (let i = 0; i < 45; i++) local.openMergeRequest(PROJECT, { source_branch: `feature-${i}`, title: `feature ${i}` });
      local.openMergeRequest(PROJECT, { source_branch: HEAD, title: 'old' });
      const result = await forgeFor(local).propose(proposal);
      assert.deepEqual({ created: result.created, number: result.number }, { created: false, number: 46 });
    } finally {
      await local.stop();
    }
  });
});

describe('GitLab pagination', () => {
  it('walks every page through Link and x-next-page, and never leaves the API origin', async () => {
    const api = await startApi();
    try {
      for (let i = 0; i < 45; i++) api.openMergeRequest(PROJECT, { source_branch: `feature-${i}`, title: `feature ${i}` });
      let url: URL | undefined = new URL(`${api.url}/projects/${encodeURIComponent(PROJECT)}/merge_requests?state=opened`);
      const seen: number[] = [];
      while (url) {
        const response = await fetch(url, { headers: { 'private-token': WRITE } });
        assert.equal(response.headers.get('x-total'), '45');
        seen.push(...((await response.json()) as { iid: number }[]).map((mr) => mr.iid));
        url = nextPageUrl(url, response.headers);
      }
      assert.equal(seen.length, 45);
      assert.equal(new Set(seen).size, 45);
    } finally {
      await api.stop();
    }
    const here = new URL('https://gitlab.example.com/api/v4/projects/1/merge_requests?page=1');
    const foreign = new Headers({ link: '<https://evil.example/steal?page=2>; rel="next"', 'x-next-page': '2' });
    assert.equal(nextPageUrl(here, foreign)?.toString(), 'https://gitlab.example.com/api/v4/projects/1/merge_requests?page=2');
    assert.equal(nextPageUrl(here, new Headers({ 'x-next-page': '' })), undefined);
  });
});

describe('GitLabForge configuration', () => {
  it('takes the API from the option, then CI_API_V4_URL, then the repo origin', () => {
    const derived = new GitLabForge({ repoUrl: 'git@gitlab.example.com:acme/platform/env.git', token: WRITE, env: {} });
    assert.deepEqual([derived.apiUrl, derived.projectPath], ['https://gitlab.example.com/api/v4', PROJECT]);
    const fromEnv = new GitLabForge({ repoUrl: REPO_URL, token: WRITE, env: { CI_API_V4_URL: 'https://gitlab.example.com/api/v4' } });
    assert.equal(fromEnv.apiUrl, 'https://gitlab.example.com/api/v4');
    const http = new GitLabForge({ repoUrl: 'http://127.0.0.1:8080/acme/env', token: WRITE, env: {} });
    assert.equal(http.apiUrl, 'http://127.0.0.1:8080/api/v4');
    assert.equal(http.tokenType, 'private');
  });

  it('removes a relative URL root from the project path', () => {
    const forge = new GitLabForge({
      repoUrl: 'https://example.com/gitlab/acme/env.git',
      token: WRITE,
      env: { CI_API_V4_URL: 'https://example.com/gitlab/api/v4' },
    });
    assert.equal(forge.projectPath, 'acme/env');
  });

  it('rejects a URL without group/project and an empty token', () => {
    assert.throws(() => new GitLabForge({ repoUrl: 'https://gitlab.com/alone', token: WRITE, env: {} }), expectUserError('repo', /group/));
    assert.throws(() => new GitLabForge({ repoUrl: REPO_URL, token: '', env: {} }), expectUserError('token', /token/));
    assert.throws(
      () => new GitLabForge({ repoUrl: REPO_URL, token: WRITE, apiUrl: 'gitlab.example.com/api/v4', env: {} }),
      expectUserError('api-url', /api-url/),
    );
  });
});
