import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { GitHubForge } from '../../../src/adapters/forges/github.ts';
import type { ForgeRetryOptions } from '../../../src/adapters/forges/http.ts';
import type { ChangeProposal } from '../../../src/adapters/forges/types.ts';
import { TransientError, UserError, describeError } from '../../../src/core/errors.ts';
import { type GitHubApi, type GitHubRepoSpec, startGitHubApi } from '../../helpers/github-api.ts';

const WRITE = 'ghs_writeToken0123456789abcdefABCDEF';
const READ = 'ghs_readToken0123456789abcdefABCDEF';
const BAD = 'ghs_badToken0123456789abcdefABCDEF';
const SECRETS = [WRITE, READ, BAD];
const HEAD = 'baton/staging/ghcr.io-acme-api';
const REPO_URL = 'https://github.com/acme/env.git';

const proposal: ChangeProposal = {
  base: 'main',
  head: HEAD,
  title: 'staging: bump ghcr.io/acme/api to 1.4.2',
  body: '| image | old | new |\n|---|---|---|\n| ghcr.io/acme/api | 1.4.1 | 1.4.2 |',
  labels: ['baton', 'env:staging'],
  autoMerge: false,
};

/** A retry policy that never sleeps and records the waits it was asked for. */
function instantRetry(extra: ForgeRetryOptions = {}): ForgeRetryOptions & { waits: number[] } {
  const waits: number[] = [];
  return { attempts: 4, baseDelayMs: 10, maxDelayMs: 50, random: () => 0, sleep: async (ms) => void waits.push(ms), ...extra, waits };
}

async function startApi(repos: (string | GitHubRepoSpec)[] = ['acme/env']): Promise<GitHubApi> {
  const api = await startGitHubApi({ tokens: { [WRITE]: 'write', [READ]: 'read' }, repos });
  for (const repo of repos) api.pushBranch(typeof repo === 'string' ? repo : repo.name, HEAD);
  return api;
}

function forgeFor(api: GitHubApi, options: { token?: string; repoUrl?: string; retry?: ForgeRetryOptions } = {}): GitHubForge {
  return new GitHubForge({
    repoUrl: options.repoUrl ?? REPO_URL,
    token: options.token ?? WRITE,
    apiUrl: api.url,
    env: {},
    retry: options.retry ?? instantRetry(),
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

describe('GitHubForge against the GitHub API test server', () => {
  let api: GitHubApi;
  before(async () => {
    api = await startApi(['acme/env', { name: 'acme/auto', allowAutoMerge: true, requiredChecks: true }, 'acme/plain']);
  });
  after(() => api.stop());

  it('creates a pull request, then updates the same one (no duplicate), with labels', async () => {
    const forge = forgeFor(api);
    const first = await forge.propose(proposal);
    assert.equal(first.created, true);
    assert.equal(first.number, 1);
    assert.equal(first.url, `${api.url}/acme/env/pull/1`);
    assert.deepEqual(first.warnings, []);

    const second = await forge.propose({ ...proposal, title: 'staging: bump ghcr.io/acme/api to 1.4.3', body: 'newer' });
    assert.equal(second.created, false);
    assert.equal(second.number, 1);

    const pulls = api.pulls('acme/env');
    assert.equal(pulls.length, 1);
    assert.equal(pulls[0]!.title, 'staging: bump ghcr.io/acme/api to 1.4.3');
    assert.equal(pulls[0]!.body, 'newer');
    assert.deepEqual(
      pulls[0]!.labels.map((label) => label.name),
      ['baton', 'env:staging'],
    );
    assert.equal(pulls[0]!.head.ref, HEAD);
    assert.equal(pulls[0]!.base.ref, 'main');

    const list = api.requests.find((request) => request.method === 'GET' && request.path === '/repos/acme/env/pulls');
    assert.deepEqual(
      { state: list?.query.state, head: list?.query.head, base: list?.query.base },
      { state: 'open', head: `acme:${HEAD}`, base: 'main' },
    );
    const patches = api.requests.filter((request) => request.method === 'PATCH');
    assert.equal(patches.length, 1);
    assert.ok(String(api.requests[0]!.headers.authorization).endsWith(WRITE));
  });

  it('changes nothing when the open pull request already says the same', async () => {
    const forge = forgeFor(api, { repoUrl: 'git@github.com:acme/plain.git' });
    await forge.propose(proposal);
    const before = api.requests.length;
    const again = await forge.propose(proposal);
    assert.equal(again.created, false);
    const writes = api.requests.slice(before).filter((request) => request.method !== 'GET');
    assert.deepEqual(writes, []);
  });

  it('enables auto-merge through GraphQL with the pull request node id', async () => {
    const forge = forgeFor(api, { repoUrl: 'https://github.com/acme/auto' });
    const result = await forge.propose({ ...proposal, autoMerge: true, mergeMethod: 'squash' });
    assert.equal(result.autoMerge, true);
    assert.deepEqual(result.warnings, []);
    const pull = api.pulls('acme/auto')[0]!;
    assert.equal(pull.auto_merge?.merge_method, 'squash');
    const graphql = api.requests.filter((request) => request.path === '/graphql');
    assert.equal(graphql.length, 1);
    assert.deepEqual((graphql[0]!.body as { variables: unknown }).variables, {
      pullRequestId: pull.node_id,
      mergeMethod: 'SQUASH',
    });

    const again = await forge.propose({ ...proposal, autoMerge: true, mergeMethod: 'squash' });
    assert.equal(again.autoMerge, true);
    assert.equal(api.requests.filter((request) => request.path === '/graphql').length, 1, 'already on: no second mutation');
  });

  it('returns a warning, not a failure, when the repository does not allow auto-merge', async () => {
    const local = await startApi(['acme/env']);
    try {
      const result = await forgeFor(local).propose({ ...proposal, autoMerge: true });
      assert.equal(result.created, true);
      assert.equal(result.autoMerge, false);
      assert.equal(result.warnings?.length, 1);
      assert.match(result.warnings![0]!, /Auto merge is not allowed for this repository.*Allow auto-merge/);
      assert.equal(local.pulls('acme/env')[0]!.auto_merge, null);
    } finally {
      await local.stop();
    }
  });

  it('says which permission a read-only token lacks, and writes nothing', async () => {
    const local = await startApi();
    try {
      await assert.rejects(forgeFor(local, { token: READ }).propose(proposal), expectUserError('token', /`pull-requests: write`/));
      assert.equal(local.pulls('acme/env').length, 0);
    } finally {
      await local.stop();
    }
  });

  it('names `token` when the token is rejected', async () => {
    await assert.rejects(forgeFor(api, { token: BAD }).propose(proposal), expectUserError('token', /`token`.*/));
  });

  it('names `repo` when the repository does not exist or cannot be seen', async () => {
    const forge = forgeFor(api, { repoUrl: 'https://github.com/acme/missing.git' });
    await assert.rejects(forge.propose(proposal), expectUserError('repo', /acme\/missing.*`repo`/));
  });

  it('names the Actions setting when GitHub Actions may not create pull requests', async () => {
    const local = await startApi([{ name: 'acme/env', actionsMayCreatePulls: false }]);
    try {
      await assert.rejects(
        forgeFor(local).propose(proposal),
        expectUserError('token', /Allow GitHub Actions to create and approve pull requests/),
      );
    } finally {
      await local.stop();
    }
  });

  it('names `branch` when the base branch does not exist', async () => {
    await assert.rejects(forgeFor(api).propose({ ...proposal, base: 'nope' }), expectUserError('branch', /base branch/));
  });

  it('retries a 502 and a dropped connection, then succeeds', async () => {
    const local = await startApi();
    try {
      const retry = instantRetry();
      local.fail({ method: 'GET', path: '/repos/acme/env/pulls', status: 502 });
      local.fail({ method: 'POST', path: '/repos/acme/env/pulls', drop: true });
      const result = await forgeFor(local, { retry }).propose(proposal);
      assert.equal(result.created, true);
      assert.equal(retry.waits.length, 2);
      assert.equal(local.requests.filter((request) => request.path === '/repos/acme/env/pulls').length, 4);
      assert.equal(local.pulls('acme/env').length, 1);
    } finally {
      await local.stop();
    }
  });

  it('honours Retry-After on 429 and on a secondary rate limit', async () => {
    const local = await startApi();
    try {
      const retry = instantRetry();
      local.fail({ method: 'GET', status: 429, headers: { 'retry-after': '7' }, body: { message: 'Too Many Requests' } });
      local.fail({
        method: 'POST',
        status: 403,
        headers: { 'retry-after': '3' },
        body: {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: '403',
        },
      });
      await forgeFor(local, { retry }).propose(proposal);
      assert.deepEqual(retry.waits, [7000, 3000]);
    } finally {
      await local.stop();
    }
  });

  it('waits for an exhausted primary rate limit to reset', async () => {
    const local = await startApi();
    try {
      const now = 1_700_000_000_000;
      const retry = instantRetry({ now: () => now });
      local.fail({
        method: 'GET',
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 20) },
        body: { message: 'API rate limit exceeded for installation ID 1.', status: '403' },
      });
      await forgeFor(local, { retry }).propose(proposal);
      assert.deepEqual(retry.waits, [20_000]);
    } finally {
      await local.stop();
    }
  });

  it('gives up at once when the server asks for a longer wait than allowed', async () => {
    const local = await startApi();
    try {
      const retry = instantRetry({ maxWaitMs: 60_000 });
      local.fail({ method: 'GET', status: 429, headers: { 'retry-after': '3600' }, body: { message: 'Too Many Requests' } });
      await assert.rejects(forgeFor(local, { retry }).propose(proposal), (error: unknown) => {
        assert.ok(error instanceof TransientError);
        assert.match(error.message, /rate limit.*try again in 60 min/);
        return true;
      });
      assert.deepEqual(retry.waits, []);
    } finally {
      await local.stop();
    }
  });

  it('stops after the bounded number of attempts on a persistent 5xx', async () => {
    const local = await startApi();
    try {
      local.fail({ status: 503, times: 100, body: { message: 'Service Unavailable' } });
      await assert.rejects(forgeFor(local, { retry: instantRetry({ attempts: 3 }) }).propose(proposal), (error: unknown) => {
        assert.ok(error instanceof TransientError);
        assert.match(error.message, /503.*3 attempts/);
        assertNoSecret(error);
        return true;
      });
      assert.equal(local.requests.length, 3);
    } finally {
      await local.stop();
    }
  });

  it('finds its pull request among more than 30 open ones', async () => {
    const local = await startApi();
    try {
      for (let i = 0; i < 20; i++) local.openPull('acme/env', { head: `feature-${i}`, title: `feature ${i}` });
      const ours = local.openPull('acme/env', { head: HEAD, title: 'old title' });
      for (let i = 20; i < 40; i++) local.openPull('acme/env', { head: `feature-${i}`, title: `feature ${i}` });
      const result = await forgeFor(local).propose(proposal);
      assert.equal(result.created, false);
      assert.equal(result.number, ours.number);
      assert.equal(local.pulls('acme/env').length, 41);
    } finally {
      await local.stop();
    }
  });

  it('adopts the pull request another job opened meanwhile, walking all pages of open ones', async () => {
    const local = await startApi();
    try {
      for (let i = 0; i < 120; i++) local.openPull('acme/env', { head: `feature-${i}`, title: `feature ${i}` });
      let raced = false;
      local.onRequest((request) => {
        if (request.method === 'POST' && request.path === '/repos/acme/env/pulls' && !raced) {
          raced = true;
          local.openPull('acme/env', { head: HEAD, title: 'opened by a parallel job' });
        }
      });
      // The parallel job's pull request is not yet visible to the filtered list (GitHub's lists lag).
      local.fail({ method: 'GET', path: '/repos/acme/env/pulls', status: 200, body: [], times: 2 });
      const result = await forgeFor(local).propose(proposal);
      assert.equal(result.created, false);
      const mine = local.pulls('acme/env').filter((pull) => pull.head.ref === HEAD);
      assert.equal(mine.length, 1);
      assert.equal(mine[0]!.title, proposal.title);
      const pages = local.requests.filter((request) => request.path === '/repos/acme/env/pulls' && request.method === 'GET');
      assert.ok(
        pages.some((request) => request.query.page === '2'),
        'walked to page 2 via Link',
      );
    } finally {
      await local.stop();
    }
  });
});

describe('GitHubForge configuration', () => {
  it('parses https, ssh and scp-like URLs with or without .git', () => {
    for (const url of [
      'https://github.com/acme/env.git',
      'https://github.com/acme/env',
      'https://x-access-token:secret@github.com/acme/env.git/',
      'git@github.com:acme/env.git',
      'ssh://git@github.com/acme/env',
    ]) {
      const forge = new GitHubForge({ repoUrl: url, token: WRITE, env: {} });
      assert.deepEqual([forge.owner, forge.name, forge.apiUrl], ['acme', 'env', 'https://api.github.com'], url);
    }
  });

  it('derives the API of GitHub Enterprise Server and GHE.com hosts, and honours GITHUB_API_URL', () => {
    const ghes = new GitHubForge({ repoUrl: 'git@ghe.example.com:acme/env.git', token: WRITE, env: {} });
    assert.equal(ghes.apiUrl, 'https://ghe.example.com/api/v3');
    const cloud = new GitHubForge({ repoUrl: 'https://octo.ghe.com/acme/env', token: WRITE, env: {} });
    assert.equal(cloud.apiUrl, 'https://api.octo.ghe.com');
    const fromEnv = new GitHubForge({
      repoUrl: 'https://ghe.example.com/acme/env',
      token: WRITE,
      env: { GITHUB_API_URL: 'https://ghe.example.com/api/v3/' },
    });
    assert.equal(fromEnv.apiUrl, 'https://ghe.example.com/api/v3');
    const explicit = new GitHubForge({
      repoUrl: REPO_URL,
      token: WRITE,
      apiUrl: 'http://127.0.0.1:1',
      env: { GITHUB_API_URL: 'https://x' },
    });
    assert.equal(explicit.apiUrl, 'http://127.0.0.1:1');
  });

  it('rejects URLs that do not name owner/name, and an empty token', () => {
    assert.throws(() => new GitHubForge({ repoUrl: 'https://github.com/acme', token: WRITE, env: {} }), expectUserError('repo', /owner/));
    assert.throws(() => new GitHubForge({ repoUrl: '/srv/git/env', token: WRITE, env: {} }), expectUserError('repo', /not the URL/));
    assert.throws(() => new GitHubForge({ repoUrl: REPO_URL, token: ' ', env: {} }), expectUserError('token', /token/));
    assert.throws(
      () => new GitHubForge({ repoUrl: REPO_URL, token: WRITE, apiUrl: 'ftp://x', env: {} }),
      expectUserError('api-url', /api-url/),
    );
  });
});
