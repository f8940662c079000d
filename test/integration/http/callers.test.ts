/**
 * Every HTTP caller goes through the shared client: the forges (GitLab's own code and Octokit's fetch)
 * send `User-Agent: baton/<version>` and honour the proxy of their environment, a forge that never
 * answers ends at the idle limit, and schema locations are read through it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GitHubForge } from '../../../src/adapters/forges/github.ts';
import { GitLabForge } from '../../../src/adapters/forges/gitlab.ts';
import type { ChangeProposal } from '../../../src/adapters/forges/types.ts';
import { createHttpClient } from '../../../src/adapters/http/client.ts';
import { readSchemaDocument } from '../../../src/adapters/schemas/locations.ts';
import { TransientError } from '../../../src/core/errors.ts';
import { startGitHubApi } from '../../helpers/github-api.ts';
import { startGitLabApi } from '../../helpers/gitlab-api.ts';
import { type HttpProxy, startHttpProxy } from '../../helpers/http-proxy.ts';

const GITHUB_TOKEN = 'ghs_writeToken0123456789abcdefABCDEF';
const GITLAB_TOKEN = 'glpat-writeToken0123456789abcdef';
const HEAD = 'baton/staging/ghcr.io-acme-api';
const proposal: ChangeProposal = { base: 'main', head: HEAD, title: 'staging: bump', body: 'body', labels: [], autoMerge: false };
const noWait = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined };

async function version(): Promise<string> {
  return (JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

describe('forges on the shared client', () => {
  let proxy: HttpProxy;
  before(async () => {
    proxy = await startHttpProxy();
  });
  after(async () => {
    await proxy.close();
  });

  it('GitHub (Octokit) sends baton/<version> and goes through HTTP_PROXY of its environment', async () => {
    const api = await startGitHubApi({ tokens: { [GITHUB_TOKEN]: 'write' }, repos: ['acme/env'] });
    api.pushBranch('acme/env', HEAD);
    try {
      proxy.tunnels.length = 0;
      const forge = new GitHubForge({
        repoUrl: 'https://github.com/acme/env.git',
        token: GITHUB_TOKEN,
        apiUrl: api.url,
        env: { HTTP_PROXY: proxy.url },
        retry: noWait,
      });
      const opened = await forge.propose(proposal);
      assert.equal(opened.created, true);
      assert.ok(proxy.tunnels.length > 0 && proxy.tunnels.every((tunnel) => tunnel === new URL(api.url).host), proxy.tunnels.join());
      assert.ok(api.requests.length > 0);
      for (const request of api.requests) assert.match(String(request.headers['user-agent']), new RegExp(`^baton/${await version()}( |$)`));
    } finally {
      await api.stop();
    }
  });

  it('GitLab sends baton/<version> and goes through HTTP_PROXY, but not for a host in NO_PROXY', async () => {
    const api = await startGitLabApi({ tokens: { [GITLAB_TOKEN]: 'write' }, projects: ['acme/env'] });
    try {
      const repoUrl = 'https://gitlab.example.com/acme/env.git';
      proxy.tunnels.length = 0;
      await new GitLabForge({ repoUrl, token: GITLAB_TOKEN, apiUrl: api.url, env: { HTTP_PROXY: proxy.url }, retry: noWait }).propose({
        ...proposal,
        head: 'a',
      });
      const through = proxy.tunnels.length;
      assert.ok(through > 0);
      await new GitLabForge({
        repoUrl,
        token: GITLAB_TOKEN,
        apiUrl: api.url,
        env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
        retry: noWait,
      }).propose({ ...proposal, head: 'b' });
      assert.equal(proxy.tunnels.length, through);
      for (const request of api.requests) assert.equal(request.headers['user-agent'], `baton/${await version()}`);
    } finally {
      await api.stop();
    }
  });

  it('GitLab ends a call to an API that never answers after the idle limit, without the token', async () => {
    const sockets = new Set<Socket>();
    const server: Server = createServer(() => undefined);
    server.on('connection', (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
    const http = createHttpClient({ idleTimeoutMs: 200, env: {} });
    try {
      const forge = new GitLabForge({
        repoUrl: 'https://gitlab.example.com/acme/env.git',
        token: GITLAB_TOKEN,
        apiUrl,
        env: {},
        retry: noWait,
        http,
      });
      await assert.rejects(forge.propose(proposal), (error: unknown) => {
        assert.ok(error instanceof TransientError, String(error));
        assert.match(error.message, /Could not reach the GitLab API .* accepted the connection but sent no answer within 200 ms/);
        assert.ok(!error.message.includes(GITLAB_TOKEN));
        return true;
      });
    } finally {
      await http.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('schema locations over HTTP', () => {
  it('reads a schema, answers undefined for 404, and retries a 503', async () => {
    let calls = 0;
    const server = createServer((request, response) => {
      calls++;
      if (request.url === '/flaky.json' && calls === 1) return void response.writeHead(503).end();
      if (request.url === '/missing.json') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"object"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.deepEqual(await readSchemaDocument(`${base}/flaky.json`, '.'), { type: 'object' });
      assert.equal(calls, 2);
      assert.equal(await readSchemaDocument(`${base}/missing.json`, '.'), undefined);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
