import { defaultBuildPushDeps } from '../../steps/build-push/deps.ts';
import { buildPushStep } from '../../steps/build-push/step.ts';
import type { Step } from '../../steps/shared/types.ts';

/** build-push with its side effects wired; bundled alone into dist/cli/build-push.cjs. */
export function load(): Step {
  return buildPushStep(defaultBuildPushDeps());
}
