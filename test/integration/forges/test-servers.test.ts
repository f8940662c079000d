import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { type GitLabApi, startGitLabApi } from '../../helpers/gitlab-api.ts';

/** The wire behaviour of the test servers, checked against what the real APIs document. */

async function call(url: string, init: RequestInit & { json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(url, { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('GitHub API test server', () => {
  let api: GitHubApi;
  const auth = { authorization: 'token w' };
  before(async () => {
    api = await startGitHubApi({
      tokens: { w: 'write', r: 'read' },
      repos: [{ name: 'acme/env', behindDefault: ['behind'] }],
      checkAnswersOnly: true,
    });
    api.pushBranch('acme/env', 'feature');
    api.pushBranch('acme/env', 'behind');
  });
  after(() => api.stop());

  it('answers bad credentials, hidden repos and missing permissions like GitHub', async () => {
    const bad = await call(`${api.url}/repos/acme/env/pulls`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const anonymous = await call(`${api.url}/repos/acme/env/pulls`);
    assert.equal(anonymous.status, 404);
    assert.equal(anonymous.body.message, 'Not Found');
    const missing = await call(`${api.url}/repos/acme/missing/pulls`, { headers: auth });
    assert.equal(missing.status, 404);
    const readOnly = await call(`${api.url}/repos/acme/env/pulls`, {
      method: 'POST',
      headers: { authorization: 'token r' },
      json: { head: 'feature', base: 'main', title: 't' },
    });
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.body.message, 'Resource not accessible by integration');
    assert.equal(readOnly.headers.get('x-accepted-github-permissions'), 'pull_requests=write');
  });

  it('refuses a second open pull request for the same head and base with 422', async () => {
    const json = { head: 'feature', base: 'main', title: 'first' };
    const created = await call(`${api.url}/repos/acme/env/pulls`, { method: 'POST', headers: auth, json });
    assert.equal(created.status, 201);
    assert.match(created.body.node_id, /^PR_/);
    assert.equal(created.body.auto_merge, null);
    assert.equal(created.body.head.label, 'acme:feature');
    const again = await call(`${api.url}/repos/acme/env/pulls`, { method: 'POST', headers: auth, json });
    assert.equal(again.status, 422);
    assert.deepEqual(again.body.errors, [
      { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:feature.' },
    ]);
    const noBranch = await call(`${api.url}/repos/acme/env/pulls`, { method: 'POST', headers: auth, json: { ...json, head: 'ghost' } });
    assert.deepEqual(noBranch.body.errors, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  });

  it('pages 30 by default with a Link header', async () => {
    for (let i = 0; i < 64; i++) api.openPull('acme/env', { head: `f-${i}`, title: `f ${i}` });
    const first = await call(`${api.url}/repos/acme/env/pulls?state=open`, { headers: auth });
    assert.equal(first.body.length, 30);
    const link = first.headers.get('link')!;
    assert.match(link, /page=2>; rel="next", <[^>]*page=3>; rel="last"$/);
    const last = await call(`${api.url}/repos/acme/env/pulls?state=open&page=3`, { headers: auth });
    assert.equal(last.body.length, 5);
    assert.match(last.headers.get('link')!, /rel="prev".*rel="first"/);
  });

  it('creates deployments and statuses with GitHub’s defaults, conflicts, merges and refusals', async () => {
    const sha = 'c0ffee'.padEnd(40, '0');
    api.addCommit('acme/env', sha);
    const deployments = `${api.url}/repos/acme/env/deployments`;
    const post = (json: unknown, url = deployments, headers = auth) => call(url, { method: 'POST', headers, json });
    await post({ state: 'failure', context: 'ci' }, `${api.url}/repos/acme/env/statuses/${sha}`);
    const conflict = await post({ ref: sha, environment: 'staging' });
    assert.equal(conflict.status, 409, 'required_contexts defaults to every context of the commit');
    assert.equal(conflict.body.message, `Conflict: Commit status checks failed for ${sha}.`);
    assert.deepEqual(conflict.body.errors[0].contexts, [{ context: 'ci', state: 'failure' }]);
    const merged = await post({ ref: 'behind', required_contexts: [] });
    assert.deepEqual([merged.status, merged.body], [202, { message: 'Auto-merged main into behind on deployment.' }]);
    assert.equal((await post({ ref: 'ghost', required_contexts: [] })).body.message, 'No ref found for: ghost');
    const readOnly = await post({ ref: sha, required_contexts: [] }, deployments, { authorization: 'token r' });
    assert.deepEqual([readOnly.status, readOnly.headers.get('x-accepted-github-permissions')], [403, 'deployments=write']);

    const made = await post({ ref: sha, required_contexts: [] });
    assert.equal(made.status, 201);
    assert.match(made.body.node_id, /^DE_/);
    assert.deepEqual(
      [made.body.environment, made.body.task, made.body.production_environment, made.body.transient_environment, made.body.creator.login],
      ['production', 'deploy', true, false, 'github-actions[bot]'],
    );
    assert.equal(made.headers.get('location'), made.body.url);
    const staging = await post({ ref: 'feature', environment: 'staging', required_contexts: [], auto_merge: false });
    assert.equal(staging.body.production_environment, false);
    const filtered = await call(`${deployments}?sha=${sha}&environment=production`, { headers: { authorization: 'token r' } });
    assert.deepEqual(
      filtered.body.map((d: { id: number }) => d.id),
      [made.body.id],
    );
    const all = await call(deployments, { headers: auth });
    assert.deepEqual(
      all.body.map((d: { id: number }) => d.id),
      [staging.body.id, made.body.id],
      'newest first',
    );

    const statuses = `${deployments}/${staging.body.id}/statuses`;
    const status = await post({ state: 'success', log_url: 'https://ci.example/1', description: 'ok' }, statuses);
    assert.equal(status.status, 201);
    assert.deepEqual(
      [status.body.environment, status.body.target_url, status.body.deployment_url],
      ['staging', 'https://ci.example/1', `${deployments}/${staging.body.id}`],
    );
    assert.equal((await post({ state: 'done' }, statuses)).status, 422);
    assert.equal((await post({ state: 'success', description: 'x'.repeat(141) }, statuses)).status, 422);
    assert.equal((await post({ state: 'success' }, `${deployments}/999999/statuses`)).status, 404);
    assert.equal((await call(`${deployments}/999999`, { headers: auth })).status, 404);
    const next = await post({ ref: sha, environment: 'staging', required_contexts: [] });
    await post({ state: 'success' }, `${deployments}/${next.body.id}/statuses`);
    const listed = await call(statuses, { headers: auth });
    assert.deepEqual(
      listed.body.map((s: { state: string }) => s.state),
      ['inactive', 'success'],
      'auto_inactive',
    );
  });

  it('answers GraphQL with GitHub-shaped data and errors', async () => {
    const pull = api.pulls('acme/env')[0]!;
    const query = 'mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id}) { pullRequest { number } } }';
    const unknown = await call(`${api.url}/graphql`, { method: 'POST', headers: auth, json: { query, variables: { id: 'PR_nope' } } });
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.body.data, { enablePullRequestAutoMerge: null });
    assert.equal(unknown.body.errors[0].type, 'NOT_FOUND');
    assert.deepEqual(unknown.body.errors[0].path, ['enablePullRequestAutoMerge']);
    assert.equal(unknown.body.errors[0].message, "Could not resolve to a node with the global id of 'PR_nope'.");
    const refused = await call(`${api.url}/graphql`, { method: 'POST', headers: auth, json: { query, variables: { id: pull.node_id } } });
    assert.equal(refused.body.errors[0].message, 'Pull request Auto merge is not allowed for this repository');
    const badField = await call(`${api.url}/graphql`, { method: 'POST', headers: auth, json: { query: '{ nope }' } });
    assert.equal(badField.body.data, undefined);
    assert.equal(badField.body.errors[0].message, "Field 'nope' doesn't exist on type 'Query'");
    const viewer = await call(`${api.url}/graphql`, { method: 'POST', headers: auth, json: { query: 'query { me: viewer { login } }' } });
    assert.deepEqual(viewer.body, { data: { me: { login: 'github-actions[bot]' } } });
    const anonymous = await call(`${api.url}/graphql`, { method: 'POST', json: { query } });
    assert.equal(anonymous.status, 401);
  });
});

describe('GitLab API test server', () => {
  let api: GitLabApi;
  const auth = { 'private-token': 'w' };
  const mrs = () => `${api.url}/projects/acme%2Fenv/merge_requests`;
  before(async () => {
    api = await startGitLabApi({
      tokens: { w: 'write', r: 'read' },
      jobTokens: { j: 'write' },
      projects: ['acme/env', { path: 'acme/strict', onlyAllowMergeIfPipelineSucceeds: true }, { path: 'acme/no-ci', pipeline: 'none' }],
    });
  });
  after(() => api.stop());

  it('answers bad tokens, hidden projects, job tokens and read-only scopes like GitLab', async () => {
    assert.deepEqual((await call(mrs(), { headers: { 'private-token': 'nope' } })).body, { message: '401 Unauthorized' });
    const anonymous = await call(mrs());
    assert.deepEqual([anonymous.status, anonymous.body], [404, { message: '404 Project Not Found' }]);
    const job = await call(mrs(), { headers: { 'job-token': 'j' } });
    assert.equal(job.status, 404, 'JOB-TOKEN is ignored by the merge requests API');
    const jobWrite = await call(mrs(), { method: 'POST', headers: { 'job-token': 'j' }, json: {} });
    assert.equal(jobWrite.status, 401);
    const readOnly = await call(mrs(), { method: 'POST', headers: { 'private-token': 'r' }, json: {} });
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.body.error, 'insufficient_scope');
    assert.equal(readOnly.body.scope, 'api');
    const byId = await call(`${api.url}/projects/${(await call(`${api.url}/projects/acme%2Fenv`, { headers: auth })).body.id}`, {
      headers: auth,
    });
    assert.equal(byId.body.path_with_namespace, 'acme/env');
  });

  it('validates, creates and refuses duplicates with 409 and a message array', async () => {
    const missing = await call(mrs(), { method: 'POST', headers: auth, json: { title: 't' } });
    assert.deepEqual([missing.status, missing.body], [400, { error: 'source_branch is missing, target_branch is missing' }]);
    const json = { source_branch: 'feature', target_branch: 'main', title: 't', labels: 'a,b' };
    const created = await call(mrs(), { method: 'POST', headers: auth, json });
    assert.equal(created.status, 201);
    assert.deepEqual([created.body.iid, created.body.state, created.body.labels], [1, 'opened', ['a', 'b']]);
    assert.equal(created.body.merge_when_pipeline_succeeds, false);
    const again = await call(mrs(), { method: 'POST', headers: auth, json });
    assert.deepEqual(
      [again.status, again.body],
      [409, { message: ['Another open merge request already exists for this source branch: !1'] }],
    );
    const empty = await call(`${mrs()}/1`, { method: 'PUT', headers: auth, json: {} });
    assert.equal(empty.status, 400);
    const notFound = await call(`${mrs()}/99`, { headers: auth });
    assert.deepEqual([notFound.status, notFound.body], [404, { message: '404 Not found' }]);
  });

  it('pages 20 by default with x-total, x-next-page and Link', async () => {
    for (let i = 0; i < 44; i++) api.openMergeRequest('acme/env', { source_branch: `f-${i}`, title: `f ${i}` });
    const first = await call(`${mrs()}?state=opened`, { headers: auth });
    assert.equal(first.body.length, 20);
    assert.deepEqual(
      ['x-page', 'x-per-page', 'x-total', 'x-total-pages', 'x-next-page', 'x-prev-page'].map((name) => first.headers.get(name)),
      ['1', '20', '45', '3', '2', ''],
    );
    assert.match(first.headers.get('link')!, /page=2>; rel="next", <[^>]*page=1>; rel="first", <[^>]*page=3>; rel="last"$/);
    const last = await call(`${mrs()}?state=opened&page=3`, { headers: auth });
    assert.deepEqual([last.body.length, last.headers.get('x-next-page')], [5, '']);
  });

  it('merges, waits for a running pipeline, or answers 401/405 like the merge endpoint', async () => {
    const forbidden = await call(`${mrs()}/1/merge`, { method: 'PUT', headers: { 'job-token': 'j' }, json: {} });
    assert.equal(forbidden.status, 401);
    const auto = await call(`${mrs()}/1/merge`, { method: 'PUT', headers: auth, json: { merge_when_pipeline_succeeds: true } });
    assert.deepEqual([auto.status, auto.body.state, auto.body.merge_when_pipeline_succeeds], [200, 'opened', true]);
    await call(`${mrs()}/2`, { method: 'PUT', headers: auth, json: { state_event: 'close' } });
    const closed = await call(`${mrs()}/2/merge`, { method: 'PUT', headers: auth, json: { merge_when_pipeline_succeeds: true } });
    assert.deepEqual([closed.status, closed.body], [405, { message: '405 Method Not Allowed' }]);
    const now = await call(`${mrs()}/3/merge`, { method: 'PUT', headers: auth, json: {} });
    assert.deepEqual([now.status, now.body.state], [200, 'merged'], 'merges at once unless pipelines must succeed');

    const strict = `${api.url}/projects/acme%2Fstrict/merge_requests`;
    api.openMergeRequest('acme/strict', { source_branch: 'f', title: 'f' });
    const waiting = await call(`${strict}/1/merge`, { method: 'PUT', headers: auth, json: {} });
    assert.equal(waiting.status, 405, 'pipelines must succeed: not while it runs');

    const noCi = `${api.url}/projects/acme%2Fno-ci/merge_requests`;
    api.openMergeRequest('acme/no-ci', { source_branch: 'f', title: 'f' });
    const noPipeline = await call(`${noCi}/1/merge`, { method: 'PUT', headers: auth, json: { merge_when_pipeline_succeeds: true } });
    assert.equal(noPipeline.status, 405, 'no pipeline to wait for (gitlab-org/gitlab#355455)');
  });
});
