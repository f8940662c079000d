/**
 * The inputs of the steps that write holds into an environment (rollback and release-hold): where the
 * environment is and how to write to it, checked the same way for both.
 */
import type { WriteMode } from '../../core/env-config.ts';
import { normaliseRepoPath } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { imageNames } from '../../core/rollback/plan.ts';
import type { GitIdentity } from '../../adapters/git/types.ts';
import type { InputValues } from '../../specs/types.ts';
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

/** A string input's trimmed value; undefined when blank. */
export function optional(values: InputValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Checks the inputs both steps share. */
export function envWriteInputs(values: InputValues): EnvWriteInputs {
  const path = optional(values, 'path');
  if (path) normaliseRepoPath(path);
  const env = optional(values, 'env');
  if (env && path) throw new UserError('env and path: give one of them, not both.', { input: 'env' });
  if (!env && !path) throw new UserError('env: name an environment (from baton.yaml) or give path.', { input: 'env' });
  const entries: [string, string | undefined][] = [
    ['branch', optional(values, 'branch')],
    ['env', env],
    ['path', path],
    ['mode', optional(values, 'mode')],
    ['token', optional(values, 'token')],
    ['apiUrl', optional(values, 'api-url')],
  ];
  return {
    repo: String(values['repo']),
    ...Object.fromEntries(entries.filter(([, v]) => v !== undefined)),
    images: imageNames(values['image'] as string[]),
    forge: values['forge'] as EnvWriteInputs['forge'],
    author: parseIdentity(String(values['author'])),
    labels: (values['labels'] as string[] | undefined) ?? [],
    dryRun: values['dry-run'] === true,
  } as EnvWriteInputs;
}

