import { createSign, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSigningCertificate } from './registry-tls.ts';

/** Who may do what, and how the token server answers. */
export interface TokenServerOptions {
  /** Accounts and passwords accepted with Basic auth. */
  readonly users?: Readonly<Record<string, string>>;
  /** OAuth2 refresh tokens (docker `identitytoken`) and the account each stands for. */
  readonly refreshTokens?: Readonly<Record<string, string>>;
  /** Anonymous callers get `pull` (never `push`). */
  readonly anonymousPull?: boolean;
  /** Accounts that only ever get `pull`. */
  readonly readOnly?: readonly string[];
  /** Which field carries the token in the answer (the spec allows both). Default `token`. */
  readonly field?: 'token' | 'access_token';
  /** `expires_in` in seconds; default 300. */
  readonly expiresIn?: number;
}

/** One token request as the server saw it. */
export interface TokenRequest {
  readonly method: string;
  readonly account: string | undefined;
  readonly scopes: readonly string[];
  readonly service: string | undefined;
  readonly status: number;
  /** The grant type of a POST (`refresh_token`), if any. */
  readonly grantType?: string;
}

/** A running token server, and what the registry config needs to trust it. */
export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** The certificate whose key signs the tokens (registry `rootcertbundle`). */
  readonly certPath: string;
  readonly requests: TokenRequest[];
  stop(): Promise<void>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The DER of a PEM certificate, base64 (standard alphabet), as JWS `x5c` wants it (RFC 7515 §4.1.6). */
function x5c(certPem: string): string {
  return certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

/**
 * Signs an RS256 JWT with an `x5c` header holding the signing certificate; the registry checks the
 * chain against `rootcertbundle` (distribution registry/auth/token, "VerifySigningKey").
 */
function signJwt(claims: object, keyPem: string, certPem: string): string {
  const head = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [x5c(certPem)] }));
  const body = base64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(keyPem);
  return `${head}.${body}.${base64url(signature)}`;
}

interface Grant {
  readonly account: string | undefined;
  readonly scopes: readonly string[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** The account behind a request, `undefined` for anonymous, or `null` for bad credentials. */
async function authenticate(req: IncomingMessage, url: URL, options: TokenServerOptions): Promise<Grant | null> {
  if (req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const account = options.refreshTokens?.[form.get('refresh_token') ?? ''];
    if (form.get('grant_type') !== 'refresh_token' || !account) return null;
    return { account, scopes: (form.get('scope') ?? '').split(' ').filter(Boolean) };
  }
  const scopes = url.searchParams.getAll('scope');
  const auth = req.headers.authorization;
  if (!auth) return { account: undefined, scopes };
  const [user = '', password] = Buffer.from(auth.replace(/^Basic /i, ''), 'base64')
    .toString()
    .split(/:(.*)/s);
  if (options.users?.[user] === undefined || options.users[user] !== password) return null;
  return { account: user, scopes };
}

/** What the account gets for each scope: Docker token spec lets a server grant less than asked. */
function access(grant: Grant, options: TokenServerOptions): { type: string; name: string; actions: string[] }[] {
  return grant.scopes.map((scope) => {
    const [type = '', name = '', actions = ''] = scope.split(':');
    const wanted = actions.split(',');
    const allowed =
      grant.account === undefined
        ? options.anonymousPull
          ? ['pull']
          : []
        : options.readOnly?.includes(grant.account)
          ? ['pull']
          : ['pull', 'push'];
    return { type, name, actions: wanted.filter((action) => allowed.includes(action)) };
  });
}

/**
 * A Docker token server (Docker registry token spec: GET with Basic auth, POST with a refresh token)
 * on 127.0.0.1 that signs real RS256 JWTs, so a `docker-registry` with `auth: token` really checks
 * them. It records every request for assertions on caching and scopes.
 */
export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-token-'));
  const signing = await makeSigningCertificate(dir).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const service = 'baton-test-registry';
  const issuer = 'baton-test-issuer';
  const requests: TokenRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500).end(String(error));
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://token');
    const grant = await authenticate(req, url, options);
    const record = { method: req.method ?? '', service: url.searchParams.get('service') ?? undefined };
    if (!grant) {
      requests.push({ ...record, account: undefined, scopes: [], status: 401 });
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
      return;
    }
    requests.push({
      ...record,
      account: grant.account,
      scopes: grant.scopes,
      status: 200,
      ...(req.method === 'POST' ? { grantType: 'refresh_token' } : {}),
    });
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = options.expiresIn ?? 300;
    const claims = {
      iss: issuer,
      sub: grant.account ?? '',
      aud: service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access: access(grant, options),
    };
    const token = signJwt(claims, signing.keyPem, signing.certPem);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ [options.field ?? 'token']: token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('token server has no port');
  return {
    realm: `http://127.0.0.1:${address.port}/token`,
    service,
    issuer,
    certPath: signing.certPath,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
