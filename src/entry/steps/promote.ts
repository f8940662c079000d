import { defaultPromoteDeps } from '../../steps/promote/deps.ts';
import { promoteStep } from '../../steps/promote/step.ts';
import type { Step } from '../../steps/shared/types.ts';

/** promote with its side effects wired; bundled alone into dist/cli/promote.cjs. */
export function load(): Step {
  return promoteStep(defaultPromoteDeps());
}
