import { envListInput, repoInput, tokenInput } from './env-inputs.ts';
import type { StepSpec } from './types.ts';

/** `status`: the matrix of images × environments, written to the job summary. */
export const statusSpec = {
  name: 'status',
  title: 'Baton status',
  description:
    'Show a matrix of images × environments from the env repo: tag, digest, commit, age, verification verdict and holds, and which ' +
    'environments differ.',
  branding: { icon: 'grid', color: 'blue' },
  inputs: [
    repoInput,
    envListInput,
    {
      name: 'image',
      type: 'list',
      short: 'i',
      description: 'Image names to show. Default: every image found.',
    },
    tokenInput,
  ],
  outputs: [
    {
      name: 'matrix',
      description:
        'JSON: {"environments": [...], "rows": [{"image", "differs", "cells": {env: {tag, digest, commit, since, ageMs, verdict, ' +
        'hold}}}]}.',
    },
    { name: 'differs', description: 'Images whose versions differ between the environments, newline separated.' },
    { name: 'held', description: '"<env> <image>" for each hold, newline separated.' },
  ],
} as const satisfies StepSpec;
