import { rollbackHandoff } from '../../steps/rollback/step.ts';
import { defaultHistoryDeps } from '../../steps/shared/history-deps.ts';
import type { Step } from '../../steps/shared/types.ts';
import { systemVerifyDeps, verifyStep } from '../../steps/verify/step.ts';

/** verify with its side effects wired (and the rollback it may hand over to); bundled alone into dist/cli/verify.cjs. */
export function load(): Step {
  return verifyStep(systemVerifyDeps({ rollback: rollbackHandoff(defaultHistoryDeps()) }));
}
