/**
 * From the targets' assessments to the step's verdict: all must be healthy at once; one failure fails
 * the whole call at once; and a timeout is its own verdict that carries the last state of each target.
 */
import { formatDuration } from './fields.ts';
import type { Assessment, Outcome } from './types.ts';

/** One target's last assessment, named. */
export interface TargetResult extends Assessment {
  readonly target: string;
}

/** The step's verdict, as the `status` output spells it. */
export type VerdictStatus = 'healthy' | 'failed' | 'timeout';

/** What verify concludes. */
export interface Verdict {
  readonly status: VerdictStatus;
  /** One line for people and the `reason` output. */
  readonly reason: string;
  readonly targets: readonly TargetResult[];
  readonly elapsedMs: number;
}

/** The outcome of several targets together. */
export function combinedOutcome(results: readonly Assessment[]): Outcome {
  if (results.some((r) => r.outcome === 'failed')) return 'failed';
  return results.length > 0 && results.every((r) => r.outcome === 'healthy') ? 'healthy' : 'progressing';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function reasonFor(status: VerdictStatus, results: readonly TargetResult[], elapsedMs: number): string {
  if (status === 'healthy') {
    return results.length === 1 ? results[0]!.message : `all ${plural(results.length, 'target')} healthy`;
  }
  if (status === 'failed') {
    const failed = results.filter((r) => r.outcome === 'failed');
    const prefix = results.length > 1 ? `${failed.length} of ${plural(results.length, 'target')} failed: ` : '';
    return prefix + failed.map((r) => r.message).join('; ');
  }
  const waiting = results.filter((r) => r.outcome !== 'healthy');
  return `timed out after ${formatDuration(elapsedMs)}: ${waiting.map((r) => r.message).join('; ')}`;
}

/** The verdict on the targets' last assessments: still progressing at the end means time ran out. */
export function verdictOf(results: readonly TargetResult[], elapsedMs: number): Verdict {
  const outcome = combinedOutcome(results);
  const status: VerdictStatus = outcome === 'progressing' ? 'timeout' : outcome;
  return { status, reason: reasonFor(status, results, elapsedMs), targets: results, elapsedMs };
}

/** The `details` output: one JSON object per target with its outcome, reason, message and facts. */
export function verdictDetails(verdict: Verdict): string {
  return JSON.stringify(
    verdict.targets.map((t) => ({ target: t.target, outcome: t.outcome, reason: t.reason, message: t.message, ...(t.facts ?? {}) })),
  );
}

/** The reason code of the verdict: the first failing or waiting target's, or `healthy`. */
export function verdictCode(verdict: Verdict): string {
  if (verdict.status === 'healthy') return 'healthy';
  const first = verdict.targets.find((t) => t.outcome === (verdict.status === 'failed' ? 'failed' : 'progressing'));
  return verdict.status === 'timeout' ? `timeout:${first?.reason ?? 'progressing'}` : (first?.reason ?? 'failed');
}
