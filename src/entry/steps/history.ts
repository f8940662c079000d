import { historyStep } from '../../steps/history/step.ts';
import { defaultHistoryDeps } from '../../steps/shared/history-deps.ts';
import type { Step } from '../../steps/shared/types.ts';

/** history with its side effects wired; bundled alone into dist/cli/history.cjs. */
export function load(): Step {
  return historyStep(defaultHistoryDeps());
}
