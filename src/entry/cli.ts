import { cliMain } from '../platform/main.ts';

// Each step is imported only when it runs: the validators' schemas and the Kubernetes client are large,
// and a bump should not pay for them at start-up.
void cliMain(
  {
    'build-push': async () => {
      const [{ buildPushStep }, { defaultBuildPushDeps }] = await Promise.all([import('../steps/build-push.ts'), import('../steps/build-push-deps.ts')]);
      return buildPushStep(defaultBuildPushDeps());
    },
    bump: async () => {
      const [{ bumpStep }, { defaultBumpDeps }] = await Promise.all([import('../steps/bump.ts'), import('../steps/bump-deps.ts')]);
      return bumpStep(defaultBumpDeps());
    },
    validate: async () => {
      const { defaultValidateDeps, validateStep } = await import('../steps/validate.ts');
      return validateStep(defaultValidateDeps());
    },
    verify: async () => {
      const { systemVerifyDeps, verifyStep } = await import('../steps/verify.ts');
      return verifyStep(systemVerifyDeps());
    },
  },
  process.argv.slice(2),
);
