import { actionMain } from '../platform/main.ts';
import { defaultValidateDeps, validateStep } from '../steps/validate/step.ts';

void actionMain(validateStep(defaultValidateDeps()));
