import { isMainThread } from 'node:worker_threads';
import { cliMain } from '../platform/main.ts';

// Each step is imported only when it runs: the validators' schemas and the Kubernetes client are large,
// and a bump should not pay for them at start-up. A worker thread is validate's (it runs this same bundle).
if (!isMainThread) void import('../steps/validate/worker.ts');
else void cliMain(
  {
    'build-push': async () => {
      const [{ buildPushStep }, { defaultBuildPushDeps }] = await Promise.all([import('../steps/build-push/step.ts'), import('../steps/build-push/deps.ts')]);
      return buildPushStep(defaultBuildPushDeps());
    },
    bump: async () => {
      const [{ bumpStep }, { defaultBumpDeps }] = await Promise.all([import('../steps/bump/step.ts'), import('../steps/bump/deps.ts')]);
      return bumpStep(defaultBumpDeps());
    },
    validate: async () => {
      const { defaultValidateDeps, validateStep } = await import('../steps/validate/step.ts');
      return validateStep(defaultValidateDeps());
    },
    verify: async () => {
      const [{ systemVerifyDeps, verifyStep }, { rollbackHandoff }, { defaultHistoryDeps }] = await Promise.all([
        import('../steps/verify/step.ts'),
        import('../steps/rollback/step.ts'),
        import('../steps/shared/history-deps.ts'),
      ]);
      return verifyStep(systemVerifyDeps({ rollback: rollbackHandoff(defaultHistoryDeps()) }));
    },
    promote: async () => {
      const [{ promoteStep }, { defaultPromoteDeps }] = await Promise.all([import('../steps/promote/step.ts'), import('../steps/promote/deps.ts')]);
      return promoteStep(defaultPromoteDeps());
    },
    rollback: async () => {
      const [{ rollbackStep }, { defaultHistoryDeps }] = await Promise.all([import('../steps/rollback/step.ts'), import('../steps/shared/history-deps.ts')]);
      return rollbackStep(defaultHistoryDeps());
    },
    'release-hold': async () => {
      const [{ releaseHoldStep }, { defaultHistoryDeps }] = await Promise.all([import('../steps/release-hold/step.ts'), import('../steps/shared/history-deps.ts')]);
      return releaseHoldStep(defaultHistoryDeps());
    },
    history: async () => {
      const [{ historyStep }, { defaultHistoryDeps }] = await Promise.all([import('../steps/history/step.ts'), import('../steps/shared/history-deps.ts')]);
      return historyStep(defaultHistoryDeps());
    },
    status: async () => {
      const [{ statusStep }, { defaultHistoryDeps }] = await Promise.all([import('../steps/status/step.ts'), import('../steps/shared/history-deps.ts')]);
      return statusStep(defaultHistoryDeps());
    },
  },
  process.argv.slice(2),
);
