/**
 * The inputs of the steps that write holds into an environment (rollback and release-hold): where the
 * environment is and how to write to it, checked the same way for both.
 */
import type { WriteMode } from '../../core/env-config.ts';
import { normaliseRepoPath } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { imageNames } from '../../core/rollback/plan.ts';
import type { GitIdentity } from '../../adapters/git/types.ts';
import type {
  authorInput,
  branchInput,
  dryRunInput,
  envInput,
  forgeInputs,
  labelsInput,
  modeInput,
  pathInput,
  repoInput,
  tokenInput,
} from '../../specs/env-inputs.ts';
import type { ValuesOf } from '../../specs/types.ts';
import { parseIdentity } from './identity.ts';

/** What rollback and release-hold share: where the environment is and how to write to it. */
export interface EnvWriteInputs {
  readonly repo: string;
  readonly branch?: string;
  readonly env?: string;
  readonly path?: string;
  /** Canonical image names. */
  readonly images: readonly string[];
  readonly mode?: WriteMode;
  readonly token?: string;
  readonly forge: 'auto' | 'github' | 'gitlab';
  readonly apiUrl?: string;
  readonly author: GitIdentity;
  readonly labels: readonly string[];
  readonly dryRun: boolean;
}

/** The values of the inputs both steps declare (the shared declarations of specs/env-inputs.ts, and `image`). */
export type EnvWriteValues = ValuesOf<
  readonly [
    typeof repoInput,
    typeof branchInput,
    typeof envInput,
    typeof pathInput,
    typeof modeInput,
    typeof tokenInput,
    ...typeof forgeInputs,
    typeof authorInput,
    typeof labelsInput,
    typeof dryRunInput,
  ]
> & { readonly image: readonly string[] };

/** Checks the inputs both steps share. */
export function envWriteInputs(values: EnvWriteValues): EnvWriteInputs {
  const { path, env } = values;
  if (path) normaliseRepoPath(path);
  if (env && path) throw new UserError('env and path: give one of them, not both.', { input: 'env' });
  if (!env && !path) throw new UserError('env: name an environment (from baton.yaml) or give path.', { input: 'env' });
  return {
    repo: values.repo,
    branch: values.branch,
    env,
    path,
    images: imageNames(values.image),
    mode: values.mode,
    token: values.token,
    forge: values.forge,
    apiUrl: values['api-url'],
    author: parseIdentity(values.author),
    labels: values.labels,
    dryRun: values['dry-run'],
  };
}
