import { branchInput, envInput, pathInput, repoInput, tokenInput } from './env-inputs.ts';
import type { StepSpec } from './types.ts';

/** `history` (command line): what an environment ran, newest first. */
export const historySpec = {
  name: 'history',
  title: 'Baton history',
  description:
    'List what an environment ran, newest first, from the env repo: commits, dates, image tags and digests, verification verdicts ' +
    'and rollbacks.',
  branding: { icon: 'clock', color: 'gray-dark' },
  inputs: [
    repoInput,
    branchInput,
    envInput,
    pathInput,
    {
      name: 'limit',
      type: 'number',
      default: '20',
      description: 'How many states to list (each a change of an image version).',
    },
    tokenInput,
  ],
  outputs: [
    { name: 'entries', description: 'JSON: the states, newest first, with commit, time, author, images, verdict and rollback.' },
    { name: 'current', description: 'The env-repo commit the environment runs now (the newest that touched its path).' },
    { name: 'count', description: 'How many states were listed.' },
  ],
} as const satisfies StepSpec;
