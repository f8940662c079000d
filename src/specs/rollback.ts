import {
  allowedSignersInput,
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
import { changedOutput, filesOutput, prNumberOutput, prUrlOutput } from './env-outputs.ts';
import type { StepSpec } from './types.ts';

/** `rollback`: write an earlier version of an environment's images back, as a new commit, and hold it. */
export const rollbackSpec = {
  name: 'rollback',
  title: 'Baton rollback',
  description:
    "Put an environment's images back to an earlier version found in the env repo's own history, as a new " +
    'forward commit with the reason and actor, and leave a hold next to the value that bumps and promotions respect.',
  branding: { icon: 'rotate-ccw', color: 'red' },
  inputs: [
    repoInput,
    branchInput,
    envInput,
    pathInput,
    {
      name: 'to',
      type: 'string',
      default: 'previous',
      description:
        'Where to go back to: previous, a number of steps back (2), a tag (1.4.1 or tag:1.4.1), a digest (sha256:…) or an env-repo ' +
        'commit (abc1234 or commit:abc1234).',
    },
    {
      name: 'image',
      type: 'list',
      short: 'i',
      description: 'Image name(s) to roll back (no tag). Default: every image that differs from the chosen state.',
    },
    {
      name: 'reason',
      type: 'string',
      freeText: true,
      required: true,
      description: 'Why: goes into the commit message and the hold.',
    },
    {
      name: 'hold',
      type: 'boolean',
      default: 'true',
      description: 'Leave a hold comment next to each rolled-back value, so bumps and promotions leave it alone until released.',
    },
    modeInput,
    tokenInput,
    ...forgeInputs,
    authorInput,
    labelsInput,
    dryRunInput,
    allowedSignersInput,
  ],
  outputs: [
    changedOutput,
    { name: 'commit', description: 'The commit that carries the rollback (the existing head when nothing changed).' },
    prUrlOutput,
    prNumberOutput,
    { name: 'restored', description: 'The env-repo commit whose state was restored.' },
    { name: 'images', description: 'JSON: [{"image", "from", "to"}] for each image written back.' },
    { name: 'held', description: 'Images held after the rollback, newline separated.' },
    filesOutput,
  ],
} as const satisfies StepSpec;
