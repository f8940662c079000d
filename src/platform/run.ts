import { describeError, exitCodeFor } from '../core/errors.ts';
import { type Step, StepFailure, type StepResult } from '../steps/shared/types.ts';
import { refuseSecretsInFreeText } from './free-text.ts';
import { parseInputs } from './inputs.ts';
import type { Platform } from './types.ts';

/**
 * The result a failing step attached to its error (e.g. a failed rollout's last state), if any. Read by
 * shape as well: a step runs from its own bundle, whose {@link StepFailure} is another class.
 */
function resultOf(error: unknown): StepResult | undefined {
  if (error instanceof StepFailure) return error.result;
  const result = (error as { result?: Partial<StepResult> } | undefined)?.result;
  return error instanceof Error && typeof result === 'object' && result !== null && typeof result.outputs === 'object'
    ? (result as StepResult)
    : undefined;
}

/**
 * Summary and annotations, except where they would repeat in the log what the step printed already:
 * the command line prints both there; GitLab prints annotations there (its summary is a file too).
 */
async function publish(platform: Platform, result: StepResult): Promise<void> {
  const logged = result.logged === true;
  if (result.summary && !(logged && platform.name === 'cli')) await platform.writeSummary(result.summary);
  if (!(logged && platform.name !== 'github')) platform.annotate(result.annotations);
}

/**
 * Runs one step on one platform: parse and check every input, mask secrets, run, then publish outputs,
 * summary and annotations. Resolves with the exit code (0, 1 or 2); never throws.
 */
export async function runStep(step: Step, platform: Platform, env: NodeJS.ProcessEnv, cwd: string): Promise<0 | 1 | 2> {
  try {
    const raw = platform.rawInputs(step.spec);
    for (const input of step.spec.inputs) {
      if (!input.secret) continue;
      const given = raw[input.name];
      const value = typeof given === 'string' ? given : undefined;
      for (const candidate of [value, ...(input.env ?? []).map((name) => env[name])]) {
        if (candidate) platform.log.secret(candidate);
      }
    }
    const inputs = parseInputs(step.spec, raw, env);
    refuseSecretsInFreeText(step.spec, inputs, env);
    const result = await step.run(inputs, { log: platform.log, env, cwd });
    await platform.setOutputs(result.outputs);
    await publish(platform, result);
    return 0;
  } catch (error) {
    const code = exitCodeFor(error);
    const partial = resultOf(error);
    if (partial) {
      // A failed verdict still tells what it saw: outputs, summary and annotations before the failure.
      await platform.setOutputs(partial.outputs).catch(() => undefined);
      await publish(platform, partial).catch(() => undefined);
    }
    platform.fail(describeError(error), code);
    return code;
  }
}
