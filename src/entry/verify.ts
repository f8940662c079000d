import { actionMain } from '../platform/main.ts';
import { systemVerifyDeps, verifyStep } from '../steps/verify.ts';

void actionMain(verifyStep(systemVerifyDeps()));
