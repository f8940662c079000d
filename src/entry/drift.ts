import { actionMain } from '../platform/main.ts';
import { driftStep, systemDriftDeps } from '../steps/drift/step.ts';

void actionMain(driftStep(systemDriftDeps()));
