import { actionMain } from '../platform/main.ts';
import { promoteStep } from '../steps/promote/step.ts';
import { defaultPromoteDeps } from '../steps/promote/deps.ts';

void actionMain(promoteStep(defaultPromoteDeps()));
