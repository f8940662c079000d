import { actionMain } from '../platform/main.ts';
import { defaultHistoryDeps } from '../steps/history-deps.ts';
import { rollbackHandoff } from '../steps/rollback.ts';
import { systemVerifyDeps, verifyStep } from '../steps/verify.ts';

void actionMain(verifyStep(systemVerifyDeps({ rollback: rollbackHandoff(defaultHistoryDeps()) })));
