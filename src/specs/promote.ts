import {
  allowedSignersInput,
  authorInput,
  autoMergeInput,
  branchInput,
  dryRunInput,
  forgeInputs,
  labelsInput,
  modeInput,
  repoInput,
  tokenInput,
} from './env-inputs.ts';
import { insecureRegistriesInput } from './registry-inputs.ts';
import type { StepSpec } from './types.ts';

/** `promote`: carry the verified digests of one environment into the next. */
export const promoteSpec = {
  name: 'promote',
  title: 'Baton promote',
  description:
    'Carry the images a source environment was verified with, by digest, into the next environment(s): ' +
    'refuses unverified or unsoaked sources and held images, optionally copies the images to another registry.',
  branding: { icon: 'fast-forward', color: 'green' },
  inputs: [
    repoInput,
    {
      name: 'from',
      type: 'string',
      description: "Source environment. Default: each target's promote-from in baton.yaml.",
    },
    {
      name: 'to',
      type: 'list',
      required: true,
      description: 'Target environment(s) from baton.yaml; several promote the same images into each.',
    },
    {
      name: 'image',
      type: 'list',
      short: 'i',
      description: 'Image name(s) to promote (no tag). Default: every image of the source environment.',
    },
    {
      ...branchInput,
      description: "Branch of the target environment(s). Default: each environment's branch in baton.yaml, else the repo's default branch.",
    },
    modeInput,
    {
      name: 'require-verified',
      type: 'boolean',
      default: 'true',
      description: 'Refuse unless the commit the source runs carries a healthy verification record (the note verify writes).',
    },
    {
      name: 'soak',
      type: 'duration',
      default: '0s',
      description: 'Minimum time since the source was verified, e.g. 30m or 2h.',
    },
    {
      name: 'pin',
      type: 'enum',
      options: ['tag+digest', 'digest'],
      default: 'tag+digest',
      description: 'What to write where the file allows it: tag and digest, or the digest alone. The digest is always written.',
    },
    {
      name: 'copy-to',
      type: 'string',
      description:
        'Registry (and path) to copy each image into by digest before writing it, e.g. prod.registry.example.com/team: the image ' +
        'keeps the last part of its name there.',
    },
    {
      name: 'tag-as',
      type: 'string',
      description: 'An extra tag to point at each promoted digest (in the copy-to registry when given), e.g. prod.',
    },
    insecureRegistriesInput,
    {
      name: 'override-hold',
      type: 'boolean',
      default: 'false',
      description: 'Promote images a rollback holds in the target too, releasing the hold in the same commit.',
    },
    {
      name: 'allow-downgrade',
      type: 'boolean',
      default: 'false',
      description: 'Write the image even where the target holds a higher semver version.',
    },
    tokenInput,
    ...forgeInputs,
    {
      name: 'source-token',
      type: 'string',
      secret: true,
      description: "Token to read the images' source repositories on the forge (commits between the revisions). Default: token.",
      env: ['BATON_SOURCE_TOKEN'],
    },
    authorInput,
    labelsInput,
    autoMergeInput,
    dryRunInput,
    allowedSignersInput,
  ],
  outputs: [
    { name: 'changed', description: '"true" when any target changed (or would, in dry-run).' },
    { name: 'commit', description: 'The commit that carries the promotion, one line per target in `to` order.' },
    { name: 'pr-url', description: 'URL of the pull/merge request (pr mode), one line per target in `to` order.' },
    { name: 'images', description: 'JSON: [{"env", "image", "old", "new", "digest", "digestFrom", "copiedTo"}] for each promoted image.' },
    { name: 'verified-commit', description: 'The source commit whose verification record the promotion relied on.' },
  ],
} as const satisfies StepSpec;
