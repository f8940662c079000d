import {
  authorInput,
  branchInput,
  dryRunInput,
  envInput,
  forgeInputs,
  labelsInput,
  modeInput,
  pathInput,
  repoInput,
  tokenInput,
} from './env-inputs.ts';
import { prUrlOutput } from './env-outputs.ts';
import type { StepSpec } from './types.ts';

/** `release-hold` (command line): remove the rollback holds of images in an environment. */
export const releaseHoldSpec = {
  name: 'release-hold',
  title: 'Baton release-hold',
  description: 'Remove the hold a rollback left on images in an environment, as a commit, so bumps and promotions of them apply again.',
  branding: { icon: 'unlock', color: 'green' },
  inputs: [
    repoInput,
    branchInput,
    envInput,
    pathInput,
    {
      name: 'image',
      type: 'list',
      short: 'i',
      description: 'Image name(s) to release (no tag). Default: every held image of the environment.',
    },
    {
      name: 'reason',
      type: 'string',
      freeText: true,
      description: 'Why the hold can go: goes into the commit message.',
    },
    modeInput,
    tokenInput,
    ...forgeInputs,
    authorInput,
    labelsInput,
    dryRunInput,
  ],
  outputs: [
    { name: 'changed', description: '"true" when a hold was removed (or would be, in dry-run).' },
    { name: 'commit', description: 'The commit that removes the holds (the existing head when nothing changed).' },
    prUrlOutput,
    { name: 'released', description: 'Images released, newline separated.' },
  ],
} as const satisfies StepSpec;
