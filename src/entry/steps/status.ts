import { statusStep } from '../../steps/status/step.ts';
import { defaultHistoryDeps } from '../../steps/shared/history-deps.ts';
import type { Step } from '../../steps/shared/types.ts';

/** status with its side effects wired; bundled alone into dist/cli/status.cjs. */
export function load(): Step {
  return statusStep(defaultHistoryDeps());
}
