/**
 * The one HTTP client of Baton's adapters (forges, Argo CD, schema locations, probes; the registry
 * client shares its transport and policy). Every request has a connect and an idle limit, goes through
 * the proxies of the environment, trusts the CA it was given, says `User-Agent: baton/<version>`, and is
 * retried on network faults, 408, 429 and 5xx with jittered backoff that honours `Retry-After`, up to a
 * bound. Errors name the method and URL with credentials removed.
 *
 *   const http = createHttpClient({ idleTimeoutMs: 30_000 });
 *   const response = await http.request(url, { method: 'POST', headers, body: JSON.stringify(data) });
 */
import { type Dispatcher, fetch as undiciFetch, type Response } from 'undici';
import { UserError } from '../../core/errors.ts';
import { USER_AGENT } from '../version.ts';
import { createDispatcher, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, type TransportOptions } from './dispatcher.ts';
import { describeNetworkFailure, errorCodes, HttpNetworkError, isNetworkError, TLS_TRUST_CODES } from './errors.ts';
import { DEFAULT_HTTP_RETRY, type HttpRetryPolicy, isRetriableStatus, parseRetryAfter, RetriableError, withHttpRetry } from './policy.ts';
import { redact, redactUrl } from './redact.ts';

export type { Response } from 'undici';

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions extends TransportOptions {
  /** Retries of every request (a request may narrow it); `false` for none. Default {@link DEFAULT_HTTP_RETRY}. */
  readonly retry?: Partial<HttpRetryPolicy> | false;
  /** Default `baton/<version>`. */
  readonly userAgent?: string;
  /** Strings never to show in an error (tokens the caller holds); credential headers are added by themselves. */
  readonly secrets?: readonly string[];
  /** The clock for `Retry-After` dates; replaceable in tests. */
  readonly now?: () => number;
  /** A transport to share instead of a new one (the client then never closes it). */
  readonly dispatcher?: Dispatcher;
}

/** One request. A body is a string or bytes, so that a retry can send it again. */
export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** A limit on the whole exchange of one attempt, on top of the client's connect and idle limits. */
  readonly timeoutMs?: number;
  /** This request's retries; `false` for none. */
  readonly retry?: Partial<HttpRetryPolicy> | false;
  /** Default `manual`: a redirect is returned, never followed with the credentials to another host. */
  readonly redirect?: 'manual' | 'follow' | 'error';
  readonly signal?: AbortSignal;
}

/** The shared client. */
export interface HttpClient {
  /**
   * Sends a request and returns the answer, any status. A retriable status is retried while attempts
   * last and returned as is after the last; a network fault after the last attempt throws
   * {@link HttpNetworkError} (transient), an untrusted certificate a {@link UserError}.
   */
  request(url: string | URL, options?: HttpRequestOptions): Promise<Response>;
  /**
   * A `fetch` over the same transport (limits, proxies, CA, user agent) without retries and with
   * fetch's own errors, for libraries that retry themselves and read fetch's errors (Octokit).
   */
  readonly fetch: typeof fetch;
  /** Closes the transport's connections (unless it was given). */
  close(): Promise<void>;
}

/** Headers whose values are credentials. */
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|private-token|job-token|x-api-key|cookie)$/i;

/** The credentials among request headers: whole values and the token after a scheme (`Bearer x`). */
function headerSecrets(headers: Readonly<Record<string, string>> | undefined): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!CREDENTIAL_HEADERS.test(name)) continue;
    secrets.push(value);
    const token = /^\S+\s+(\S+)$/.exec(value)?.[1];
    if (token) secrets.push(token);
  }
  return secrets;
}

function policyOf(base: Partial<HttpRetryPolicy> | false | undefined, own: Partial<HttpRetryPolicy> | false | undefined): HttpRetryPolicy {
  if (own === false || (own === undefined && base === false)) return { ...DEFAULT_HTTP_RETRY, attempts: 1 };
  return { ...DEFAULT_HTTP_RETRY, ...(base || {}), ...(own || {}) };
}

function withUserAgent(headers: Readonly<Record<string, string>> | undefined, userAgent: string): Record<string, string> {
  const has = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'user-agent');
  return has ? { ...headers } : { ...headers, 'user-agent': userAgent };
}

/** Turns a thrown fetch error into what to do about it: trust a CA, try again, or report a bug. */
function failure(
  error: unknown,
  where: string,
  secrets: readonly string[],
  limits: { connectTimeoutMs: number; idleTimeoutMs: number },
): Error {
  if (error instanceof UserError) return error;
  const codes = errorCodes(error);
  const trust = codes.find((code) => TLS_TRUST_CODES.has(code));
  const host = /^\S+ (\w+:\/\/[^/]+)/.exec(where)?.[1] ?? where;
  if (trust) {
    return new UserError(
      redact(
        `the TLS certificate of ${host} is not trusted (${trust}); give its CA certificate in NODE_EXTRA_CA_CERTS or the CA file option.`,
        secrets,
      ),
      { cause: error },
    );
  }
  const message = redact(describeNetworkFailure(where, error, limits), secrets);
  if (isNetworkError(error) || (error as { name?: unknown })?.name === 'TimeoutError')
    return new HttpNetworkError(message, codes[0], error);
  return new Error(message, { cause: error });
}

/** Creates a client; its transport is made now and its connections are reused across requests. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const dispatcher = options.dispatcher ?? createDispatcher(options);
  const userAgent = options.userAgent ?? USER_AGENT;
  const now = options.now ?? Date.now;
  const limits = {
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
  };

  async function once(url: URL, request: HttpRequestOptions, secrets: readonly string[]): Promise<Response> {
    const signals = [request.signal, request.timeoutMs === undefined ? undefined : AbortSignal.timeout(request.timeoutMs)].filter(
      (s) => s !== undefined,
    );
    const method = request.method ?? 'GET';
    try {
      return await undiciFetch(url, {
        method,
        headers: withUserAgent(request.headers, userAgent),
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: request.redirect ?? 'manual',
        ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
        dispatcher,
      });
    } catch (error) {
      throw failure(error, `${method} ${redactUrl(url)}`, secrets, limits);
    }
  }

  return {
    async request(url, request = {}) {
      const target = new URL(url);
      const policy = policyOf(options.retry, request.retry);
      const userinfo = [decodeURIComponent(target.username), decodeURIComponent(target.password)];
      const secrets = [...(options.secrets ?? []), ...headerSecrets(request.headers), ...userinfo];
      return withHttpRetry(policy, async (attempt) => {
        const response = await once(target, request, secrets);
        if (!isRetriableStatus(response.status) || attempt >= policy.attempts) return response;
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
        // Why: a server asking for a longer wait than the bound gets its answer returned, not a hang.
        if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return response;
        await response.body?.cancel().catch(() => undefined);
        throw new RetriableError(`${request.method ?? 'GET'} ${redactUrl(target)} answered ${response.status}`, {
          status: response.status,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      });
    },
    fetch: ((input: Parameters<typeof undiciFetch>[0], init: Parameters<typeof undiciFetch>[1] = {}) => {
      const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
      if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
      return undiciFetch(input, { ...init, headers: Object.fromEntries(headers), dispatcher });
    }) as unknown as typeof fetch,
    async close() {
      if (!options.dispatcher) await dispatcher.close();
    },
  };
}

let shared: HttpClient | undefined;

/** The process-wide client: default limits and retries, the proxies of `process.env`; made on first use. */
export function defaultHttpClient(): HttpClient {
  shared ??= createHttpClient();
  return shared;
}

/** One request on the {@link defaultHttpClient}, for callers with no options of their own. */
export function httpRequest(url: string | URL, options?: HttpRequestOptions): Promise<Response> {
  return defaultHttpClient().request(url, options);
}
