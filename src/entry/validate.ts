import { actionMain } from '../platform/main.ts';
import { defaultValidateDeps, validateStep } from '../steps/validate.ts';

void actionMain(validateStep(defaultValidateDeps()));
