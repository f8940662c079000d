/** The history command: what an environment ran, newest first, read from the env repo alone. */
import { normaliseRepoPath, resolveEnvironment } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { historyJson, historyMarkdown } from '../../core/history/format.ts';
import { historySpec } from '../../specs/history.ts';
import type { InputsOf } from '../../specs/types.ts';
import { readConfig } from '../shared/env-repo.ts';
import type { HistoryDeps } from '../shared/history-deps.ts';
import { DEFAULT_IDENTITY, remoteOf } from '../shared/identity.ts';
import { readHistory } from '../shared/history-read.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';

/** The checked inputs of history. */
export interface HistoryInputs {
  readonly repo: string;
  readonly branch?: string;
  readonly env?: string;
  readonly path?: string;
  readonly limit: number;
  readonly token?: string;
}

/** Checks history's inputs. */
export function historyInputs(values: InputsOf<typeof historySpec>): HistoryInputs {
  const { limit, path } = values;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new UserError(`limit: "${limit}" must be a whole number from 1 to 500.`, { input: 'limit' });
  if (path) normaliseRepoPath(path);
  return { repo: values.repo, limit, branch: values.branch, env: values.env, path, token: values.token };
}

/** Runs history: clones without a checkout, reads the environment's path history and its notes. */
export async function runHistory(inputs: HistoryInputs, deps: HistoryDeps, context: StepContext): Promise<StepResult> {
  const remote = remoteOf({ ...inputs, forge: 'auto' }, context.env);
  const identity = DEFAULT_IDENTITY;
  let repo = await deps.clone(remote, { ...(inputs.branch ? { branch: inputs.branch } : {}), sparsePaths: [], identity });
  try {
    const config = await readConfig(repo);
    const env = resolveEnvironment(config, inputs);
    if (!inputs.branch && env.branch && env.branch !== repo.branch) {
      await repo.cleanup();
      repo = await deps.clone(remote, { branch: env.branch, sparsePaths: [], identity });
    }
    if (!(await repo.treeOf('HEAD', env.path)))
      throw new UserError(`path: "${env.path}" does not exist on ${repo.branch}.`, { input: inputs.env ? 'env' : 'path' });
    const { entries, complete } = await readHistory(repo, env, inputs.limit, { ...(config?.policies ?? {}) });
    context.log.info(`${env.name}: ${entries.length} state(s) read${complete ? ', back to the first commit' : ''}`);
    return {
      outputs: {
        entries: JSON.stringify(historyJson(entries)),
        current: entries[0]?.folded[0]?.commit ?? entries[0]?.commit ?? '',
        count: String(entries.length),
      },
      summary: historyMarkdown(env.name, entries, complete, { repo: inputs.repo, ...(inputs.path ? { path: env.path } : {}) }),
      annotations: [],
    };
  } finally {
    await repo.cleanup();
  }
}

/** Creates the history step (a command-line step) with its side effects. */
export function historyStep(deps: HistoryDeps): Step {
  return defineStep(historySpec, (values, context) => runHistory(historyInputs(values), deps, context));
}
