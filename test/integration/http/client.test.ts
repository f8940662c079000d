/**
 * The shared HTTP client against real servers on loopback: time limits, retries with `Retry-After`,
 * proxies from the environment, a private CA, the user agent and redaction. Waits between attempts go
 * through an injected sleep, which records them; nothing here depends on how fast the machine is.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpClient, HttpNetworkError } from '../../../src/adapters/http/index.ts';
import { TransientError, UserError } from '../../../src/core/errors.ts';
import { type HttpProxy, startHttpProxy } from '../../helpers/http-proxy.ts';
import { makeCertificates, type TestCertificates } from '../../helpers/registry-tls.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A server on an ephemeral loopback port that counts requests and closes every socket at the end. */
async function serve(
  handler: Handler,
  tls?: { key: string; cert: string },
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const counted: Handler = (request, response) => {
    hits++;
    handler(request, response);
  };
  const server: Server = tls ? createHttpsServer(tls, counted) : createHttpServer(counted);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A sleep that returns at once and remembers each wait. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** A sequence of answers: the nth request gets the nth status (the last one repeats). */
function answers(...replies: { status: number; headers?: Record<string, string> }[]): Handler {
  let index = 0;
  return (_request, response) => {
    const reply = replies[Math.min(index++, replies.length - 1)]!;
    response.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(`status ${reply.status}`);
  };
}

const NO_PROXY_ENV = {};

describe('time limits', () => {
  it('ends a request to a server that accepts and never answers after the idle limit, with a clear error', async () => {
    const server = await serve(() => undefined);
    const http = createHttpClient({ idleTimeoutMs: 200, retry: false, env: NO_PROXY_ENV });
    try {
      await assert.rejects(http.request(`${server.url}/v2/`), (error: unknown) => {
        assert.ok(error instanceof HttpNetworkError, String(error));
        assert.ok(error instanceof TransientError);
        assert.equal(error.code, 'UND_ERR_HEADERS_TIMEOUT');
        assert.match(
          error.message,
          /^GET http:\/\/127\.0\.0\.1:\d+\/v2\/: the server accepted the connection but sent no answer within 200 ms/,
        );
        return true;
      });
    } finally {
      await http.close();
      await server.close();
    }
  });

  it('retries a request that timed out, up to the bound', async () => {
    const server = await serve(() => undefined);
    const { waits, sleep } = recordingSleep();
    const http = createHttpClient({ idleTimeoutMs: 100, retry: { attempts: 2, sleep }, env: NO_PROXY_ENV });
    try {
      await assert.rejects(http.request(server.url), HttpNetworkError);
      assert.equal(server.hits(), 2);
      assert.equal(waits.length, 1);
    } finally {
      await http.close();
      await server.close();
    }
  });

  it('ends a body that stops half-way after the idle limit', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('only part of it');
    });
    const http = createHttpClient({ idleTimeoutMs: 200, retry: false, env: NO_PROXY_ENV });
    try {
      const response = await http.request(server.url);
      await assert.rejects(response.text(), (error: unknown) =>
        /UND_ERR_BODY_TIMEOUT|Body Timeout/.test(
          `${(error as Error).cause ? ((error as Error).cause as { code?: string }).code : ''} ${String(error)}`,
        ),
      );
    } finally {
      await http.close();
      await server.close();
    }
  });
});

describe('retries', () => {
  it('retries 503 and returns the 200 that follows', async () => {
    const server = await serve(answers({ status: 503 }, { status: 200 }));
    const { waits, sleep } = recordingSleep();
    const http = createHttpClient({ retry: { sleep, random: () => 0.5 }, env: NO_PROXY_ENV });
    try {
      const response = await http.request(server.url);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), 'status 200');
      assert.equal(server.hits(), 2);
      assert.equal(waits.length, 1);
      assert.ok(waits[0]! > 0 && waits[0]! <= 500, `backoff ${waits[0]}`);
    } finally {
      await http.close();
      await server.close();
    }
  });

  it('waits as long as Retry-After says, in seconds and as an HTTP date', async () => {
    const now = Date.parse('Sun, 06 Dec 2026 10:00:00 GMT');
    const server = await serve(
      answers(
        { status: 429, headers: { 'retry-after': '7' } },
        { status: 503, headers: { 'retry-after': 'Sun, 06 Dec 2026 10:00:30 GMT' } },
        { status: 200 },
      ),
    );
    const { waits, sleep } = recordingSleep();
    const http = createHttpClient({ retry: { sleep }, now: () => now, env: NO_PROXY_ENV });
    try {
      const response = await http.request(server.url, { method: 'POST', body: 'again and again' });
      assert.equal(response.status, 200);
      assert.deepEqual(waits, [7_000, 30_000]);
    } finally {
      await http.close();
      await server.close();
    }
  });

  it('returns the answer instead of waiting longer than the bound, and stops after the last attempt', async () => {
    const server = await serve(answers({ status: 429, headers: { 'retry-after': '3600' } }));
    const { waits, sleep } = recordingSleep();
    const http = createHttpClient({ retry: { sleep, maxRetryAfterMs: 60_000 }, env: NO_PROXY_ENV });
    try {
      assert.equal((await http.request(server.url)).status, 429);
      assert.deepEqual(waits, []);
      const failing = await serve(answers({ status: 502 }));
      try {
        const response = await http.request(failing.url, { retry: { attempts: 3 } });
        assert.equal(response.status, 502);
        assert.equal(failing.hits(), 3);
      } finally {
        await failing.close();
      }
    } finally {
      await http.close();
      await server.close();
    }
  });

  it('never retries what will not change: 404, 501', async () => {
    const server = await serve(answers({ status: 501 }));
    const http = createHttpClient({ retry: { sleep: async () => undefined }, env: NO_PROXY_ENV });
    try {
      assert.equal((await http.request(server.url)).status, 501);
      assert.equal(server.hits(), 1);
    } finally {
      await http.close();
      await server.close();
    }
  });
});

describe('proxies from the environment', () => {
  let proxy: HttpProxy;
  before(async () => {
    proxy = await startHttpProxy();
  });
  after(async () => {
    await proxy.close();
  });

  it('goes through HTTP_PROXY, and directly to a host in NO_PROXY', async () => {
    const server = await serve(answers({ status: 200 }));
    const host = new URL(server.url).host;
    const proxied = createHttpClient({ env: { HTTP_PROXY: proxy.url }, retry: false });
    const bypassed = createHttpClient({ env: { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1' }, retry: false });
    try {
      proxy.tunnels.length = 0;
      assert.equal((await proxied.request(server.url)).status, 200);
      assert.deepEqual(proxy.tunnels, [host]);
      assert.equal((await bypassed.request(server.url)).status, 200);
      assert.deepEqual(proxy.tunnels, [host], 'NO_PROXY must bypass the proxy');
      assert.equal(server.hits(), 2);
    } finally {
      await Promise.all([proxied.close(), bypassed.close(), server.close()]);
    }
  });

  it('prefers the lower-case form, as curl does', async () => {
    const server = await serve(answers({ status: 200 }));
    const http = createHttpClient({ env: { http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' }, retry: false });
    try {
      proxy.tunnels.length = 0;
      assert.equal((await http.request(server.url)).status, 200);
      assert.equal(proxy.tunnels.length, 1);
    } finally {
      await Promise.all([http.close(), server.close()]);
    }
  });
});

describe('a private CA', () => {
  let certs: TestCertificates;
  let server: Awaited<ReturnType<typeof serve>>;
  let proxy: HttpProxy;
  before(async () => {
    certs = await makeCertificates();
    server = await serve(answers({ status: 200 }), {
      key: await readFile(certs.keyPath, 'utf8'),
      cert: await readFile(certs.certPath, 'utf8'),
    });
    proxy = await startHttpProxy();
  });
  after(async () => {
    await Promise.all([server.close(), proxy.close()]);
    await rm(certs.dir, { recursive: true, force: true });
  });

  it('refuses a server the CA signed when the CA is not given, saying what to do', async () => {
    const http = createHttpClient({ retry: { attempts: 3 }, env: NO_PROXY_ENV });
    try {
      await assert.rejects(http.request(server.url), (error: unknown) => {
        assert.ok(error instanceof UserError, String(error));
        assert.match(error.message, /TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(\w+\).*CA/);
        return true;
      });
    } finally {
      await http.close();
    }
  });

  it('trusts it from a CA file or PEM text, directly and through an HTTPS_PROXY tunnel', async () => {
    const fromFile = createHttpClient({ caFile: certs.caPath, retry: false, env: NO_PROXY_ENV });
    const fromPem = createHttpClient({ ca: [certs.caPem], retry: false, env: { https_proxy: proxy.url } });
    try {
      assert.equal((await fromFile.request(server.url)).status, 200);
      proxy.tunnels.length = 0;
      assert.equal((await fromPem.request(server.url)).status, 200);
      assert.deepEqual(proxy.tunnels, [new URL(server.url).host]);
    } finally {
      await Promise.all([fromFile.close(), fromPem.close()]);
    }
  });

  it('trusts NODE_EXTRA_CA_CERTS, which Node reads at start-up, with no option', async () => {
    const client = new URL('../../../src/adapters/http/client.ts', import.meta.url).href;
    const script = `const { createHttpClient } = await import(${JSON.stringify(client)});
      const http = createHttpClient({ retry: false, env: {} });
      const response = await http.request(${JSON.stringify(server.url)});
      console.log(response.status); await http.close();`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env['PATH'] ?? '', NODE_EXTRA_CA_CERTS: certs.caPath },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(code, 0, err);
    assert.equal(out.trim(), '200');
  });

  it('names an unreadable CA file', () => {
    assert.throws(
      () => createHttpClient({ caFile: `${certs.dir}/missing.pem` }),
      (error: unknown) => error instanceof UserError && /missing\.pem cannot be read/.test(error.message),
    );
  });
});

describe('what a request carries and what an error shows', () => {
  it('sends User-Agent baton/<version of package.json>', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    let seen: string | undefined;
    const server = await serve((request, response) => {
      seen = request.headers['user-agent'];
      response.end();
    });
    const http = createHttpClient({ env: NO_PROXY_ENV });
    try {
      await http.request(server.url);
      assert.equal(seen, `baton/${version}`);
      await http.fetch(server.url);
      assert.equal(seen, `baton/${version}`);
    } finally {
      await Promise.all([http.close(), server.close()]);
    }
  });

  it('never puts a token in an error: headers, URL credentials and query parameters', async () => {
    const server = await serve(() => undefined);
    await server.close();
    const http = createHttpClient({ retry: false, env: NO_PROXY_ENV, secrets: ['held-by-the-caller-42'] });
    const tokens = ['glpat-secret-token-1', 'ghs_bearer_token_2', 'sig-token-3', 'held-by-the-caller-42'];
    const messages: string[] = [];
    const collect = (error: unknown) => {
      messages.push(`${(error as Error).message} ${String((error as Error).stack)}`);
      return true;
    };
    try {
      await assert.rejects(
        http.request(`${server.url}/x?access_token=${tokens[2]}&page=2`, {
          headers: { 'private-token': tokens[0]!, authorization: `Bearer ${tokens[1]}` },
        }),
        collect,
      );
      await assert.rejects(http.request(`${server.url.replace('//', `//user:${tokens[3]}@`)}/x`), collect);
      assert.equal(messages.length, 2);
      for (const message of messages) for (const token of tokens) assert.ok(!message.includes(token), `${token} leaked: ${message}`);
      assert.match(messages[0]!, /access_token=\*\*\*&page=2.*ECONNREFUSED/);
    } finally {
      await http.close();
    }
  });
});
