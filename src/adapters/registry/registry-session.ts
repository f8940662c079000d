import { TransientError, UserError } from '../../core/errors.ts';
import { DOCKER_HUB } from '../../core/image-ref.ts';
import { type AuthRequest, type Authenticator, repositoryScope } from './auth.ts';
import { type Challenge, parseChallenges, preferredChallenge } from './challenge.ts';
import type { CredentialLookup, CredentialResolver } from './credentials.ts';
import {
  discard,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type HttpRetryPolicy,
  networkFailure,
  withHttpRetry,
} from './http.ts';
import { type FailureContext, responseFailure } from './registry-errors.ts';
import type { Dispatchers } from './tls.ts';

/** Docker Hub's API host: `docker.io` is only a name; the registry API lives here. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** One request's purpose: which repository, which access, and how to describe it in a message. */
export interface Operation {
  readonly repository: string;
  readonly access: 'pull' | 'push';
  /** A phrase after "could not": `pull the manifest of ghcr.io/acme/api:1.2`. */
  readonly what: string;
  /** More scopes in the same token, e.g. pull on the repository a blob is mounted from. */
  readonly extraScopes?: readonly string[];
}

/** How to send one request in an {@link Operation}. */
export interface SendOptions {
  /** Statuses that count as an answer; anything else becomes an error. */
  readonly expect: readonly number[];
  /**
   * False inside a larger unit that retries as a whole (a blob upload): one attempt here. A streamed
   * body is never sent twice either way.
   */
  readonly retry?: boolean;
}

function isStream(body: HttpRequest['body']): boolean {
  return body !== undefined && typeof (body as { pipe?: unknown }).pipe === 'function';
}

/** What the `/v2/` ping found out. */
interface Endpoint {
  readonly base: URL;
  readonly plainHttp: boolean;
}

/** Shared parts a session works with. */
export interface SessionDeps {
  readonly http: HttpClient;
  readonly dispatchers: Dispatchers;
  readonly authenticator: Authenticator;
  readonly credentials: CredentialResolver;
  readonly retry: HttpRetryPolicy;
}

/**
 * Talks to one registry: finds its scheme and auth challenge with a `/v2/` ping (distribution spec,
 * "Determining support"), then sends requests with the right `Authorization`, answering a new
 * challenge once, and retrying transient faults.
 */
export class RegistrySession {
  /** The registry as in an image reference (`docker.io`, `localhost:5000`). */
  readonly registry: string;
  readonly #deps: SessionDeps;
  #endpoint: Promise<Endpoint> | undefined;
  #challenge: Challenge | undefined;

  constructor(registry: string, deps: SessionDeps) {
    this.registry = registry;
    this.#deps = deps;
  }

  /** The host the API is served from. */
  get apiHost(): string {
    return this.registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : this.registry;
  }

  /** The API root, `https://host/v2/`, once the ping has answered. */
  async base(): Promise<URL> {
    return (await withHttpRetry(this.#deps.retry, () => this.#ping())).base;
  }

  /** Sends a request built against the API root, with auth and retries; fails unless the status is expected. */
  send(op: Operation, build: (base: URL) => HttpRequest, options: SendOptions): Promise<HttpResponse> {
    return this.fetch(op, build, options, async (response) => response);
  }

  /**
   * Like {@link send}, and reads the answer with `read` inside the same retry loop, so a connection
   * dropped while reading a body is retried like one dropped before the status line.
   */
  fetch<T>(
    op: Operation,
    build: (base: URL) => HttpRequest,
    options: SendOptions,
    read: (response: HttpResponse) => Promise<T>,
  ): Promise<T> {
    const attempts = options.retry === false ? 1 : this.#deps.retry.attempts;
    return withHttpRetry({ ...this.#deps.retry, attempts }, async () => {
      const endpoint = await this.#ping();
      const req = build(endpoint.base);
      const response = await this.#sendOnce(op, req, endpoint, options, !isStream(req.body));
      try {
        return await read(response);
      } catch (error) {
        await discard(response);
        throw networkFailure(error, req.url);
      }
    });
  }

  async #sendOnce(op: Operation, req: HttpRequest, endpoint: Endpoint, options: SendOptions, resendable: boolean): Promise<HttpResponse> {
    for (let answered = false; ; answered = true) {
      const auth = await this.#authRequest(op, endpoint);
      // Credentials only ever go to the registry's own origin, not to an upload Location elsewhere.
      const authorization = req.url.origin === endpoint.base.origin ? await this.#deps.authenticator.authorize(auth) : undefined;
      const response = await this.#deps.http.send(authorization ? { ...req, headers: { ...req.headers, authorization } } : req);
      if (options.expect.includes(response.status)) return response;
      const fresh = preferredChallenge(parseChallenges(response.headers['www-authenticate']));
      // A 401 may carry a new challenge (another realm, or a scope the token lacks): answer it once.
      // Basic credentials the registry just refused would only be refused again.
      const refusedBasic = fresh?.scheme === 'basic' && authorization !== undefined;
      if (response.status === 401 && fresh && !answered && resendable && !refusedBasic) {
        this.#deps.authenticator.forget(auth);
        this.#challenge = { ...fresh, params: { ...fresh.params } };
        await discard(response);
        continue;
      }
      throw await responseFailure(response, auth.ctx);
    }
  }

  async #authRequest(op: Operation, endpoint: Endpoint): Promise<AuthRequest> {
    const scopes = [repositoryScope(op.repository, op.access), ...(op.extraScopes ?? [])];
    const lookup: CredentialLookup = this.#challenge
      ? await this.#deps.credentials.resolve(this.registry, op.repository)
      : { searched: [] };
    const ctx: FailureContext = {
      registry: this.registry,
      repository: op.repository,
      access: op.access,
      what: op.what,
      searched: lookup.searched,
      scopes: this.#challenge?.scheme === 'bearer' ? scopes : [],
      ...(lookup.credential ? { credential: lookup.credential } : {}),
    };
    return { challenge: this.#challenge, scopes, credential: lookup.credential, plainHttp: endpoint.plainHttp, ctx };
  }

  /** The ping, once per session; a failed one is forgotten so the caller's retry pings again. */
  #ping(): Promise<Endpoint> {
    if (!this.#endpoint) {
      this.#endpoint = this.#pingSchemes();
      this.#endpoint.catch(() => {
        this.#endpoint = undefined;
      });
    }
    return this.#endpoint;
  }

  /** HTTPS always; plain HTTP only as a fallback for a registry named insecure (as docker does). */
  async #pingSchemes(): Promise<Endpoint> {
    const insecure = this.#deps.dispatchers.isInsecure(this.apiHost);
    try {
      return await this.#pingOne(new URL(`https://${this.apiHost}/v2/`));
    } catch (error) {
      if (!insecure) throw error;
      return this.#pingOne(new URL(`http://${this.apiHost}/v2/`));
    }
  }

  async #pingOne(base: URL): Promise<Endpoint> {
    const response = await this.#deps.http.send({ method: 'GET', url: base });
    const endpoint = { base, plainHttp: base.protocol === 'http:' };
    if (response.status === 200) {
      await discard(response);
      return endpoint;
    }
    if (response.status === 401) {
      this.#challenge = preferredChallenge(parseChallenges(response.headers['www-authenticate']));
      await discard(response);
      return endpoint;
    }
    const failure = await responseFailure(response, {
      registry: this.registry,
      repository: '',
      access: 'pull',
      what: `reach ${base.href}`,
      searched: [],
      scopes: [],
    });
    if (failure instanceof TransientError) throw failure;
    throw new UserError(
      `${this.apiHost} answered ${response.status} at ${base.href}: no OCI distribution API there. Check the registry host and port.`,
      { cause: failure },
    );
  }
}
