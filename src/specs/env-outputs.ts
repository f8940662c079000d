/**
 * Outputs shared by the steps that write to an environment repo (bump, rollback, release-hold, and the
 * steps that follow): the same names and descriptions wherever they mean the same thing.
 */
import type { OutputSpec } from './types.ts';

/** `changed`: whether the env repo changed. */
export const changedOutput = {
  name: 'changed',
  description: '"true" when the env repo changed (or would, in dry-run).',
} as const satisfies OutputSpec;

/** `pr-url`: the pull/merge request of pr mode. */
export const prUrlOutput = { name: 'pr-url', description: 'URL of the pull/merge request (pr mode).' } as const satisfies OutputSpec;

/** `pr-number`: the number of that pull/merge request. */
export const prNumberOutput = {
  name: 'pr-number',
  description: 'Number of the pull/merge request (pr mode).',
} as const satisfies OutputSpec;

/** `files`: the files a write changed. */
export const filesOutput = { name: 'files', description: 'Files changed, newline separated.' } as const satisfies OutputSpec;
