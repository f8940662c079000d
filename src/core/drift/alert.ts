/**
 * One issue per environment while drift lasts: what to do given the verdict and the open issue (if any).
 * The body is a function of the drift alone (no times, no run numbers), so an unchanged drift leaves the
 * issue untouched and ten runs make one issue, not ten.
 */
import { driftTable } from './report.ts';
import { type DriftReport, keyLabel } from './types.ts';

/** What to do with the environment's issue. */
export type AlertAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'open'; readonly title: string; readonly body: string }
  | { readonly kind: 'update'; readonly body: string; readonly comment?: string }
  | { readonly kind: 'close'; readonly comment: string };

/** The marker in the title that finds the issue again, with its label. */
export function alertMarker(env: string): string {
  return `[baton drift: ${env}]`;
}

/** The issue's title. */
export function alertTitle(env: string): string {
  return `${alertMarker(env)} ${env} differs from Git`;
}

const OBJECTS_RE = /<!-- baton-drift-objects: (.*) -->/;

function objectList(report: DriftReport): string {
  return report.drifts.map((d) => `${d.kind}:${keyLabel(d.key)}`).join(',');
}

/** The issue body for a drifted environment. */
export function alertBody(env: string, report: DriftReport, runUrl?: string): string {
  return [
    `What runs in **${env}** differs from what Git says: ${report.drifts.length} object(s) drifted of ${report.checked} compared ` +
      `(${report.source}).`,
    '',
    // Why: GitHub caps an issue body at 65,536 characters; 30 rows of at most ten diffs stay well below.
    driftTable(report, 30),
    '',
    'Baton keeps this issue up to date on every drift run and closes it once the environment matches Git again. ' +
      'Fix it by putting the change into Git, or by letting the agent that owns the environment re-apply Git.',
    ...(runUrl ? ['', `Last run that saw it: ${runUrl}`] : []),
    '',
    `<!-- baton-drift-objects: ${objectList(report)} -->`,
  ].join('\n');
}

/** Decides the issue's next step; `runUrl` is left out of the comparison so that each run does not rewrite the body. */
export function alertAction(env: string, report: DriftReport, open: { readonly body: string } | undefined, runUrl?: string): AlertAction {
  if (report.verdict === 'in-sync') {
    return open
      ? {
          kind: 'close',
          comment: `${env} matches Git again: all ${report.checked} object(s) in sync. Closing.${runUrl ? ` (${runUrl})` : ''}`,
        }
      : { kind: 'none' };
  }
  const body = alertBody(env, report, runUrl);
  if (!open) return { kind: 'open', title: alertTitle(env), body };
  if (alertBody(env, report) === open.body.replace(/\n\nLast run that saw it: [^\n]*/, '')) return { kind: 'none' };
  const before = OBJECTS_RE.exec(open.body)?.[1];
  const changed = before !== objectList(report);
  return {
    kind: 'update',
    body,
    ...(changed
      ? {
          comment: `The drift changed: now ${report.drifts.length} object(s) (${report.drifts
            .slice(0, 5)
            .map((d) => keyLabel(d.key))
            .join(', ')}${report.drifts.length > 5 ? ', …' : ''}).`,
        }
      : {}),
  };
}
