import { bumpStep, type BumpDeps } from './bump.ts';
import type { Step } from './types.ts';

/** Every side effect the steps need. */
export interface StepDeps {
  readonly bump: BumpDeps;
}

/** All steps, wired to their side effects. */
export function createSteps(deps: StepDeps): Step[] {
  return [bumpStep(deps.bump)];
}
