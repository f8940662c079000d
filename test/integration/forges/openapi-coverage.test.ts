/**
 * Every GitHub REST route Baton calls is exercised by the forge tests and checked against GitHub's REST
 * description. The routes are read from the source, so a route added later is held to this too:
 * - Octokit endpoint methods (`octokit.rest.pulls.create`, also inside `paginate(…)`): the method name is
 *   the camel-cased operationId, looked up in the description;
 * - `octokit.request('POST /repos/{owner}/{repo}/…')`: method and path as written;
 * - plain `fetch` of a template URL starting `/repos/${…}/${…}/…` (compare.ts): a GET of that path.
 * The forge tests run once more in one process (`--test-isolation=none`, a couple of seconds) with
 * `BATON_OPENAPI_RECORD` set; their test servers record each operation they checked, and they fail on a
 * mismatch, so a green run plus a recorded operation means the route was exercised and validated.
 * GraphQL (auto-merge) is outside the REST description: the GitHub test API holds every document sent
 * to `/graphql` to GitHub's published GraphQL schema (`@octokit/graphql-schema`, github-graphql.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { checkGraphqlRequest } from '../../helpers/github-graphql.ts';
import { checkExchange, findOperation } from '../../helpers/github-openapi.ts';

const ROOT = join(import.meta.dirname, '../../..');
const HERE = import.meta.dirname;

/** Every `.ts` file under a directory. */
async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => join(entry.parentPath, entry.name));
}

/** operationId by Octokit method (`pulls.create` → `POST /repos/{owner}/{repo}/pulls`). */
function octokitRoutes(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const description = JSON.parse(
    require('node:fs').readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ) as {
    paths: Record<string, Record<string, { operationId?: string }>>;
  };
  const routes = new Map<string, string>();
  for (const [template, item] of Object.entries(description.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const [scope, name] = (operation.operationId ?? '').split('/');
      if (!scope || !name) continue;
      const camel = name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
      routes.set(`${scope}.${camel}`, `${method.toUpperCase()} ${template}`);
    }
  }
  return routes;
}

/** The GitHub routes the source calls, as `METHOD /template`, with the file that calls each. */
async function routesBatonCalls(): Promise<Map<string, string>> {
  const byMethod = octokitRoutes();
  const found = new Map<string, string>();
  for (const file of await sources(join(ROOT, 'src'))) {
    const text = await readFile(file, 'utf8');
    const where = file.slice(ROOT.length + 1);
    for (const [, scope, method] of text.matchAll(/\.rest\.(\w+)\.(\w+)\b/g)) {
      const route = byMethod.get(`${scope}.${method}`);
      assert.ok(route, `${where}: octokit.rest.${scope}.${method} is not an operation of GitHub's REST description`);
      found.set(route, where);
    }
    for (const [, method, path] of text.matchAll(/\brequest\(\s*['"`](GET|POST|PUT|PATCH|DELETE) (\/[^'"`\s]+)/g)) {
      found.set(`${method} ${path}`, where);
    }
    for (const [, rest] of text.matchAll(/`[^`]*?\/repos\/\$\{[^}]+\}\/\$\{[^}]+\}(\/[^`?]*)`/g)) {
      const path = `/repos/owner/repo${rest!.replace(/\$\{[^}]+\}/g, 'x')}`;
      const operation = findOperation('GET', path);
      assert.ok(operation, `${where}: GET ${path} is not an operation of GitHub's REST description`);
      found.set(`GET ${operation.template}`, where);
    }
  }
  return found;
}

describe("GitHub routes against GitHub's REST description", () => {
  it('finds the routes Baton calls in the source', async () => {
    const routes = await routesBatonCalls();
    // The routes known when this test was written; more may come, none may vanish unnoticed.
    for (const route of [
      'POST /repos/{owner}/{repo}/statuses/{sha}',
      'GET /repos/{owner}/{repo}/deployments',
      'POST /repos/{owner}/{repo}/deployments',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      'GET /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/pulls',
      'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
      'GET /repos/{owner}/{repo}/compare/{basehead}',
    ]) {
      assert.ok(routes.has(route), `${route} is no longer found in the source`);
    }
  });

  it("every route Baton calls is exercised by the forge tests (and drift's issue alerts) and validated", async () => {
    const routes = await routesBatonCalls();
    const temp = await mkdtemp(join(tmpdir(), 'baton-openapi-'));
    try {
      const record = join(temp, 'operations');
      const forgeTests = (await readdir(HERE))
        .filter((name) => name.endsWith('.test.ts') && name !== basename(import.meta.filename))
        .map((name) => join(HERE, name));
      // Drift's alert tests drive the issue routes (open, update, comment, close) against the same test API.
      const files = [...forgeTests, join(HERE, '../drift/alert.test.ts')];
      const run = spawnSync(process.execPath, ['--test', '--test-isolation=none', '--test-reporter=dot', ...files], {
        cwd: ROOT,
        env: { ...process.env, BATON_OPENAPI_RECORD: record },
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, `the forge tests failed:\n${run.stdout}\n${run.stderr}`);
      const exercised = new Set((await readFile(record, 'utf8')).split('\n').filter(Boolean));
      const missing = [...routes].filter(([route]) => !exercised.has(route)).map(([route, file]) => `${route} (called in ${file})`);
      assert.deepEqual(missing, [], 'routes Baton calls that no forge test exercised');
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  });
});

describe('the OpenAPI check itself', () => {
  const created = { state: 'success', context: 'baton', description: null, target_url: null };

  it('refuses a path GitHub does not document', () => {
    assert.match(
      checkExchange({ method: 'POST', path: '/repos/acme/env/status/abc', query: {}, body: created, status: 201, reply: {} })[0]!,
      /no operation/,
    );
  });

  it('refuses a request body with a wrong value or an undocumented field, and a missing required body', () => {
    const check = (body: unknown) =>
      checkExchange({
        method: 'POST',
        path: '/repos/acme/env/statuses/abc',
        query: {},
        body,
        status: 422,
        reply: { message: 'Validation Failed' },
      });
    assert.match(check({ state: 'done' }).join('\n'), /request body: \/state must be equal to one of the allowed values/);
    assert.match(check({ state: 'success', targetUrl: 'x' }).join('\n'), /request body field targetUrl is not documented/);
    assert.match(check(undefined).join('\n'), /request body is required/);
    assert.deepEqual(check({ state: 'success' }), []);
  });

  it('refuses an undocumented query parameter and a query value out of range', () => {
    const check = (query: Record<string, string>) =>
      checkExchange({ method: 'GET', path: '/repos/acme/env/pulls', query, body: undefined, status: 200, reply: [] });
    assert.match(check({ status: 'open' }).join('\n'), /query parameter status is not documented/);
    assert.match(check({ state: 'merged' }).join('\n'), /query parameter state=merged/);
    assert.deepEqual(check({ state: 'open', per_page: '100', head: 'acme:b' }), []);
  });

  it('refuses an answer that lacks a required field or has a wrong type, also nested through $ref', () => {
    const answer = (reply: unknown) =>
      checkExchange({ method: 'GET', path: '/repos/acme/env/pulls', query: {}, body: undefined, status: 200, reply });
    assert.match(answer([{ number: 1 }]).join('\n'), /answer 200: \/0 must have required property/);
    assert.match(answer({}).join('\n'), /answer 200: \(root\) must be array/);
  });

  it('takes an undocumented error status in the basic-error shape, and nothing else', () => {
    const answer = (status: number, reply: unknown) =>
      checkExchange({ method: 'GET', path: '/repos/acme/env/pulls', query: {}, body: undefined, status, reply });
    assert.deepEqual(answer(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }), []);
    assert.match(answer(401, { message: 401 }).join('\n'), /answer 401: \/message must be string/);
    assert.match(answer(204, undefined).join('\n'), /status 204 is not documented/);
  });

  it("holds GraphQL documents to GitHub's published GraphQL schema: fields, enum values, variable types", () => {
    const mutation =
      'mutation M($id: ID!, $method: PullRequestMergeMethod!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: ' +
      '$method }) { clientMutationId } }';
    assert.deepEqual(checkGraphqlRequest(mutation, { id: 'PR_1', method: 'SQUASH' }), []);
    assert.match(
      checkGraphqlRequest(mutation, { id: 'PR_1', method: 'SQUISH' }).join('\n'),
      /Value "SQUISH" does not exist in "PullRequestMergeMethod" enum/,
    );
    assert.match(
      checkGraphqlRequest(mutation.replace('clientMutationId', 'clientId')).join('\n'),
      /Cannot query field "clientId" on type "EnablePullRequestAutoMergePayload"/,
    );
  });
});
