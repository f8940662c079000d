import { defaultBumpDeps } from '../../steps/bump/deps.ts';
import { bumpStep } from '../../steps/bump/step.ts';
import type { Step } from '../../steps/shared/types.ts';

/** bump with its side effects wired; bundled alone into dist/cli/bump.cjs. */
export function load(): Step {
  return bumpStep(defaultBumpDeps());
}
