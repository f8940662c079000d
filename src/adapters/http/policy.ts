/**
 * What every HTTP caller retries, and how long it waits: the one policy of the shared client and the
 * registry client (see ../registry/http.ts) alike.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '../../core/errors.ts';
import { type RetryPolicy, withRetry } from '../retry.ts';
import { isNetworkError } from './errors.ts';

/** A retry policy with the longest `Retry-After` Baton is willing to wait. */
export interface HttpRetryPolicy extends RetryPolicy {
  readonly maxRetryAfterMs: number;
}

/** Four attempts, 0.5 s doubling to 8 s with jitter, `Retry-After` honoured up to 60 s. */
export const DEFAULT_HTTP_RETRY: HttpRetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

/** A fault worth another attempt, with the wait the server asked for. */
export class RetriableError extends TransientError {
  override name = 'RetriableError';
  /** From `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Statuses worth retrying: 408, 429 and 5xx except 501/505, which will not change
 * (RFC 9110 §15.6; the distribution spec lists 429 TOOMANYREQUESTS).
 */
export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** True for faults worth another attempt: a {@link TransientError} or a network error from undici or Node. */
export function isTransient(error: unknown): boolean {
  return error instanceof TransientError || isNetworkError(error);
}

/**
 * Runs `operation` with retries on transient faults. The wait is the backoff with jitter, or longer
 * when the server sent `Retry-After`; a `Retry-After` beyond the policy's bound ends the retries at once
 * rather than block a CI job for longer than anyone would want.
 */
export function withHttpRetry<T>(policy: HttpRetryPolicy, operation: (attempt: number) => Promise<T>): Promise<T> {
  let hinted = 0;
  const wait = policy.sleep ?? ((ms: number) => sleep(ms).then(() => undefined));
  const patient: RetryPolicy = { ...policy, sleep: (ms) => wait(Math.max(ms, hinted)) };
  return withRetry(patient, operation, (error) => {
    if (!isTransient(error)) return false;
    hinted = error instanceof RetriableError ? (error.retryAfterMs ?? 0) : 0;
    return hinted <= policy.maxRetryAfterMs;
  });
}
