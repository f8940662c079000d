import type { GitIdentity } from '../../adapters/git/types.ts';
import { UserError } from '../../core/errors.ts';
import type { InputsOf } from '../../specs/types.ts';
import type { updateSpec } from '../../specs/update.ts';
import { parseIdentity, type RepoInputs } from '../shared/identity.ts';

/** The typed inputs of update, checked. */
export interface UpdateInputs extends RepoInputs {
  readonly branch?: string | undefined;
  readonly env?: string | undefined;
  readonly mode: 'pr' | 'push';
  readonly apiUrl?: string | undefined;
  readonly author: GitIdentity;
  readonly labels: readonly string[];
  readonly autoMerge: boolean;
  readonly cache?: string | undefined;
  readonly insecureRegistries: readonly string[];
  readonly pageSize?: number;
  readonly import?: 'flux' | 'argocd' | undefined;
  readonly write: boolean;
  readonly dryRun: boolean;
}

/** Checks update's inputs and turns them into {@link UpdateInputs}. */
export function updateInputs(values: InputsOf<typeof updateSpec>): UpdateInputs {
  const author = parseIdentity(values.author);
  const pageSize = values['page-size'];
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000)) {
    throw new UserError(`page-size: ${pageSize} is not a whole number from 1 to 10000.`, { input: 'page-size' });
  }
  if (values.write && !values.import) throw new UserError('write: only goes with import (flux or argocd).', { input: 'write' });
  return {
    repo: values.repo,
    branch: values.branch,
    env: values.env,
    mode: values.mode,
    token: values.token,
    forge: values.forge,
    apiUrl: values['api-url'],
    author,
    labels: values.labels,
    autoMerge: values['auto-merge'],
    cache: values.cache,
    insecureRegistries: values['insecure-registries'],
    ...(pageSize !== undefined ? { pageSize } : {}),
    import: values.import,
    write: values.write,
    dryRun: values['dry-run'],
  };
}
