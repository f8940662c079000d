import {
  authorInput,
  autoMergeInput,
  dryRunInput,
  envInput,
  forgeInputs,
  labelsInput,
  modeInput,
  pathInput,
  repoInput,
} from './env-inputs.ts';
import { changedOutput, filesOutput, prNumberOutput, prUrlOutput } from './env-outputs.ts';
import type { StepSpec } from './types.ts';

/** `bump`: write a new image version into an environment repo, as a commit or a PR/MR. */
export const bumpSpec = {
  name: 'bump',
  title: 'Baton bump',
  description:
    'Write a new image tag or digest into an environment repo (kustomize, Helm values, plain manifests) ' +
    'with a byte-exact edit, as a commit or a pull/merge request.',
  branding: { icon: 'arrow-up-circle', color: 'blue' },
  inputs: [
    repoInput,
    {
      name: 'branch',
      type: 'string',
      description: "Branch to write to. Default: the environment's branch in baton.yaml, else the repo's default branch.",
    },
    envInput,
    pathInput,
    {
      name: 'image',
      type: 'list',
      required: true,
      short: 'i',
      description: 'Image(s) to write: name:tag, name@sha256:…, or name:tag@sha256:…. One per line; several land in one commit.',
    },
    {
      name: 'pin',
      type: 'enum',
      options: ['tag', 'digest', 'tag+digest'],
      default: 'tag',
      description: 'What to write where the file allows it: the tag, the digest, or both.',
    },
    {
      name: 'policy',
      type: 'string',
      description:
        'Write only the values marked with this Flux image policy (`# {"$imagepolicy": "<ns>:<policy>"}`, with or without ' +
        "`:tag`/`:name`), as Flux does; values of other policies and unmarked values are left alone. Give one image: the policy's " +
        'latest.',
    },
    {
      name: 'max-file-size',
      type: 'string',
      default: '4MiB',
      description:
        'Files under the environment larger than this (bytes, or with KiB/MiB/GiB) are skipped with a notice when they do not ' +
        'mention the image, and refused when they do.',
    },
    modeInput,
    {
      name: 'token',
      type: 'string',
      secret: true,
      githubDefault: '${{ github.token }}',
      description: 'Token with write access to the env repo (and the forge API in pr mode).',
      env: ['BATON_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN'],
    },
    ...forgeInputs,
    authorInput,
    {
      name: 'message',
      type: 'string',
      freeText: true,
      description: 'Commit subject. Default: "<env>: bump <image> to <tag>". Trailers are always added.',
    },
    labelsInput,
    autoMergeInput,
    {
      name: 'allow-downgrade',
      type: 'boolean',
      default: 'false',
      description: 'Write the image even where the repo holds a higher semver version.',
    },
    {
      name: 'override-hold',
      type: 'boolean',
      default: 'false',
      description:
        'Write images that a rollback holds in the environment too, releasing the hold in the same commit. Without it, held images ' +
        'are skipped with a warning.',
    },
    dryRunInput,
  ],
  outputs: [
    changedOutput,
    { name: 'commit', description: 'The commit that carries the change (the existing head when nothing changed).' },
    prUrlOutput,
    prNumberOutput,
    { name: 'old-tag', description: 'Tag (or digest) held before, for the first image.' },
    {
      name: 'new-tag',
      description: 'Tag (or digest) held after, for the first image; empty when a rollback holds it and it was not written.',
    },
    { name: 'image', description: 'The first image as written, name:tag[@digest].' },
    filesOutput,
    { name: 'held', description: 'Requested images a rollback holds in the environment and that were not written, newline separated.' },
  ],
} as const satisfies StepSpec;
