/** The typed, checked inputs of release-hold. */
import { oneLine } from '../../core/rollback/text.ts';
import type { releaseHoldSpec } from '../../specs/release-hold.ts';
import type { InputsOf } from '../../specs/types.ts';
import { type EnvWriteInputs, envWriteInputs } from '../shared/env-write-inputs.ts';

/** The inputs of release-hold. */
export interface ReleaseInputs extends EnvWriteInputs {
  readonly reason?: string;
}

/** Checks release-hold's inputs. */
export function releaseInputs(values: InputsOf<typeof releaseHoldSpec>): ReleaseInputs {
  const { reason } = values;
  return { ...envWriteInputs(values), ...(reason ? { reason: oneLine(reason) } : {}) };
}
