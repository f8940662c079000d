/** verify's outputs and job summary, the same on every platform. */
import { formatDuration } from '../../core/verify/fields.ts';
import { type Verdict, verdictDetails } from '../../core/verify/verdict.ts';
import type { Recorded } from './record.ts';

const ICON: Readonly<Record<string, string>> = { healthy: '✅', failed: '❌', progressing: '⏳' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Every output, also when nothing was recorded or rolled back. */
export function verifyOutputs(
  verdict: Verdict,
  revision: string | undefined,
  recorded: Recorded | undefined,
  rollback: string,
): Record<string, string> {
  return {
    status: verdict.status,
    reason: verdict.reason,
    details: verdictDetails(verdict),
    revision: recorded?.revision ?? revision ?? '',
    recorded: String(recorded?.recorded === true),
    rollback,
  };
}

/** The job summary: the verdict, a row per target, and what was recorded. */
export function verifySummary(verdict: Verdict, env: string | undefined, notes: readonly string[]): string {
  const title = `### Baton verify${env ? `: ${env}` : ''} — ${verdict.status} after ${formatDuration(verdict.elapsedMs)}`;
  const rows = verdict.targets.map(
    (t) => `| \`${cell(t.target)}\` | ${ICON[t.outcome] ?? ''} ${t.outcome} | \`${t.reason}\` | ${cell(t.message)} |`,
  );
  return [
    title,
    '',
    cell(verdict.reason),
    '',
    '| Target | Outcome | Reason | Last state |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...notes.map((n) => `- ${n}`),
  ]
    .join('\n')
    .trimEnd();
}
