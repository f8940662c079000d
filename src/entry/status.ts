import { actionMain } from '../platform/main.ts';
import { defaultHistoryDeps } from '../steps/shared/history-deps.ts';
import { statusStep } from '../steps/status/step.ts';

void actionMain(statusStep(defaultHistoryDeps()));
