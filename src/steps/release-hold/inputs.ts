/** The typed, checked inputs of release-hold. */
import { oneLine } from '../../core/rollback/text.ts';
import type { InputValues } from '../../specs/types.ts';
import { type EnvWriteInputs, envWriteInputs, optional } from '../shared/env-write-inputs.ts';

/** The inputs of release-hold. */
export interface ReleaseInputs extends EnvWriteInputs {
  readonly reason?: string;
}

/** Checks release-hold's inputs. */
export function releaseInputs(values: InputValues): ReleaseInputs {
  const reason = optional(values, 'reason');
  return { ...envWriteInputs(values), ...(reason ? { reason: oneLine(reason) } : {}) };
}
