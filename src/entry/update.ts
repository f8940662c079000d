import { actionMain } from '../platform/main.ts';
import { updateStep } from '../steps/update/step.ts';
import { defaultUpdateDeps } from '../steps/update/deps.ts';

void actionMain(updateStep(defaultUpdateDeps()));
