import { type BuildPushDeps, buildPushStep } from './build-push.ts';
import { type BumpDeps, bumpStep } from './bump.ts';
import type { HistoryDeps } from './history-deps.ts';
import { historyStep } from './history.ts';
import type { PromoteDeps } from './promote-deps.ts';
import { promoteStep } from './promote.ts';
import { releaseHoldStep } from './release-hold.ts';
import { rollbackStep } from './rollback.ts';
import { statusStep } from './status.ts';
import type { Step } from './types.ts';
import { type ValidateDeps, validateStep } from './validate.ts';
import { type VerifyDeps, verifyStep } from './verify.ts';

/** Every side effect the steps need. */
export interface StepDeps {
  readonly buildPush: BuildPushDeps;
  readonly bump: BumpDeps;
  readonly validate: ValidateDeps;
  readonly verify: VerifyDeps;
  readonly promote: PromoteDeps;
  readonly history: HistoryDeps;
}

/** All steps, wired to their side effects, in pipeline order. */
export function createSteps(deps: StepDeps): Step[] {
  return [
    buildPushStep(deps.buildPush),
    bumpStep(deps.bump),
    validateStep(deps.validate),
    verifyStep(deps.verify),
    promoteStep(deps.promote),
    rollbackStep(deps.history),
    releaseHoldStep(deps.history),
    historyStep(deps.history),
    statusStep(deps.history),
  ];
}
