import { actionMain } from '../platform/main.ts';
import { buildPushStep } from '../steps/build-push/step.ts';
import { defaultBuildPushDeps } from '../steps/build-push/deps.ts';

void actionMain(buildPushStep(defaultBuildPushDeps()));
