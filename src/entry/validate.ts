import { isMainThread } from 'node:worker_threads';
import { actionMain } from '../platform/main.ts';
import { defaultValidateDeps, validateStep } from '../steps/validate/step.ts';

// Why: validate checks large runs in worker threads that run this same bundle; worker.ts serves them.
if (isMainThread) void actionMain(validateStep(defaultValidateDeps()));
else void import('../steps/validate/worker.ts');
