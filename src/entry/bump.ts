import { actionMain } from '../platform/main.ts';
import { bumpStep } from '../steps/bump/step.ts';
import { defaultBumpDeps } from '../steps/bump/deps.ts';

void actionMain(bumpStep(defaultBumpDeps()));
