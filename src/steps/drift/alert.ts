/**
 * Saying so where people look: the environment's drift issue (open, update, close; never a second one)
 * and, when asked, a commit status on the env repo's head.
 */
import { alertAction, alertMarker } from '../../core/drift/alert.ts';
import { driftCounts } from '../../core/drift/report.ts';
import type { DriftReport } from '../../core/drift/types.ts';
import type { IssueTracker } from '../../adapters/forges/issues.ts';
import { statusDescription } from '../../adapters/forges/types.ts';
import type { CommitStatus, CommitStatusResult } from '../../adapters/forges/types.ts';
import type { StepContext } from '../shared/types.ts';

/** Opens the issue tracker of the env repo. */
export type IssuesFactory = (options: {
  repoUrl: string;
  token: string;
  env: Readonly<Record<string, string | undefined>>;
}) => IssueTracker;

/** Sets a commit status on the env repo. */
export type StatusSetter = (
  options: { repoUrl: string; token: string; env: Readonly<Record<string, string | undefined>> },
  status: CommitStatus,
) => Promise<CommitStatusResult>;

/** The run's URL from the CI variables, for the issue and the status. */
export function runUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY'] && env['GITHUB_RUN_ID'])
    return `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}`;
  return env['CI_PIPELINE_URL'] || env['CI_JOB_URL'] || undefined;
}

/** Keeps the environment's issue in step with the report; returns the open issue's URL (empty once closed). */
export async function syncIssue(
  tracker: IssueTracker,
  envName: string,
  label: string,
  report: DriftReport,
  context: StepContext,
): Promise<string> {
  const open = await tracker.findOpen(label, alertMarker(envName));
  const action = alertAction(envName, report, open, runUrl(context.env));
  switch (action.kind) {
    case 'none':
      if (open) context.log.info(`issue #${open.number} already says this: ${open.url}`);
      return open?.url ?? '';
    case 'open': {
      const issue = await tracker.open(action.title, action.body, [label]);
      context.log.info(`opened issue #${issue.number}: ${issue.url}`);
      return issue.url;
    }
    case 'update':
      await tracker.updateBody(open!, action.body);
      if (action.comment) await tracker.comment(open!, action.comment);
      context.log.info(`updated issue #${open!.number}: ${open!.url}`);
      return open!.url;
    case 'close':
      await tracker.comment(open!, action.comment);
      await tracker.close(open!);
      context.log.info(`closed issue #${open!.number}: drift is gone`);
      return '';
  }
}

/** The commit status mirroring the verdict. */
export function driftStatus(
  envName: string,
  report: DriftReport,
  sha: string,
  env: Readonly<Record<string, string | undefined>>,
): CommitStatus {
  const counts = driftCounts(report);
  const url = runUrl(env);
  return {
    sha,
    state: report.verdict === 'in-sync' ? 'success' : 'failure',
    context: `baton/drift/${envName}`,
    description: statusDescription(
      report.verdict === 'in-sync'
        ? `in sync: ${report.checked} object(s) match Git`
        : `drifted: ${counts.drifted} object(s) differ from Git`,
    ),
    ...(url ? { targetUrl: url } : {}),
  };
}
