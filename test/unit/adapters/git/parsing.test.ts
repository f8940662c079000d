/** The git adapter's pure parts: URL handling, auth config, failure classification, output parsing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authFor } from '../../../../src/adapters/git/git-auth.ts';
import { parseGitVersion } from '../../../../src/adapters/git/git-cli.ts';
import { classifyFailure } from '../../../../src/adapters/git/git-errors.ts';
import { insideCone } from '../../../../src/adapters/git/git-carry.ts';
import { parseStatus, repoPath } from '../../../../src/adapters/git/git-paths.ts';
import { parsePushOutput, pushOutcome } from '../../../../src/adapters/git/git-push.ts';
import { describeRemote, resolveRemote } from '../../../../src/adapters/git/git-url.ts';
import { TransientError, UserError } from '../../../../src/core/errors.ts';

describe('resolveRemote', () => {
  it('moves credentials out of an HTTPS URL', () => {
    const remote = resolveRemote({ url: 'https://bot:s3cr%2Ft@git.example.com/acme/env.git' });
    assert.equal(remote.url, 'https://git.example.com/acme/env.git');
    assert.equal(remote.display, 'https://git.example.com/acme/env.git');
    assert.equal(remote.origin, 'https://git.example.com');
    assert.equal(remote.username, 'bot');
    assert.equal(remote.token, 's3cr/t');
    assert.ok(remote.extraSecrets.includes('s3cr%2Ft'));
  });

  it('prefers the token input and picks a username per forge', () => {
    assert.equal(resolveRemote({ url: 'https://github.com/a/b', token: 't' }).username, 'x-access-token');
    assert.equal(resolveRemote({ url: 'https://gitlab.example.com/a/b', token: 't' }).username, 'oauth2');
    assert.equal(resolveRemote({ url: 'https://github.com/a/b', token: 't', username: 'me' }).username, 'me');
    assert.equal(resolveRemote({ url: 'https://u:old@github.com/a/b', token: 'new' }).token, 'new');
  });

  it('turns local paths and file URLs into file URLs with a path', () => {
    const path = resolveRemote({ url: '/srv/git/env' });
    assert.deepEqual([path.kind, path.url, path.localPath], ['file', 'file:///srv/git/env', '/srv/git/env']);
    assert.equal(resolveRemote({ url: 'file:///srv/git/env.git' }).localPath, '/srv/git/env.git');
    assert.equal(resolveRemote({ url: 'relative/env' }).localPath, `${process.cwd()}/relative/env`);
  });

  it('passes SSH remotes through', () => {
    assert.equal(resolveRemote({ url: 'git@github.com:acme/env.git' }).kind, 'other');
    assert.equal(resolveRemote({ url: 'ssh://git@host/acme/env.git' }).kind, 'other');
  });

  it('refuses empty and malformed URLs as repo errors', () => {
    assert.throws(() => resolveRemote({ url: ' ' }), { name: 'UserError', input: 'repo' });
    assert.throws(() => resolveRemote({ url: 'https://exa mple.com/x' }), { name: 'UserError', input: 'repo' });
  });

  it('describeRemote strips user info from every URL in a text', () => {
    assert.equal(describeRemote("fatal: 'https://a:b@h/x' and http://tok@h2/y"), "fatal: 'https://h/x' and http://h2/y");
  });
});

describe('authFor', () => {
  it('scopes a Basic header to the origin, resets what could ride along, and lists every secret form', () => {
    const auth = authFor(resolveRemote({ url: 'https://git.example.com:8443/a/b.git', token: 'tok', username: 'me' }));
    const basic = Buffer.from('me:tok').toString('base64');
    assert.deepEqual(auth.config, [
      ['http.https://git.example.com:8443/.extraHeader', ''],
      ['http.https://git.example.com:8443/.extraHeader', `Authorization: Basic ${basic}`],
      ['credential.helper', ''],
      ['http.followRedirects', 'false'],
    ]);
    assert.ok(auth.secrets.includes('tok') && auth.secrets.includes(basic));
  });

  it('adds nothing without a token or for local remotes', () => {
    assert.deepEqual(authFor(resolveRemote({ url: 'https://h/a' })).config, []);
    assert.deepEqual(authFor(resolveRemote({ url: '/srv/env', token: 't' })).config, []);
  });
});

describe('classifyFailure', () => {
  const context = { verb: 'clone', remote: 'https://h/x.git', branch: 'main', hasToken: true };
  const classify = (stderr: string) => classifyFailure({ code: 128, stdout: '', stderr }, context, undefined);
  const cases: [string, string, string | undefined][] = [
    ["fatal: Authentication failed for 'https://h/x.git/'", 'UserError', 'token'],
    ["fatal: could not read Username for 'https://h': terminal prompts disabled", 'UserError', 'token'],
    ["fatal: unable to access 'https://h/x.git/': The requested URL returned error: 403", 'UserError', 'token'],
    ["fatal: repository 'https://h/x.git/' not found", 'UserError', 'repo'],
    ["fatal: unable to access 'https://h/x.git/': The requested URL returned error: 301", 'UserError', 'repo'],
    ['fatal: Remote branch dev not found in upstream origin', 'UserError', 'branch'],
    ["fatal: couldn't find remote ref refs/heads/dev", 'UserError', 'branch'],
    ["fatal: unable to access 'https://h/x.git/': The requested URL returned error: 502", 'TransientError', undefined],
    ["fatal: unable to access 'https://h/': Could not resolve host: h", 'TransientError', undefined],
    ['error: RPC failed; curl 56 Recv failure: Connection reset by peer', 'TransientError', undefined],
    ['fatal: the remote end hung up unexpectedly', 'TransientError', undefined],
    ["fatal: unable to access 'https://h/': Operation too slow. Less than 1000 bytes/sec", 'TransientError', undefined],
    ['fatal: destination path exists and is not an empty directory', 'Error', undefined],
  ];
  for (const [stderr, name, input] of cases) {
    it(`${stderr} → ${name}${input ? ` (${input})` : ''}`, () => {
      const error = classify(stderr);
      assert.equal(error.name, name);
      if (input) assert.equal((error as UserError).input, input);
      if (name === 'TransientError') assert.ok(error instanceof TransientError);
      if (name === 'UserError') assert.ok(error instanceof UserError);
    });
  }
});

describe('push output', () => {
  const out = (line: string, code = 1) => ({ code, stdout: `To https://h/x.git\n${line}\nDone\n`, stderr: '' });
  const ref = 'refs/heads/main';

  it('parses porcelain lines', () => {
    assert.deepEqual(parsePushOutput('To x\n*\tHEAD:refs/heads/b\t[new branch]\nDone\n'), [
      { flag: '*', to: 'refs/heads/b', summary: '[new branch]' },
    ]);
  });

  it('tells pushes from races', () => {
    assert.equal(pushOutcome(out(' \tHEAD:refs/heads/main\tabc..def', 0), ref, 'x')?.result, 'pushed');
    assert.equal(pushOutcome(out('=\tHEAD:refs/heads/main\t[up to date]', 0), ref, 'x')?.result, 'pushed');
    for (const reason of [
      '[rejected] (fetch first)',
      '[rejected] (non-fast-forward)',
      '[rejected] (stale info)',
      "[remote rejected] (cannot lock ref 'refs/heads/main': is at abc but expected def)",
      '[remote rejected] (failed to update ref)',
    ]) {
      assert.equal(pushOutcome(out(`!\tHEAD:refs/heads/main\t${reason}`), ref, 'x')?.result, 'rejected', reason);
    }
    assert.equal(pushOutcome({ code: 128, stdout: '', stderr: 'fatal: Authentication failed' }, ref, 'x'), undefined);
  });

  it('reports a protected branch as a UserError naming branch', () => {
    assert.throws(() => pushOutcome(out('!\tHEAD:refs/heads/main\t[remote rejected] (protected branch hook declined)'), ref, 'x'), {
      name: 'UserError',
      input: 'branch',
      message: /protected branch hook declined.*mode: pr/,
    });
  });
});

describe('paths and listings', () => {
  it('normalises repository paths and refuses ones that leave the repository', () => {
    assert.equal(repoPath('./envs/staging/'), 'envs/staging');
    assert.equal(repoPath('envs\\prod'), 'envs/prod');
    assert.equal(repoPath('.'), '');
    assert.equal(repoPath(''), '');
    assert.throws(() => repoPath('../x'), { name: 'UserError', input: 'path' });
    assert.throws(() => repoPath('/etc'), { name: 'UserError', input: 'path' });
  });

  it('tells which paths a cone-mode sparse checkout holds, as git checks them out', () => {
    const cone = ['envs/staging/apps/api', 'bases/web'];
    const held = ['baton.yaml', 'envs/kustomization.yaml', 'envs/staging/apps/k.yaml', 'envs/staging/apps/api/sub/d.yaml', 'bases/x.yaml'];
    const notHeld = [
      'envs/prod/a.yaml',
      'envs/staging/apps/web/d.yaml',
      'envs/staging/apps/api2/d.yaml',
      'other/dir/f.yaml',
      'bases/webx/f.yaml',
    ];
    for (const path of held) assert.equal(insideCone(path, cone), true, path);
    for (const path of notHeld) assert.equal(insideCone(path, cone), false, path);
    assert.equal(insideCone('anything/at/all.yaml', undefined), true, 'no cone: everything is checked out');
  });

  it('parses status -z, renames included', () => {
    assert.deepEqual(parseStatus(' M a\0R  new\0old\0?? n\0'), [
      { code: ' M', path: 'a' },
      { code: 'R ', path: 'new', from: 'old' },
      { code: '??', path: 'n' },
    ]);
  });

  it('reads git versions', () => {
    assert.deepEqual(parseGitVersion('git version 2.39.5\n'), [2, 39, 5]);
    assert.deepEqual(parseGitVersion('git version 2.45.2.windows.1'), [2, 45, 2]);
    assert.deepEqual(parseGitVersion('git version 2.39.3 (Apple Git-146)'), [2, 39, 3]);
    assert.equal(parseGitVersion('hub version 2'), undefined);
  });
});
