/**
 * The one loop of verify (Kargo's rule: one runner owns polling, retries and timeouts). Each round asks
 * every probe to look once; a failed target ends the call at once, all healthy ends it, otherwise it
 * waits for the interval, or less when a watch reports a change, until the timeout.
 */
import { describeError, UserError } from '../../core/errors.ts';
import { formatDuration } from '../../core/verify/fields.ts';
import { combinedOutcome, type TargetResult, type Verdict, verdictOf } from '../../core/verify/verdict.ts';
import type { Clock } from '../../adapters/clusters/clock.ts';
import type { Observation, Probe } from '../../adapters/clusters/probe.ts';

/** How the runner waits. */
export interface RunOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Open the probes' watches after the first look. */
  readonly watch: boolean;
  /** Receives progress lines. */
  readonly log: (line: string) => void;
}

/** After a change event, how long to let a burst of related events settle before looking. */
const SETTLE_MS = 200;

/** How often a target that does not change is reported again. */
const HEARTBEAT_MS = 60_000;

/** Wakes the runner when a watch saw a change; remembers changes that came while it was looking. */
class Wakeup {
  #dirty = false;
  #resolve: (() => void) | undefined;

  readonly changed = (): void => {
    this.#dirty = true;
    this.#resolve?.();
  };

  /** Forgets changes: the look that follows sees them. */
  reset(): void {
    this.#dirty = false;
  }

  /** Waits `ms`, or until a change (then a short settle). */
  async wait(ms: number, clock: Clock): Promise<void> {
    if (!this.#dirty) {
      const stop = new AbortController();
      const change = new Promise<void>((resolve) => {
        this.#resolve = resolve;
      });
      await Promise.race([clock.sleep(ms, stop.signal), change]);
      stop.abort();
      this.#resolve = undefined;
      if (!this.#dirty) return;
    }
    await clock.sleep(Math.min(SETTLE_MS, ms));
  }
}

async function look(probe: Probe): Promise<Observation[]> {
  try {
    return await probe.observe();
  } catch (error) {
    if (error instanceof UserError) throw error;
    return [{ target: probe.label, outcome: 'progressing', reason: 'unreachable', message: `${probe.label}: ${describeError(error)}` }];
  }
}

/** Writes a target's line when it changed, or again after a quiet minute. */
class Progress {
  readonly #last = new Map<string, { message: string; at: number }>();
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  report(results: readonly TargetResult[], elapsed: number): void {
    for (const result of results) {
      const before = this.#last.get(result.target);
      if (before?.message === result.message && elapsed - before.at < HEARTBEAT_MS) continue;
      this.#last.set(result.target, { message: result.message, at: elapsed });
      this.#log(`[${formatDuration(elapsed)}] ${result.outcome === 'failed' ? 'FAILED ' : ''}${result.message}`);
    }
  }
}

function startWatches(probes: readonly Probe[], wakeup: Wakeup): void {
  for (const probe of probes) probe.watch?.(wakeup.changed);
}

/** Runs the probes to a verdict: healthy, failed, or timeout with the last state of each target. */
export async function runProbes(probes: readonly Probe[], options: RunOptions): Promise<Verdict> {
  const { clock } = options;
  const start = clock.now();
  const deadline = start + options.timeoutMs;
  const wakeup = new Wakeup();
  const progress = new Progress(options.log);
  let watching = false;
  try {
    for (;;) {
      wakeup.reset();
      const results = (await Promise.all(probes.map(look))).flat();
      const elapsed = clock.now() - start;
      progress.report(results, elapsed);
      const left = deadline - clock.now();
      if (combinedOutcome(results) !== 'progressing' || left <= 0) return verdictOf(results, elapsed);
      if (options.watch && !watching) {
        startWatches(probes, wakeup);
        watching = true;
      }
      await wakeup.wait(Math.min(options.intervalMs, left), clock);
    }
  } finally {
    for (const probe of probes) probe.close?.();
  }
}
