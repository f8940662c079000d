import { actionMain } from '../platform/main.ts';
import { defaultHistoryDeps } from '../steps/history-deps.ts';
import { statusStep } from '../steps/status.ts';

void actionMain(statusStep(defaultHistoryDeps()));
