import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { runAction } from '../helpers/runner.ts';

const TOKEN = 'gh-runner-token-31d4f';
const FILES = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n',
  'envs/staging/values.yaml': 'image:\n  repository: ghcr.io/acme/api\n  tag: "1.0.0"\n',
};

describe('dist/bump/index.cjs run as the GitHub runner runs it', () => {
  let server: GitServer;
  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await server.createRepo('env', FILES, { branch: 'main' });
  });
  after(() => server.stop());

  it('writes GITHUB_OUTPUT and the step summary, masks the token, and commits', async () => {
    const run = await runAction(
      'bump',
      { repo: server.url('env'), env: 'staging', image: 'ghcr.io/acme/api:1.2.0', token: TOKEN, pin: 'tag', mode: '', 'dry-run': 'false' },
      { GITHUB_SERVER_URL: 'https://forge.example', GITHUB_REPOSITORY: 'acme/api', GITHUB_SHA: 'f00d', GITHUB_RUN_ID: '9' },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs['changed'], 'true');
    assert.equal(run.outputs['old-tag'], '1.0.0');
    assert.equal(run.outputs['new-tag'], '1.2.0');
    assert.equal(run.outputs['files'], 'envs/staging/values.yaml');
    assert.equal(run.outputs['commit'], (await server.log('env', 'main'))[0]!.oid);
    for (const name of ['pr-url', 'pr-number', 'image']) assert.ok(name in run.outputs, `output ${name} is set`);
    assert.match(run.summary, /### Baton bump: staging/);
    assert.match(run.summary, /\+ {2}tag: "1\.2\.0"/);
    assert.match(run.stdout, new RegExp(`::add-mask::${TOKEN}`));
    const printed = run.stdout.replace(`::add-mask::${TOKEN}`, '') + run.stderr;
    assert.doesNotMatch(printed, new RegExp(TOKEN));
    assert.equal(
      await server.readFile('env', 'main', 'envs/staging/values.yaml'),
      FILES['envs/staging/values.yaml'].replace('1.0.0', '1.2.0'),
    );
  });

  it('sets every output on a no-op run too', async () => {
    const run = await runAction('bump', { repo: server.url('env'), env: 'staging', image: 'ghcr.io/acme/api:1.2.0', token: TOKEN });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs['changed'], 'false');
    assert.equal(run.outputs['files'], '');
    assert.equal(run.outputs['new-tag'], '1.2.0');
  });

  it('bad input fails the step with exit 2, an error annotation naming the input, and writes nothing', async () => {
    const before = await server.log('env', 'main');
    const run = await runAction('bump', { repo: server.url('env'), env: 'staging', image: 'ghcr.io/acme/api:bad+tag', token: TOKEN });
    assert.equal(run.code, 2);
    assert.match(run.stdout, /::error::image: "bad\+tag" is not a valid tag: "\+" is not allowed/);
    assert.deepEqual(await server.log('env', 'main'), before);
  });
});
