import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeError, TransientError, UserError } from '../../../src/core/errors.ts';
import { GitRepo } from '../../../src/adapters/git/git-repo.ts';
import type { GitRemote } from '../../../src/adapters/git/types.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { tempDir } from '../../helpers/git-temp.ts';

const WRITER = { user: 'x-access-token', token: 'errors-writer-token-5d1e' };
const READER = { user: 'reader', token: 'errors-reader-token-88aa' };
const SECRETS = [WRITER.token, READER.token, 'wrong-token-e3f0'];
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

/** Asserts a rejection is a UserError for `input`, and that no token shows anywhere in it. */
async function rejectsWith(promise: Promise<unknown>, input: string, pattern: RegExp): Promise<UserError> {
  const error = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UserError, `expected a UserError, got ${describeError(error)}`);
  assert.equal(error.input, input);
  assert.match(error.message, pattern);
  assertNoSecret(error);
  return error;
}

function assertNoSecret(error: unknown): void {
  const text = `${describeError(error)}\n${error instanceof Error ? error.stack : ''}\n${JSON.stringify(error)}`;
  for (const secret of SECRETS) {
    assert.ok(!text.includes(secret), `secret leaked: ${text}`);
    assert.ok(!text.includes(Buffer.from(`${WRITER.user}:${secret}`).toString('base64')));
  }
}

describe('GitRepo failures', () => {
  let server: GitServer;
  let url: string;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let n = 0;
  const dir = () => join(work.path, `clone-${++n}`);
  const clone = (remote: Partial<GitRemote>, options: { branch?: string } = {}) =>
    GitRepo.clone({ url, ...remote }, { sparsePaths: ['envs'], dir: dir(), retry: FAST_RETRY, ...options });

  before(async () => {
    server = await startGitServer({
      users: { [WRITER.user]: WRITER.token, [READER.user]: READER.token },
      writers: [WRITER.user],
    });
    url = await server.createRepo('env', { 'baton.yaml': 'x\n', 'envs/a.yaml': 'tag: 1\n' });
    work = await tempDir();
  });
  after(async () => {
    await server.stop();
    await work.remove();
  });

  it('a wrong token is a UserError naming token, tried once', async () => {
    server.resetRequests();
    await rejectsWith(clone({ token: 'wrong-token-e3f0' }), 'token', /refused the token.*token input/s);
    // Git asks once with the header and once after the 401 challenge; no retry on top.
    assert.equal(server.requests.length, 2);
    assert.ok(server.requests.every((r) => r.status === 401));
  });

  it('a missing token is a UserError that says to set it', async () => {
    await rejectsWith(clone({}), 'token', /asks for credentials.*Set the token input/s);
  });

  it('a token that may not write fails the push with a UserError, and nothing is pushed', async () => {
    const before = await server.head('env', 'main');
    const repo = await clone({ token: READER.token, username: READER.user });
    await writeFile(join(repo.dir, 'envs/a.yaml'), 'tag: 2\n');
    await repo.commit({ message: 'should not land' });
    await rejectsWith(repo.push(), 'token', /during push.*write/s);
    assert.equal(await server.head('env', 'main'), before);
  });

  it('an unknown repository is a UserError naming repo', async () => {
    await rejectsWith(clone({ url: server.url('nope'), token: WRITER.token }), 'repo', /no git repository at .*nope\.git/);
  });

  it('an unknown branch is a UserError naming branch', async () => {
    await rejectsWith(clone({ token: WRITER.token }, { branch: 'nope' }), 'branch', /no branch "nope"/);
  });

  it('a malformed branch name is refused before anything runs', async () => {
    server.resetRequests();
    await rejectsWith(clone({ token: WRITER.token }, { branch: '--upload-pack=evil' }), 'branch', /not a valid branch/);
    assert.equal(server.requests.length, 0);
  });

  it('retries network faults on network verbs and succeeds', async () => {
    server.resetRequests();
    server.injectFault({ status: 503, count: 2, service: 'upload-pack' });
    const repo = await clone({ token: WRITER.token });
    assert.equal(await repo.head(), await server.head('env', 'main'));
    assert.equal(server.requests.filter((r) => r.status === 503).length, 2);
  });

  it('retries a fault during checkout, where a blobless clone fetches the blobs it checks out', async () => {
    server.resetRequests();
    // the clone's ref listing and its fetch pass; the checkout's blob fetch fails once.
    server.injectFault({ status: 500, count: 1, service: 'upload-pack', after: 2 });
    const repo = await clone({ token: WRITER.token });
    assert.deepEqual(await repo.listFiles('envs'), ['envs/a.yaml']);
    assert.equal(server.requests.filter((r) => r.status === 500).length, 1);
  });

  it('gives up after three attempts with a TransientError', async () => {
    server.resetRequests();
    server.injectFault({ status: 502, count: 10, service: 'info-refs' });
    const error = await clone({ token: WRITER.token }).catch((e: unknown) => e);
    assert.ok(error instanceof TransientError, describeError(error));
    assert.match(error.message, /502/);
    assertNoSecret(error);
    assert.equal(server.requests.filter((r) => r.status === 502).length, 3);
    server.clearFaults();
  });

  it('a refused connection is transient', async () => {
    const error = await GitRepo.clone(
      { url: 'http://127.0.0.1:1/env.git', token: WRITER.token },
      { sparsePaths: [], dir: dir(), retry: FAST_RETRY },
    ).catch((e: unknown) => e);
    assert.ok(error instanceof TransientError, describeError(error));
    assertNoSecret(error);
  });
});

describe('redirects', () => {
  let server: GitServer;
  let elsewhere: GitServer;
  let work: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    server = await startGitServer({ users: { [WRITER.user]: WRITER.token } });
    elsewhere = await startGitServer();
    await server.createRepo('group/project', { 'baton.yaml': 'x\n' });
    await elsewhere.createRepo('moved', { 'baton.yaml': 'x\n' });
    work = await tempDir();
  });
  after(async () => {
    await server.stop();
    await elsewhere.stop();
    await work.remove();
  });

  it('a URL without .git that redirects to .git on the same host works (GitLab)', async () => {
    server.redirect('group/project', server.url('group/project'));
    const base = server.url('group/project').replace(/\.git$/, '');
    const repo = await GitRepo.clone({ url: base, token: WRITER.token }, { sparsePaths: [], dir: join(work.path, 'gl') });
    assert.equal(await repo.head(), await server.head('group/project', 'main'));
  });

  it('a redirect to another host is refused, and the token is never sent there', async () => {
    const target = elsewhere.url('moved').replace('127.0.0.1', 'localhost');
    server.redirect('old.git', target);
    await rejectsWith(
      GitRepo.clone({ url: server.url('old'), token: WRITER.token }, { sparsePaths: [], dir: join(work.path, 'x') }),
      'repo',
      /redirect/,
    );
    assert.ok(elsewhere.requests.every((r) => !r.authorization));
  });
});
