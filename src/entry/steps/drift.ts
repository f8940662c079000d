import { driftStep, systemDriftDeps } from '../../steps/drift/step.ts';
import type { Step } from '../../steps/shared/types.ts';

/** drift with its side effects wired; bundled alone into dist/cli/drift.cjs. */
export function load(): Step {
  return driftStep(systemDriftDeps());
}
