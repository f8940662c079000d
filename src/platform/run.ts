import { describeError, exitCodeFor } from '../core/errors.ts';
import type { Step } from '../steps/types.ts';
import { parseInputs } from './inputs.ts';
import type { Platform } from './types.ts';

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
    const result = await step.run(inputs, { log: platform.log, env, cwd });
    await platform.setOutputs(result.outputs);
    if (result.summary) await platform.writeSummary(result.summary);
    platform.annotate(result.annotations);
    return 0;
  } catch (error) {
    const code = exitCodeFor(error);
    platform.fail(describeError(error), code);
    return code;
  }
}
