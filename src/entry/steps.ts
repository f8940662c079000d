/**
 * Every step the `baton` command and the actions can run, by name: each loads its module (and with it
 * the step's dependencies) only when it runs. scripts/build.ts bundles each `./steps/<name>.ts` alone
 * into `dist/cli/<name>.cjs` and turns these imports into requires of those files, so `--help` and a
 * bad input never read a step's code. Adding a step: its spec in src/specs/index.ts, its
 * `./steps/<name>.ts`, and its line here.
 */
import type { StepModules } from '../platform/lazy-step.ts';

/** The step modules, by step name. */
export const stepModules: StepModules = {
  'build-push': () => import('./steps/build-push.ts'),
  bump: () => import('./steps/bump.ts'),
  validate: () => import('./steps/validate.ts'),
  verify: () => import('./steps/verify.ts'),
  promote: () => import('./steps/promote.ts'),
  rollback: () => import('./steps/rollback.ts'),
  status: () => import('./steps/status.ts'),
  history: () => import('./steps/history.ts'),
  'release-hold': () => import('./steps/release-hold.ts'),
  update: () => import('./steps/update.ts'),
  drift: () => import('./steps/drift.ts'),
  report: () => import('./steps/report.ts'),
};
