import type { Step } from '../../steps/shared/types.ts';
import { defaultUpdateDeps } from '../../steps/update/deps.ts';
import { updateStep } from '../../steps/update/step.ts';

/** update with its side effects wired; bundled alone into dist/cli/update.cjs. */
export function load(): Step {
  return updateStep(defaultUpdateDeps());
}
