import type { Readable } from 'node:stream';
import { request } from 'undici';
import { TransientError, UserError } from '../../core/errors.ts';
import { errorCodes, NETWORK_CODES, TLS_TRUST_CODES } from '../http/errors.ts';
import { RetriableError } from '../http/policy.ts';
import type { Dispatchers } from './tls.ts';

/** HTTP methods the distribution API uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request. A `Readable` body is sent once and never replayed. */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | Uint8Array | Readable;
}

/** A response whose body the caller must read or {@link discard}. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable & { text(): Promise<string>; dump(opts?: { limit: number }): Promise<void> };
  /** The URL that answered, after redirects. */
  readonly url: URL;
}

export { DEFAULT_HTTP_RETRY, type HttpRetryPolicy, isRetriableStatus, parseRetryAfter, RetriableError } from '../http/policy.ts';

/** The first value of a response header. */
export function header(response: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads and drops a body so the connection can be reused. */
export async function discard(response: HttpResponse): Promise<void> {
  await response.body.dump({ limit: 1 << 20 }).catch(() => undefined);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * HTTP over undici with one dispatcher per host ({@link Dispatchers}). Redirects are followed here,
 * not by undici, because blob GETs are commonly redirected to object storage on another host and the
 * registry's `Authorization` must never go there (distribution spec, "Pulling blobs": the registry
 * may answer 307 to a different location).
 */
export class HttpClient {
  readonly #dispatchers: Dispatchers;
  readonly #userAgent: string;
  readonly #maxRedirects: number;

  constructor(options: { dispatchers: Dispatchers; userAgent: string; maxRedirects?: number }) {
    this.#dispatchers = options.dispatchers;
    this.#userAgent = options.userAgent;
    this.#maxRedirects = options.maxRedirects ?? 5;
  }

  /** Sends a request and follows redirects; network faults become {@link RetriableError}/{@link UserError}. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    let current = req;
    for (let hop = 0; ; hop++) {
      const response = await this.#once(current);
      const location = header(response, 'location');
      if (!REDIRECTS.has(response.status) || !location) return response;
      await discard(response);
      if (hop >= this.#maxRedirects)
        throw new UserError(`${req.url.host} redirected more than ${this.#maxRedirects} times (last: ${location}).`);
      current = this.#redirect(current, response.status, new URL(location, current.url));
    }
  }

  #redirect(previous: HttpRequest, status: number, next: URL): HttpRequest {
    if (previous.url.protocol === 'https:' && next.protocol !== 'https:' && !this.#dispatchers.isInsecure(next.host)) {
      throw new UserError(`${previous.url.host} redirected to plain HTTP (${next.origin}); refusing to follow.`);
    }
    const headers: Record<string, string> = { ...previous.headers };
    if (next.origin !== previous.url.origin) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    }
    const asGet = status === 303 || ((status === 301 || status === 302) && previous.method === 'POST');
    if (asGet) {
      for (const name of Object.keys(headers)) if (/^content-/i.test(name)) delete headers[name];
      return { method: 'GET', url: next, headers };
    }
    if (previous.body && typeof (previous.body as Readable).pipe === 'function') {
      throw new UserError(`${previous.url.host} redirected an upload (${status}); Baton cannot resend a streamed body.`);
    }
    return { ...previous, url: next, headers };
  }

  async #once(req: HttpRequest): Promise<HttpResponse> {
    const dispatcher = await this.#dispatchers.for(req.url);
    try {
      const response = await request(req.url, {
        method: req.method,
        headers: { 'user-agent': this.#userAgent, ...req.headers },
        body: req.body ?? null,
        dispatcher,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body, url: req.url };
    } catch (error) {
      throw networkFailure(error, req.url);
    }
  }
}

/**
 * Turns a thrown network error into what to do about it: an untrusted certificate, a plain-HTTP
 * server on an HTTPS port or an unknown host is the user's to fix; a reset, refusal or timeout may
 * pass and is retried. Anything else (a bug) is returned unchanged and never retried.
 */
export function networkFailure(error: unknown, url: URL): Error {
  if (error instanceof UserError || error instanceof TransientError) return error;
  const codes = errorCodes(error);
  const message = error instanceof Error ? error.message : String(error);
  const trust = codes.find((code) => TLS_TRUST_CODES.has(code));
  if (trust) {
    return new UserError(
      `the TLS certificate of ${url.host} is not trusted (${trust}). Put its CA certificate in ` +
        `/etc/containers/certs.d/${url.host}/ca.crt (or the certs directory option), or in NODE_EXTRA_CA_CERTS.`,
      { cause: error },
    );
  }
  if (/wrong version number|packet length too long|WRONG_VERSION/i.test(`${codes.join(' ')} ${message}`)) {
    return new UserError(
      `${url.host} does not speak HTTPS. If it is a plain-HTTP registry you trust, name it insecure (insecure registries option).`,
      { cause: error },
    );
  }
  if (codes.includes('ENOTFOUND')) {
    return new UserError(`registry host ${url.hostname} was not found (DNS); check the image name.`, { cause: error });
  }
  if (codes.some((code) => NETWORK_CODES.has(code))) {
    return new RetriableError(`${url.host}: ${codes[0]} ${message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(message);
}

export { isTransient, withHttpRetry } from '../http/policy.ts';
