import { rollbackStep } from '../../steps/rollback/step.ts';
import { defaultHistoryDeps } from '../../steps/shared/history-deps.ts';
import type { Step } from '../../steps/shared/types.ts';

/** rollback with its side effects wired; bundled alone into dist/cli/rollback.cjs. */
export function load(): Step {
  return rollbackStep(defaultHistoryDeps());
}
