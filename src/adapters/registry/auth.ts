import { UserError } from '../../core/errors.ts';
import type { Challenge } from './challenge.ts';
import type { RegistryCredential } from './credentials.ts';
import { discard, type HttpClient, type HttpRequest, isRetriableStatus, parseRetryAfter, RetriableError, header } from './http.ts';
import { type FailureContext, readErrors } from './registry-errors.ts';
import { type TokenKey, TokenCache } from './token-cache.ts';

/** The access scope for a repository (Docker token spec, "Token Scope Documentation"). */
export function repositoryScope(repository: string, access: 'pull' | 'push'): string {
  return `repository:${repository}:${access === 'push' ? 'pull,push' : 'pull'}`;
}

/** Everything needed to answer one challenge. */
export interface AuthRequest {
  readonly challenge: Challenge | undefined;
  readonly scopes: readonly string[];
  readonly credential: RegistryCredential | undefined;
  /** The registry is reached over plain HTTP (named insecure), so a plain-HTTP realm is acceptable. */
  readonly plainHttp: boolean;
  readonly ctx: FailureContext;
}

/** Turns challenges and credentials into `Authorization` values; Bearer tokens are cached. */
export class Authenticator {
  readonly #http: HttpClient;
  readonly #cache: TokenCache;
  readonly #clientId: string;
  readonly #pending = new Map<string, Promise<{ token: string; expiresIn?: number }>>();

  constructor(options: { http: HttpClient; cache?: TokenCache; clientId?: string }) {
    this.#http = options.http;
    this.#cache = options.cache ?? new TokenCache();
    this.#clientId = options.clientId ?? 'baton';
  }

  /** The `Authorization` header for a request, or `undefined` when there is nothing to send. */
  async authorize(req: AuthRequest): Promise<string | undefined> {
    const { challenge, credential } = req;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return basicHeader(credential);
    if (challenge.scheme !== 'bearer') return undefined;
    if (credential?.registryToken) return `Bearer ${credential.registryToken}`;
    const key = tokenKey(challenge, req.scopes, credential);
    const cached = this.#cache.get(key);
    if (cached) return `Bearer ${cached}`;
    return `Bearer ${await this.#sharedFetch(key, req)}`;
  }

  /** One token request per key at a time: parallel blob copies wait for the same token. */
  async #sharedFetch(key: TokenKey, req: AuthRequest): Promise<string> {
    const id = TokenCache.keyOf(key);
    let pending = this.#pending.get(id);
    if (!pending) {
      pending = this.#fetchToken(key, req).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    const { token, expiresIn } = await pending;
    this.#cache.set(key, token, expiresIn);
    return token;
  }

  /** Forgets the cached token for a request the registry refused, so the next attempt fetches anew. */
  forget(req: Pick<AuthRequest, 'challenge' | 'scopes' | 'credential'>): void {
    if (req.challenge?.scheme === 'bearer') this.#cache.delete(tokenKey(req.challenge, req.scopes, req.credential));
  }

  async #fetchToken(key: TokenKey, req: AuthRequest): Promise<{ token: string; expiresIn?: number }> {
    const realm = parseRealm(key.realm, req);
    const http = req.credential?.identityToken
      ? oauthRequest(realm, key, req.credential.identityToken, this.#clientId)
      : getRequest(realm, key, req.credential);
    const response = await this.#http.send(http);
    if (response.status !== 200) throw await tokenFailure(response, realm, req);
    let json: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      json = JSON.parse(await response.body.text()) as typeof json;
    } catch (error) {
      throw new UserError(`the token server at ${realm.origin}${realm.pathname} did not answer with JSON.`, { cause: error });
    }
    // Docker token spec: `token`, with `access_token` as the OAuth2-compatible alias; either may come.
    const token = typeof json.token === 'string' && json.token ? json.token : json.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new UserError(`the token server at ${realm.origin}${realm.pathname} answered without a token.`);
    }
    return { token, ...(typeof json.expires_in === 'number' ? { expiresIn: json.expires_in } : {}) };
  }
}

function basicHeader(credential: RegistryCredential | undefined): string | undefined {
  if (!credential?.username && !credential?.password) return undefined;
  return `Basic ${Buffer.from(`${credential.username ?? ''}:${credential.password ?? ''}`).toString('base64')}`;
}

function tokenKey(challenge: Challenge, scopes: readonly string[], credential: RegistryCredential | undefined): TokenKey {
  // A re-challenge may name a scope of its own (`error="insufficient_scope"`); ask for both.
  const all = new Set(scopes);
  for (const scope of (challenge.params.scope ?? '').split(' ')) if (scope) all.add(scope);
  const account = credential ? `${credential.username ?? ''}@${credential.source}` : '';
  return { realm: challenge.params.realm ?? '', service: challenge.params.service, scopes: [...all], account };
}

function parseRealm(realm: string, req: AuthRequest): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new UserError(`${req.ctx.registry} sent a Bearer challenge with an invalid realm "${realm}".`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && req.plainHttp)) {
    throw new UserError(
      `${req.ctx.registry} sends Baton to a token server over ${url.protocol} (${url.origin}); refusing to send credentials there.`,
    );
  }
  return url;
}

/** Docker token spec, "Requesting a Token": GET with `service`, one `scope` each, Basic auth if any. */
function getRequest(realm: URL, key: TokenKey, credential: RegistryCredential | undefined): HttpRequest {
  const url = new URL(realm);
  if (key.service) url.searchParams.set('service', key.service);
  for (const scope of key.scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = {};
  const basic = basicHeader(credential);
  if (basic) {
    headers.authorization = basic;
    if (credential?.username) url.searchParams.set('account', credential.username);
  }
  return { method: 'GET', url, headers };
}

/** Docker token spec, "OAuth2 Token Authentication": POST a refresh token (docker config `identitytoken`). */
function oauthRequest(realm: URL, key: TokenKey, refreshToken: string, clientId: string): HttpRequest {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
  if (key.service) form.set('service', key.service);
  if (key.scopes.length > 0) form.set('scope', key.scopes.join(' '));
  return {
    method: 'POST',
    url: realm,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(form.toString()),
  };
}

async function tokenFailure(response: Awaited<ReturnType<HttpClient['send']>>, realm: URL, req: AuthRequest): Promise<Error> {
  const where = `the token server at ${realm.origin}${realm.pathname}`;
  if (isRetriableStatus(response.status)) {
    const retryAfterMs = parseRetryAfter(header(response, 'retry-after'));
    await discard(response);
    return new RetriableError(`${where} answered ${response.status}.`, {
      status: response.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const said = (await readErrors(response))
    .map((entry) => entry.message || entry.code)
    .filter(Boolean)
    .join('; ');
  const detail = said ? ` (${said})` : '';
  const { ctx } = req;
  if (req.credential) {
    return new UserError(
      `could not ${ctx.what}: ${where} rejected the credentials from ${req.credential.source} with ${response.status}${detail}. ` +
        'Check that the user name and password or token are right and not expired.',
    );
  }
  return new UserError(
    `could not ${ctx.what}: ${where} refused an anonymous token (${response.status})${detail}; no credentials were found ` +
      `(looked in: ${ctx.searched.join(', ') || 'nothing'}). Pass username and password, or log in with \`docker login ${ctx.registry}\`.`,
  );
}
