import { actionMain } from '../platform/main.ts';
import { defaultHistoryDeps } from '../steps/history-deps.ts';
import { rollbackStep } from '../steps/rollback.ts';

void actionMain(rollbackStep(defaultHistoryDeps()));
