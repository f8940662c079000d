/**
 * What the runner asks of each provider: look once and say what you see. Probes hold no loops, no
 * sleeps and no retries (Kargo's rule: one runner owns polling, retries and timeouts); they may offer a
 * change feed so the runner looks again as soon as something moved instead of at the next interval.
 */
import type { Assessment } from '../../core/verify/types.ts';

/** One target's assessment, named. */
export interface Observation extends Assessment {
  readonly target: string;
}

/** A source of observations: one target, or several found by a selector. */
export interface Probe {
  /** What it looks at, for messages before the first observation. */
  readonly label: string;
  /**
   * Looks once. Throws a UserError for problems only the user can fix (credentials, RBAC, a kind the
   * cluster does not serve); any other error is taken as "not known yet" and the runner looks again.
   */
  observe(): Promise<Observation[]>;
  /** Starts watching; calls `changed` whenever something that may change the verdict happened. */
  watch?(changed: () => void): void;
  /** Stops watching and releases connections. */
  close?(): void;
}
