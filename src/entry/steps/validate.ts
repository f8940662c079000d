import type { Step } from '../../steps/shared/types.ts';
import { defaultValidateDeps, validateStep } from '../../steps/validate/step.ts';

/** validate with its side effects wired; bundled alone into dist/cli/validate.cjs. */
export function load(): Step {
  return validateStep(defaultValidateDeps());
}
