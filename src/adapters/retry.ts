import { setTimeout as sleep } from 'node:timers/promises';

/** How often and how patiently to try again. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; doubles each time, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Waits between attempts; replaceable in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Randomness in [0, 1); replaceable in tests. */
  readonly random?: () => number;
}

/** The delay before attempt `attempt + 1` (attempt counts from 1): exponential with full jitter. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const random = policy.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs `operation` until it succeeds, `shouldRetry` says no, or attempts run out. The last error is
 * thrown as it was.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  operation: (attempt: number) => Promise<T>,
  shouldRetry: (error: unknown, attempt: number) => boolean,
): Promise<T> {
  const wait = policy.sleep ?? ((ms: number) => sleep(ms).then(() => undefined));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !shouldRetry(error, attempt)) throw error;
      await wait(backoffDelay(policy, attempt));
    }
  }
}
