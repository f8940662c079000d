/** Runs a builder's command line through the one spawn (adapters/exec.ts), logging what it did. */
import { ExecError, exec, type ExecResult } from '../exec.ts';
import { BuildError } from './build-error.ts';
import type { BuildRequest } from './types.ts';

/** How one tool run is described in messages. */
export interface ToolRun {
  readonly program: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What the run does, after "could not": `build the image with buildah`. */
  readonly what: string;
}

/**
 * Runs the tool; its output goes to the log when it ends (exec collects it). A non-zero exit becomes a
 * {@link BuildError} with the last lines; a missing program says how to install it.
 */
export async function runTool(run: ToolRun, request: Pick<BuildRequest, 'log' | 'env'>): Promise<ExecResult> {
  request.log(`$ ${run.program} ${run.args.join(' ')}`);
  try {
    const result = await exec(run.program, run.args, { env: { ...request.env, ...run.env }, replaceEnv: true });
    const output = `${result.stdout}${result.stderr}`.trimEnd();
    if (output) for (const line of output.split('\n')) request.log(line);
    return result;
  } catch (error) {
    if (error instanceof ExecError) {
      const output = `${error.result.stdout}${error.result.stderr}`.trimEnd();
      if (output) for (const line of output.split('\n')) request.log(line);
      throw new BuildError(`could not ${run.what}: ${error.message}`, { cause: error });
    }
    throw new BuildError(`could not ${run.what}: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs a probe command; `undefined` when it fails for any reason (with the reason in `why`). */
export async function probeTool(
  program: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ ok: true; stdout: string } | { ok: false; why: string }> {
  try {
    const result = await exec(program, args, { env, replaceEnv: true, timeoutMs: 20_000 });
    return { ok: true, stdout: result.stdout };
  } catch (error) {
    const message = error instanceof ExecError ? error.message : (error as Error).message;
    return { ok: false, why: message.split('\n')[0]! };
  }
}
