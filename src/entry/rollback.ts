import { actionMain } from '../platform/main.ts';
import { defaultHistoryDeps } from '../steps/shared/history-deps.ts';
import { rollbackStep } from '../steps/rollback/step.ts';

void actionMain(rollbackStep(defaultHistoryDeps()));
