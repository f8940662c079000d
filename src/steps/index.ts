import { type BuildPushDeps, buildPushStep } from './build-push.ts';
import { type BumpDeps, bumpStep } from './bump.ts';
import type { Step } from './types.ts';
import { type ValidateDeps, validateStep } from './validate.ts';
import { type VerifyDeps, verifyStep } from './verify.ts';

/** Every side effect the steps need. */
export interface StepDeps {
  readonly buildPush: BuildPushDeps;
  readonly bump: BumpDeps;
  readonly validate: ValidateDeps;
  readonly verify: VerifyDeps;
}

/** All steps, wired to their side effects. */
export function createSteps(deps: StepDeps): Step[] {
  return [buildPushStep(deps.buildPush), bumpStep(deps.bump), validateStep(deps.validate), verifyStep(deps.verify)];
}
