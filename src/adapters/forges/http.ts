import { setTimeout as sleep } from 'node:timers/promises';
import { isRetriableStatus, parseRetryAfter } from '../http/policy.ts';
import { type RetryPolicy, withRetry } from '../retry.ts';

/** How a forge adapter retries: the shared backoff policy plus the server's own hints. */
export interface ForgeRetryOptions extends Partial<RetryPolicy> {
  /**
   * The longest wait Baton accepts from a server hint (`Retry-After`, a rate-limit reset). A longer one
   * fails the call at once with a message saying when to try again. Default 60 s.
   */
  readonly maxWaitMs?: number;
  /** Current time in ms since the epoch, for rate-limit resets; replaceable in tests. */
  readonly now?: () => number;
  /** Time limit for one HTTP request; default 30 s. */
  readonly timeoutMs?: number;
}

/** What to do after a failed attempt: give up, or retry (after at least `waitMs` when the server said so). */
export type RetryVerdict = { readonly retry: false } | { readonly retry: true; readonly waitMs?: number };

/** The policy used when a caller gives none: 5 attempts, 0.5 s doubling to at most 10 s. */
export const DEFAULT_FORGE_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 };

/** Default limit for a server-requested wait. */
export const DEFAULT_MAX_WAIT_MS = 60_000;

/** Default time limit for one request. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Statuses that may pass on their own: the shared client's rule (408, 429, 5xx but 501 and 505). */
export const isRetryableStatus: (status: number) => boolean = isRetriableStatus;

/**
 * Runs `operation` with {@link withRetry}: `judge` decides per error, and a wait the server asked for
 * replaces the backoff delay when it is longer.
 */
export async function retryForge<T>(
  options: ForgeRetryOptions | undefined,
  operation: (attempt: number) => Promise<T>,
  judge: (error: unknown) => RetryVerdict,
): Promise<T> {
  const wait = options?.sleep ?? ((ms: number) => sleep(ms).then(() => undefined));
  let hint = 0;
  const policy: RetryPolicy = {
    ...DEFAULT_FORGE_RETRY,
    ...stripUndefined(options),
    sleep: (ms) => wait(Math.max(ms, hint)),
  };
  return withRetry(policy, operation, (error) => {
    const verdict = judge(error);
    hint = verdict.retry ? (verdict.waitMs ?? 0) : 0;
    return verdict.retry;
  });
}

/** Fetch-style headers: Node's global `Headers` or undici's own class (not `instanceof` each other). */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** Reads one response header from Fetch-style headers or a plain (lower-case keyed) object. */
export type HeaderSource = HeaderLookup | Readonly<Record<string, string | number | undefined>>;

/** One header's value, or undefined. */
export function headerValue(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return (headers as HeaderLookup).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | number | undefined>>)[name.toLowerCase()];
  return value === undefined ? undefined : String(value);
}

/**
 * The wait in ms the server asks for: `Retry-After` (seconds or an HTTP date), else an exhausted rate
 * limit's reset time (`x-ratelimit-remaining: 0` with `x-ratelimit-reset` on GitHub,
 * `ratelimit-remaining`/`ratelimit-reset` on GitLab). Undefined when the server gave no hint.
 */
export function serverWaitMs(headers: HeaderSource | undefined, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  for (const prefix of ['x-ratelimit', 'ratelimit']) {
    if (headerValue(headers, `${prefix}-remaining`) !== '0') continue;
    const reset = Number(headerValue(headers, `${prefix}-reset`));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

/** `12 s`, `3 min`: a wait for people. */
export function describeWait(ms: number): string {
  return ms < 120_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60_000)} min`;
}

/** A server's text for a message: tags stripped, whitespace collapsed, at most 200 characters. */
export function shorten(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 199)}…` : plain;
}

export { redact } from '../http/redact.ts';

function stripUndefined(options: ForgeRetryOptions | undefined): Partial<RetryPolicy> {
  const result: Record<string, unknown> = {};
  for (const key of ['attempts', 'baseDelayMs', 'maxDelayMs', 'random'] as const) {
    if (options?.[key] !== undefined) result[key] = options[key];
  }
  return result as Partial<RetryPolicy>;
}
