/**
 * The drift step: compare what runs with what Git says, report drifted objects field by field, keep one
 * issue per environment in step with it, optionally ask the owning agent to re-apply Git, and fail the
 * job on drift unless told not to.
 */
import { basename } from 'node:path';
import { ArgoCdDriftClient } from '../../adapters/clusters/argocd-drift.ts';
import { systemClock } from '../../adapters/clusters/clock.ts';
import { createForge, detectForge } from '../../adapters/forges/detect.ts';
import { GitHubIssues } from '../../adapters/forges/github-issues.ts';
import { GitLabIssues } from '../../adapters/forges/gitlab-issues.ts';
import type { IssueTracker } from '../../adapters/forges/issues.ts';
import { renderHelm } from '../../adapters/render/helm.ts';
import { renderKustomize } from '../../adapters/render/kustomize.ts';
import type { DriftReport } from '../../core/drift/types.ts';
import { describeError, UserError } from '../../core/errors.ts';
import { driftSpec } from '../../specs/drift.ts';
import { maskClusterSecrets, openKubernetes } from '../shared/cluster.ts';
import { defineStep, type Step, type StepContext, StepFailure, type StepResult } from '../shared/types.ts';
import { driftStatus, type IssuesFactory, type StatusSetter, syncIssue } from './alert.ts';
import { type DriftInputs, driftInputs } from './inputs.ts';
import { driftOutputs, driftSummary, writeDriftReports } from './output.ts';
import { argocdCheck, fluxCheck, kubernetesCheck, type LiveCheck, type LiveDeps } from './providers.ts';

/** Side effects drift uses, injectable for tests. */
export interface DriftDeps extends LiveDeps {
  readonly issues: IssuesFactory;
  readonly commitStatus: StatusSetter;
}

/** Drift found (and not fixed): exit 1, with outputs and summary still published. */
export class DriftFailure extends StepFailure {
  override name = 'DriftFailure';
}

/** The real side effects: client-node, the shared HTTP client, the system clock, kustomize/helm, the forge's REST API. */
export function systemDriftDeps(): DriftDeps {
  return {
    clock: systemClock,
    renderers: { kustomize: renderKustomize, helm: renderHelm },
    kubernetes: openKubernetes,
    argocd: (options) => new ArgoCdDriftClient(options),
    issues: ({ repoUrl, token, env }) =>
      detectForge(repoUrl, env) === 'github' ? new GitHubIssues({ repoUrl, token, env }) : new GitLabIssues({ repoUrl, token, env }),
    commitStatus: ({ repoUrl, token, env }, status) => createForge({ repoUrl, token, env }).setCommitStatus(status),
  };
}

/** The name the environment goes by in issues, statuses and reports. */
function envName(inputs: DriftInputs): string {
  if (inputs.env) return inputs.env;
  if (inputs.provider === 'argocd') return inputs.applications.map((a) => a.name).join('+');
  if (inputs.provider === 'flux') return inputs.targets.map((t) => t.name).join('+');
  return basename(inputs.path ?? '.') || 'environment';
}

async function providerCheck(inputs: DriftInputs, deps: DriftDeps, context: StepContext): Promise<LiveCheck> {
  if (inputs.provider === 'argocd') return argocdCheck(inputs, deps);
  if (inputs.provider === 'flux') return fluxCheck(inputs, deps, context);
  return kubernetesCheck(inputs, deps, context);
}

/** Asks the agent to re-apply Git, then looks again until in sync or out of time. */
async function remediate(
  inputs: DriftInputs,
  deps: DriftDeps,
  live: LiveCheck,
  first: DriftReport,
  context: StepContext,
): Promise<{ report: DriftReport; note: string; fixed: boolean }> {
  if (first.verdict === 'in-sync' || !inputs.remediate || !live.remediate) return { report: first, note: '', fixed: false };
  if (inputs.dryRun) return { report: first, note: 'dry run: would ask the agent to re-apply Git', fixed: false };
  const asked = await live.remediate();
  context.log.info(asked);
  const deadline = deps.clock.now() + inputs.timeoutMs;
  let report = first;
  while (deps.clock.now() < deadline) {
    await deps.clock.sleep(Math.min(inputs.intervalMs, Math.max(0, deadline - deps.clock.now())));
    report = await live.check();
    if (report.verdict === 'in-sync') return { report, note: `${asked}; the environment is back in sync`, fixed: true };
  }
  return { report, note: `${asked}; still drifted after ${Math.round(inputs.timeoutMs / 1000)}s`, fixed: false };
}

/** Opens the issue tracker before anything is read, so a repo URL no forge answers for is bad input up front. */
function openTracker(inputs: DriftInputs, deps: DriftDeps, context: StepContext): IssueTracker | undefined {
  if (inputs.alert !== 'issue' || inputs.dryRun) return undefined;
  return deps.issues({ repoUrl: inputs.repo ?? '', token: inputs.token ?? '', env: context.env });
}

/** A forge that fails on its side must not hide the verdict: warn, and let the next scheduled run try again. */
async function softly(what: string, context: StepContext, notes: string[], action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof UserError) throw error;
    context.log.warn(`${what}: ${describeError(error)}`);
    notes.push(`${what}: ${describeError(error)}`);
  }
}

async function alert(
  inputs: DriftInputs,
  deps: DriftDeps,
  tracker: IssueTracker | undefined,
  report: DriftReport,
  context: StepContext,
): Promise<{ issueUrl: string; notes: string[] }> {
  const notes: string[] = [];
  let issueUrl = '';
  const name = envName(inputs);
  if (tracker) {
    await softly('issue not updated', context, notes, async () => {
      issueUrl = await syncIssue(tracker, name, inputs.alertLabel, report, context);
      notes.push(issueUrl ? `issue: ${issueUrl}` : 'no drift issue open');
    });
  }
  if (inputs.commitStatus && !inputs.dryRun) {
    const sha = context.env['GITHUB_SHA'] || context.env['CI_COMMIT_SHA'];
    if (!sha) context.log.warn('commit-status: no commit to mark (GITHUB_SHA / CI_COMMIT_SHA are unset)');
    else {
      await softly('commit status not set', context, notes, async () => {
        await deps.commitStatus(
          { repoUrl: inputs.repo ?? '', token: inputs.token ?? '', env: context.env },
          driftStatus(name, report, sha, context.env),
        );
        notes.push(`commit status baton/drift/${name} on ${sha.slice(0, 12)}`);
      });
    }
  }
  return { issueUrl, notes };
}

/** Runs drift with checked inputs; throws {@link DriftFailure} (exit 1) on drift when fail-on-drift is on. */
export async function runDrift(inputs: DriftInputs, deps: DriftDeps, context: StepContext): Promise<StepResult> {
  maskClusterSecrets(inputs, context);
  const tracker = openTracker(inputs, deps, context);
  const live = await providerCheck(inputs, deps, context);
  const first = await context.log.group('Compare with the cluster', () => live.check());
  const { report, note, fixed } = await remediate(inputs, deps, live, first, context);
  const reportPaths = await writeDriftReports(report, inputs.reports, envName(inputs), context.cwd);
  const { issueUrl, notes } = await alert(inputs, deps, tracker, report, context);
  const result: StepResult = {
    outputs: driftOutputs(report, { reportPaths, issueUrl, remediated: fixed }),
    summary: driftSummary(report, `drift ${envName(inputs)}`, [...(note ? [note] : []), ...notes]),
    annotations:
      report.verdict === 'drifted'
        ? [
            {
              level: inputs.failOnDrift ? 'error' : 'warning',
              title: 'drift',
              message: `${report.drifts.length} object(s) differ from Git`,
            },
          ]
        : [],
  };
  for (const d of report.drifts.slice(0, 20))
    context.log.info(
      `${d.kind}: ${d.key.kind}/${d.key.namespace ? `${d.key.namespace}/` : ''}${d.key.name}${d.message ? ` — ${d.message}` : ''}`,
    );
  if (report.verdict === 'drifted' && inputs.failOnDrift)
    throw new DriftFailure(`drift: ${report.drifts.length} object(s) differ from Git`, result);
  return result;
}

/** Creates the drift step with its side effects. */
export function driftStep(deps: DriftDeps): Step {
  return defineStep(driftSpec, (values, context) => runDrift(driftInputs(values), deps, context));
}
