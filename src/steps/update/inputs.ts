import type { GitIdentity } from '../../adapters/git/types.ts';
import { UserError } from '../../core/errors.ts';
import type { InputValues } from '../../specs/types.ts';

/** The typed inputs of update, checked. */
export interface UpdateInputs {
  readonly repo: string;
  readonly branch?: string;
  readonly env?: string;
  readonly mode: 'pr' | 'push';
  readonly token?: string;
  readonly forge: 'auto' | 'github' | 'gitlab';
  readonly apiUrl?: string;
  readonly author: GitIdentity;
  readonly labels: readonly string[];
  readonly autoMerge: boolean;
  readonly cache?: string;
  readonly insecureRegistries: readonly string[];
  readonly pageSize?: number;
  readonly import?: 'flux' | 'argocd';
  readonly write: boolean;
  readonly dryRun: boolean;
}

const IDENTITY_RE = /^\s*([^<>]+?)\s*<([^<>\s]+)>\s*$/;

/** Checks raw input values and turns them into {@link UpdateInputs}. */
export function updateInputs(values: InputValues): UpdateInputs {
  const optional = (name: string) => (values[name] as string | undefined) || undefined;
  const author = IDENTITY_RE.exec(String(values['author']));
  if (!author) throw new UserError(`author: "${String(values['author'])}" is not "Name <email>".`, { input: 'author' });
  const pageSize = values['page-size'] as number | undefined;
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000)) {
    throw new UserError(`page-size: ${pageSize} is not a whole number from 1 to 10000.`, { input: 'page-size' });
  }
  if (values['write'] === true && !values['import']) throw new UserError('write: only goes with import (flux or argocd).', { input: 'write' });
  return {
    repo: String(values['repo']),
    branch: optional('branch'),
    env: optional('env'),
    mode: (optional('mode') ?? 'pr') as UpdateInputs['mode'],
    token: optional('token'),
    forge: values['forge'] as UpdateInputs['forge'],
    apiUrl: optional('api-url'),
    author: { name: author[1]!, email: author[2]! },
    labels: (values['labels'] as string[] | undefined) ?? [],
    autoMerge: values['auto-merge'] === true,
    cache: optional('cache'),
    insecureRegistries: (values['insecure-registries'] as string[] | undefined) ?? [],
    ...(pageSize !== undefined ? { pageSize } : {}),
    import: optional('import') as UpdateInputs['import'],
    write: values['write'] === true,
    dryRun: values['dry-run'] === true,
  } as UpdateInputs;
}
