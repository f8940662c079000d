import { releaseHoldStep } from '../../steps/release-hold/step.ts';
import { defaultHistoryDeps } from '../../steps/shared/history-deps.ts';
import type { Step } from '../../steps/shared/types.ts';

/** release-hold with its side effects wired; bundled alone into dist/cli/release-hold.cjs. */
export function load(): Step {
  return releaseHoldStep(defaultHistoryDeps());
}
