/**
 * The verify step: wait until an environment runs what Git says, give a verdict (healthy, failed,
 * timeout), record it in the env repo, and on failure hand over to rollback when asked.
 */
import { systemClock } from '../../adapters/clusters/clock.ts';
import { ArgoCdClient } from '../../adapters/clusters/argocd.ts';
import { originFromEnv } from '../../core/change-text.ts';
import { describeError, TransientError, UserError } from '../../core/errors.ts';
import type { Verdict } from '../../core/verify/verdict.ts';
import { verdictRecord } from '../../core/verify/verdict-note.ts';
import { verifySpec } from '../../specs/verify.ts';
import { maskClusterSecrets, openKubernetes } from '../shared/cluster.ts';
import { defineStep, type Step, type StepContext, StepFailure, type StepResult } from '../shared/types.ts';
import { GitVerdictRecorder } from './git-record.ts';
import { type VerifyInputs, verifyInputs } from './inputs.ts';
import { buildProbes, type ClusterDeps } from './probes.ts';
import type { RollbackHandoff } from '../shared/rollback-handoff.ts';
import { handOff, type Recorded, recordVerdict, type VerdictRecorder } from './record.ts';
import { runProbes } from './runner.ts';
import { verifyOutputs, verifySummary } from './summary.ts';

/** Side effects verify uses, injectable for tests. */
export interface VerifyDeps extends ClusterDeps {
  /** Writes the verdict into the env repo; without one, verdicts are not recorded (and it says so). */
  readonly recorder?: VerdictRecorder;
  /** Runs the rollback step for `on-failure: rollback`. */
  readonly rollback?: RollbackHandoff;
}

/** A failed or timed-out verification: exit 1, with the outputs and summary the platform should still publish. */
export class VerifyFailure extends StepFailure {
  override name = 'VerifyFailure';
}

/**
 * The real side effects: the system clock, client-node, fetch, watches on, and verdicts recorded as git
 * notes in the env repo (mirrored as forge commit statuses and, on GitHub, deployment statuses).
 */
export function systemVerifyDeps(extra: Pick<VerifyDeps, 'recorder' | 'rollback'> = {}, env: NodeJS.ProcessEnv = process.env): VerifyDeps {
  return {
    clock: systemClock,
    kubernetes: openKubernetes,
    argocd: (options) => new ArgoCdClient(options),
    watch: true,
    recorder: new GitVerdictRecorder({ env }),
    ...extra,
  };
}

async function record(inputs: VerifyInputs, verdict: Verdict, deps: VerifyDeps, context: StepContext): Promise<Recorded | undefined> {
  if (!inputs.record || inputs.dryRun || !inputs.repo || !inputs.env) {
    if (inputs.record && !inputs.dryRun && !inputs.repo) context.log.info('not recorded: no repo given');
    return undefined;
  }
  const runUrl = originFromEnv(context.env).runUrl;
  const fields = {
    env: inputs.env,
    provider: inputs.provider,
    time: new Date(deps.clock.now()).toISOString(),
    ...(inputs.expectedRevision ? { revision: inputs.expectedRevision } : {}),
    ...(runUrl ? { runUrl } : {}),
  };
  const request = {
    repo: inputs.repo,
    env: inputs.env,
    record: verdictRecord(verdict, fields),
    log: (line: string) => context.log.info(line),
    ...(inputs.token ? { token: inputs.token } : {}),
    ...(inputs.branch ? { branch: inputs.branch } : {}),
    ...(inputs.expectedRevision ? { revision: inputs.expectedRevision } : {}),
  };
  try {
    return await recordVerdict(deps.recorder, request, context.log);
  } catch (error) {
    // Why: promote looks for a healthy verdict in the env repo; one that could not be written must not
    // pass. Bad input (a wrong token, an unknown revision) stays bad input: exit 2, naming it.
    if (verdict.status === 'healthy' && error instanceof UserError) throw error;
    if (verdict.status === 'healthy')
      throw new TransientError(`the verdict is healthy but recording it failed: ${describeError(error)}`, { cause: error });
    const line = `not recorded: ${describeError(error)}`;
    context.log.warn(line);
    return { recorded: false, line };
  }
}

async function rollbackIfAsked(inputs: VerifyInputs, verdict: Verdict, deps: VerifyDeps, context: StepContext): Promise<string> {
  if (verdict.status === 'healthy' || inputs.onFailure !== 'rollback') return '';
  if (inputs.dryRun) return 'dry run: would hand the environment to rollback';
  const request = {
    repo: inputs.repo!,
    env: inputs.env!,
    reason: verdict.reason,
    ...(inputs.token ? { token: inputs.token } : {}),
    ...(inputs.branch ? { branch: inputs.branch } : {}),
    ...(inputs.expectedRevision ? { revision: inputs.expectedRevision } : {}),
  };
  return handOff(deps.rollback, request, context.log);
}

/** Runs verify with checked inputs; throws {@link VerifyFailure} (exit 1) unless healthy. */
export async function runVerify(inputs: VerifyInputs, deps: VerifyDeps, context: StepContext): Promise<StepResult> {
  maskClusterSecrets(inputs, context);
  const probes = buildProbes(inputs, deps, context);
  // The wait's lines are status: one updating line on a terminal, plain lines (on change, or a quiet minute) in CI.
  const waiting = (line: string) => (context.log.progress ? context.log.progress(line) : context.log.info(line));
  const options = { clock: deps.clock, timeoutMs: inputs.timeoutMs, intervalMs: inputs.intervalMs, watch: deps.watch, log: waiting };
  const verdict = await context.log.group(`Waiting for ${probes.map((p) => p.label).join(', ')}`, () => runProbes(probes, options));
  const recorded = await record(inputs, verdict, deps, context);
  const rollback = await rollbackIfAsked(inputs, verdict, deps, context);
  const notes = [recorded?.line, rollback ? `rollback: ${rollback}` : ''].filter((n): n is string => Boolean(n));
  const result: StepResult = {
    outputs: verifyOutputs(verdict, inputs.expectedRevision, recorded, rollback),
    summary: verifySummary(verdict, inputs.env, notes),
    annotations: verdict.status === 'healthy' ? [] : [{ level: 'error', title: `verify ${verdict.status}`, message: verdict.reason }],
  };
  if (verdict.status !== 'healthy')
    throw new VerifyFailure(`verify ${verdict.status === 'timeout' ? 'timed out' : 'failed'}: ${verdict.reason}`, result);
  return result;
}

/** Creates the verify step with its side effects. */
export function verifyStep(deps: VerifyDeps): Step {
  return defineStep(verifySpec, (values, context) => runVerify(verifyInputs(values), deps, context));
}
