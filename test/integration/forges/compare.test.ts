/** The commits between two source revisions from GitHub's and GitLab's compare APIs (answered from real git). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listCommitsBetween } from '../../../src/adapters/forges/compare.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { type CompareServer, startCompareServer } from '../../helpers/compare-api.ts';

const TOKEN = 'compare-token-77e1a';

describe('listCommitsBetween', () => {
  let server: GitServer;
  let compare: CompareServer;
  let shas: string[];
  before(async () => {
    server = await startGitServer();
    await server.createRepo('acme/api', { 'a.txt': '0\n' });
    for (const n of [1, 2, 3]) await server.commitFiles('acme/api', 'main', { 'a.txt': `${n}\n` }, `change ${n}\n\nbody ${n}`);
    shas = (await server.log('acme/api', 'main')).map((c) => c.oid).reverse();
    compare = await startCompareServer(server.root, TOKEN);
  });
  after(async () => {
    await compare.stop();
    await server.stop();
  });

  it('GitHub: oldest first, titles, links and authors', async () => {
    const commits = await listCommitsBetween({
      source: 'https://github.com/acme/api',
      from: shas[0]!,
      to: shas[3]!,
      token: TOKEN,
      env: { GITHUB_API_URL: compare.url },
    });
    assert.deepEqual(
      commits?.map((c) => [c.sha, c.title, c.url]),
      [1, 2, 3].map((n) => [shas[n], `change ${n}`, `https://github.com/acme/api/commit/${shas[n]}`]),
    );
    assert.ok(commits?.every((c) => c.author));
  });

  it('GitLab, self-hosted (told by CI_SERVER_URL, reached at CI_API_V4_URL)', async () => {
    const env = { CI_SERVER_URL: 'https://gitlab.example.com', CI_API_V4_URL: `${compare.url}/api/v4` };
    const commits = await listCommitsBetween({
      source: 'https://gitlab.example.com/acme/api',
      from: shas[1]!,
      to: shas[3]!,
      token: TOKEN,
      env,
    });
    assert.deepEqual(
      commits?.map((c) => c.title),
      ['change 2', 'change 3'],
    );
    assert.ok(
      compare.requests.includes(`GET /api/v4/projects/acme%2Fapi/repository/compare?from=${shas[1]}&to=${shas[3]}&straight=false`),
      compare.requests.join('\n'),
    );
  });

  it('no list for a forge it cannot tell; a refusal is an error without the token', async () => {
    assert.equal(await listCommitsBetween({ source: 'https://code.example.org/acme/api', from: 'a', to: 'b', env: {} }), undefined);
    await assert.rejects(
      listCommitsBetween({
        source: 'https://github.com/acme/api',
        from: shas[0]!,
        to: shas[1]!,
        token: 'wrong-token-1234',
        env: { GITHUB_API_URL: compare.url },
      }),
      (error: Error) => /401 from .*Bad credentials/.test(error.message) && !error.message.includes('wrong-token-1234'),
    );
  });
});
