/** The typed, checked inputs of rollback. */
import { UserError } from '../../core/errors.ts';
import { parseRollbackTarget, type RollbackTarget } from '../../core/rollback/plan.ts';
import { oneLine } from '../../core/rollback/text.ts';
import type { rollbackSpec } from '../../specs/rollback.ts';
import type { InputsOf } from '../../specs/types.ts';
import { type EnvWriteInputs, envWriteInputs } from '../shared/env-write-inputs.ts';

/** The inputs of rollback. */
export interface RollbackInputs extends EnvWriteInputs {
  /** Path of the allowed-signers file: the commit rolled back to must carry a good signature by one of its keys. */
  readonly allowedSigners?: string;
  readonly to: RollbackTarget;
  readonly reason: string;
  readonly hold: boolean;
}

/** Checks rollback's inputs; a blank reason is refused (it goes into the commit and the hold). */
export function rollbackInputs(values: InputsOf<typeof rollbackSpec>): RollbackInputs {
  const reason = oneLine(values.reason);
  if (!reason) throw new UserError('reason: say why you roll back; it goes into the commit and the hold.', { input: 'reason' });
  if (reason.length > 500) throw new UserError(`reason: keep it under 500 characters (it is ${reason.length}).`, { input: 'reason' });
  return {
    ...envWriteInputs(values),
    allowedSigners: values['allowed-signers'],
    to: parseRollbackTarget(values.to),
    reason,
    hold: values.hold,
  };
}
