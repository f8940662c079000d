import { actionMain } from '../platform/main.ts';
import { promoteStep } from '../steps/promote.ts';
import { defaultPromoteDeps } from '../steps/promote-deps.ts';

void actionMain(promoteStep(defaultPromoteDeps()));
