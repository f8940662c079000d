/**
 * Runs the verify step the way the platforms do (raw inputs checked by the spec, then the step), with a
 * fake StepContext that keeps what the step logs, against the test servers and a manual clock.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgoCdClient } from '../../src/adapters/clusters/argocd.ts';
import type { Clock } from '../../src/adapters/clusters/clock.ts';
import { describeError, exitCodeFor } from '../../src/core/errors.ts';
import { parseInputs, type RawInputs } from '../../src/platform/inputs.ts';
import type { StepContext, StepResult } from '../../src/steps/shared/types.ts';
import { openKubernetes } from '../../src/steps/shared/cluster.ts';
import { type VerifyDeps, VerifyFailure, verifyStep } from '../../src/steps/verify/step.ts';
import { verifySpec } from '../../src/specs/verify.ts';

/** What one run of the step came to. */
export interface VerifyRun {
  readonly code: 0 | 1 | 2;
  readonly result?: StepResult;
  readonly error?: unknown;
  readonly message: string;
  readonly logs: string[];
  readonly secrets: string[];
}

/** A fake StepContext that records log lines and masked values. */
export function fakeContext(
  env: Record<string, string | undefined> = {},
  cwd = process.cwd(),
): StepContext & { logs: string[]; secrets: string[] } {
  const logs: string[] = [];
  const secrets: string[] = [];
  return {
    logs,
    secrets,
    env,
    cwd,
    log: {
      info: (m) => void logs.push(m),
      warn: (m) => void logs.push(`warning: ${m}`),
      secret: (v) => void secrets.push(v),
      group: async (title, body) => {
        logs.push(`== ${title}`);
        return body();
      },
    },
  };
}

/** Deps for tests: the given clock, the real adapters, watches off unless asked. */
export function testDeps(clock: Clock, extra: Partial<VerifyDeps> = {}): VerifyDeps {
  return { clock, kubernetes: openKubernetes, argocd: (o) => new ArgoCdClient(o), watch: false, ...extra };
}

/** Runs verify with raw inputs as a platform would; never throws. */
export async function runVerifyStep(
  raw: RawInputs,
  deps: VerifyDeps,
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<VerifyRun> {
  const context = fakeContext(env, cwd);
  try {
    const inputs = parseInputs(verifySpec, raw, env);
    const result = await verifyStep(deps).run(inputs, context);
    return { code: 0, result, message: '', logs: context.logs, secrets: context.secrets };
  } catch (error) {
    const result = error instanceof VerifyFailure ? error.result : undefined;
    return {
      code: exitCodeFor(error),
      ...(result ? { result } : {}),
      error,
      message: describeError(error),
      logs: context.logs,
      secrets: context.secrets,
    };
  }
}

/** Writes a kubeconfig into a fresh temporary directory; returns its path and a cleanup. */
export async function kubeconfigFile(content: string): Promise<{ path: string; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-kubeconfig-'));
  const path = join(dir, 'config');
  await writeFile(path, content, { mode: 0o600 });
  return { path, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
