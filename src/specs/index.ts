import { buildPushSpec } from './build-push.ts';
import { bumpSpec } from './bump.ts';
import { driftSpec } from './drift.ts';
import { historySpec } from './history.ts';
import { promoteSpec } from './promote.ts';
import { releaseHoldSpec } from './release-hold.ts';
import { reportSpec } from './report.ts';
import { rollbackSpec } from './rollback.ts';
import { statusSpec } from './status.ts';
import type { StepSpec } from './types.ts';
import { updateSpec } from './update.ts';
import { validateSpec } from './validate.ts';
import { verifySpec } from './verify.ts';

export * from './types.ts';

/** Every step Baton ships, in pipeline order. */
export const stepSpecs: readonly StepSpec[] = [
  buildPushSpec,
  bumpSpec,
  validateSpec,
  verifySpec,
  promoteSpec,
  rollbackSpec,
  statusSpec,
  updateSpec,
  driftSpec,
  reportSpec,
];

/** Commands of the `baton` CLI only: no action or component is generated for them. */
export const cliOnlySpecs: readonly StepSpec[] = [historySpec, releaseHoldSpec];

/** The spec of one step or command by name. */
export function specFor(name: string): StepSpec | undefined {
  return [...stepSpecs, ...cliOnlySpecs].find((spec) => spec.name === name);
}
