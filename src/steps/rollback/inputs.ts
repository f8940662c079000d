/** The typed, checked inputs of rollback and release-hold. */
import type { WriteMode } from '../../core/env-config.ts';
import { normaliseRepoPath } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { imageNames, parseRollbackTarget, type RollbackTarget } from '../../core/rollback/plan.ts';
import { oneLine } from '../../core/rollback/text.ts';
import type { GitIdentity } from '../../adapters/git/types.ts';
import type { InputValues } from '../../specs/types.ts';
import { parseIdentity } from '../bump/step.ts';

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

/** The inputs of rollback. */
export interface RollbackInputs extends EnvWriteInputs {
  /** Path of the allowed-signers file: the commit rolled back to must carry a good signature by one of its keys. */
  readonly allowedSigners?: string;
  readonly to: RollbackTarget;
  readonly reason: string;
  readonly hold: boolean;
}

/** The inputs of release-hold. */
export interface ReleaseInputs extends EnvWriteInputs {
  readonly reason?: string;
}

function optional(values: InputValues, name: string): string | undefined {
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

/** Checks rollback's inputs; a blank reason is refused (it goes into the commit and the hold). */
export function rollbackInputs(values: InputValues): RollbackInputs {
  const reason = oneLine(String(values['reason'] ?? ''));
  if (!reason) throw new UserError('reason: say why you roll back; it goes into the commit and the hold.', { input: 'reason' });
  if (reason.length > 500) throw new UserError(`reason: keep it under 500 characters (it is ${reason.length}).`, { input: 'reason' });
  const allowedSigners = optional(values, 'allowed-signers');
  return { ...envWriteInputs(values), ...(allowedSigners ? { allowedSigners } : {}), to: parseRollbackTarget(String(values['to'] ?? 'previous')), reason, hold: values['hold'] !== false };
}

/** Checks release-hold's inputs. */
export function releaseInputs(values: InputValues): ReleaseInputs {
  const reason = optional(values, 'reason');
  return { ...envWriteInputs(values), ...(reason ? { reason: oneLine(reason) } : {}) };
}
