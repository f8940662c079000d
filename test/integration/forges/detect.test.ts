import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createForge, detectForge } from '../../../src/adapters/forges/detect.ts';
import { GitHubForge } from '../../../src/adapters/forges/github.ts';
import { GitLabForge } from '../../../src/adapters/forges/gitlab.ts';
import { displayUrl, parseRepoUrl } from '../../../src/adapters/forges/repo-url.ts';
import { UserError } from '../../../src/core/errors.ts';
import type { BumpDeps } from '../../../src/steps/bump/step.ts';
import { startGitHubApi } from '../../helpers/github-api.ts';
import { startGitLabApi } from '../../helpers/gitlab-api.ts';

const TOKEN = 'tok_0123456789abcdef0123456789';
const instant = { sleep: async () => {}, attempts: 2 };

function isUserError(input: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof UserError);
    assert.equal(error.input, input);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(TOKEN));
    return true;
  };
}

describe('detectForge', () => {
  it('knows github.com, *.ghe.com and gitlab.com in every URL form', () => {
    assert.equal(detectForge('https://github.com/acme/env.git', {}), 'github');
    assert.equal(detectForge('git@github.com:acme/env.git', {}), 'github');
    assert.equal(detectForge('https://octo.ghe.com/acme/env', {}), 'github');
    assert.equal(detectForge('ssh://git@gitlab.com/acme/sub/env.git', {}), 'gitlab');
    assert.equal(detectForge('https://GitLab.com/acme/env', {}), 'gitlab');
  });

  it('recognises self-hosted servers from the CI environment', () => {
    assert.equal(detectForge('https://ghe.example.com/acme/env', { GITHUB_SERVER_URL: 'https://ghe.example.com' }), 'github');
    assert.equal(detectForge('git@git.example.com:acme/env.git', { CI_SERVER_HOST: 'git.example.com' }), 'gitlab');
    assert.equal(detectForge('https://git.example.com:8443/acme/env', { CI_SERVER_URL: 'https://git.example.com:8443' }), 'gitlab');
  });

  it('asks for `forge` when the host is unknown', () => {
    assert.throws(
      () => detectForge('https://git.example.com/acme/env.git', { GITHUB_SERVER_URL: 'https://github.com' }),
      isUserError('forge', /git\.example\.com.*set `forge` to github or gitlab/),
    );
  });
});

describe('createForge', () => {
  it('builds the forge the option names, whatever the host', () => {
    const github = createForge({ repoUrl: 'https://git.example.com/acme/env', token: TOKEN, forge: 'github', env: {} });
    assert.ok(github instanceof GitHubForge);
    assert.equal(github.apiUrl, 'https://git.example.com/api/v3');
    const gitlab = createForge({
      repoUrl: 'https://git.example.com/acme/env',
      token: TOKEN,
      forge: 'GitLab',
      apiUrl: 'https://git.example.com/api/v4',
      gitlabTokenType: 'oauth',
      env: {},
    });
    assert.ok(gitlab instanceof GitLabForge);
    assert.equal(gitlab.tokenType, 'oauth');
    assert.equal(createForge({ repoUrl: 'https://gitlab.com/a/b', token: TOKEN, forge: 'auto', env: {} }).kind, 'gitlab');
    assert.equal(createForge({ repoUrl: 'https://github.com/a/b', token: TOKEN, env: {} }).kind, 'github');
  });

  it('plugs into the bump step as its forge dependency, and names a missing token', () => {
    const dependency: Pick<BumpDeps, 'forge'> = { forge: createForge };
    assert.throws(() => dependency.forge({ repoUrl: 'https://github.com/a/b', forge: 'auto' }), isUserError('token', /no GitHub token/));
  });

  it('rejects an unknown forge name and a URL that is not on a forge', () => {
    assert.throws(
      () => createForge({ repoUrl: 'https://github.com/a/b', token: TOKEN, forge: 'bitbucket', env: {} }),
      isUserError('forge', /bitbucket/),
    );
    assert.throws(() => createForge({ repoUrl: 'file:///srv/env.git', token: TOKEN, env: {} }), isUserError('repo', /file/));
  });

  it('works from the runner environment alone on a GitHub server', async () => {
    const api = await startGitHubApi({ tokens: { [TOKEN]: 'write' }, repos: ['acme/env'] });
    try {
      api.pushBranch('acme/env', 'baton/prod/api');
      const env = { GITHUB_SERVER_URL: api.url, GITHUB_API_URL: api.url };
      const forge = createForge({ repoUrl: `${api.url}/acme/env.git`, token: TOKEN, env, retry: instant });
      const result = await forge.propose({ base: 'main', head: 'baton/prod/api', title: 't', body: 'b', labels: [], autoMerge: false });
      assert.equal(result.url, `${api.url}/acme/env/pull/1`);
    } finally {
      await api.stop();
    }
  });

  it('works from the job environment alone on a GitLab server', async () => {
    const api = await startGitLabApi({ tokens: { [TOKEN]: 'write' }, projects: ['acme/env'] });
    try {
      const env = { CI_SERVER_URL: api.origin, CI_API_V4_URL: api.url };
      const forge = createForge({ repoUrl: `${api.origin}/acme/env.git`, token: TOKEN, env, retry: instant });
      const result = await forge.propose({ base: 'main', head: 'baton/prod/api', title: 't', body: 'b', labels: ['x'], autoMerge: false });
      assert.equal(result.url, `${api.origin}/acme/env/-/merge_requests/1`);
    } finally {
      await api.stop();
    }
  });
});

describe('parseRepoUrl', () => {
  it('reads host, origin and path from the URL forms git accepts', () => {
    const cases: [string, string, string, string][] = [
      ['https://github.com/acme/env.git', 'github.com', 'https://github.com', 'acme/env'],
      ['https://user:pw@gitlab.example.com:8443/a/b/c.git/', 'gitlab.example.com', 'https://gitlab.example.com:8443', 'a/b/c'],
      ['git@gitlab.example.com:a/b.git', 'gitlab.example.com', 'https://gitlab.example.com', 'a/b'],
      ['ssh://git@gitlab.example.com:2222/a/b.git', 'gitlab.example.com', 'https://gitlab.example.com', 'a/b'],
      ['http://127.0.0.1:3000/acme/env', '127.0.0.1', 'http://127.0.0.1:3000', 'acme/env'],
    ];
    for (const [url, hostname, origin, path] of cases) assert.deepEqual(parseRepoUrl(url), { hostname, origin, path }, url);
  });

  it('never shows credentials in a message', () => {
    assert.equal(displayUrl('https://x-access-token:s3cret@github.com/a/b.git'), 'https://github.com/a/b.git');
    assert.throws(
      () => parseRepoUrl('ftp://oauth2:s3cret@host/a/b'),
      (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.ok(!error.message.includes('s3cret'), error.message);
        return true;
      },
    );
  });
});
