import { buildPushSpec } from './build-push.ts';
import { bumpSpec } from './bump.ts';
import type { StepSpec } from './types.ts';
import { validateSpec } from './validate.ts';
import { verifySpec } from './verify.ts';

export * from './types.ts';

/** Every step Baton ships, in pipeline order. */
export const stepSpecs: readonly StepSpec[] = [buildPushSpec, bumpSpec, validateSpec, verifySpec];

/** The spec of one step by name. */
export function specFor(name: string): StepSpec | undefined {
  return stepSpecs.find((spec) => spec.name === name);
}
