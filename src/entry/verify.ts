import { actionMain } from '../platform/main.ts';
import { defaultHistoryDeps } from '../steps/shared/history-deps.ts';
import { rollbackHandoff } from '../steps/rollback/step.ts';
import { systemVerifyDeps, verifyStep } from '../steps/verify/step.ts';

void actionMain(verifyStep(systemVerifyDeps({ rollback: rollbackHandoff(defaultHistoryDeps()) })));
