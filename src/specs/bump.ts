import type { StepSpec } from './types.ts';

/** `bump`: write a new image version into an environment repo, as a commit or a PR/MR. */
export const bumpSpec: StepSpec = {
  name: 'bump',
  title: 'Baton bump',
  description:
    'Write a new image tag or digest into an environment repo (kustomize, Helm values, plain manifests) ' +
    'with a byte-exact edit, as a commit or a pull/merge request.',
  branding: { icon: 'arrow-up-circle', color: 'blue' },
  inputs: [
    {
      name: 'repo',
      type: 'string',
      required: true,
      description: 'The environment repo: an HTTPS URL or a local path.',
      env: ['BATON_REPO'],
    },
    {
      name: 'branch',
      type: 'string',
      description: "Branch to write to. Default: the environment's branch in baton.yaml, else the repo's default branch.",
    },
    {
      name: 'env',
      type: 'string',
      description: 'Environment name, resolved through baton.yaml at the repo root. Give env or path.',
    },
    {
      name: 'path',
      type: 'string',
      description: 'Directory inside the repo that holds the environment, when there is no baton.yaml.',
    },
    {
      name: 'image',
      type: 'list',
      required: true,
      short: 'i',
      description:
        'Image(s) to write: name:tag, name@sha256:…, or name:tag@sha256:…. One per line; several land in one commit.',
    },
    {
      name: 'pin',
      type: 'enum',
      options: ['tag', 'digest', 'tag+digest'],
      default: 'tag',
      description: 'What to write where the file allows it: the tag, the digest, or both.',
    },
    {
      name: 'mode',
      type: 'enum',
      options: ['push', 'pr'],
      description: "push: commit to the branch; pr: open or update a pull/merge request. Default: baton.yaml's mode, else push.",
    },
    {
      name: 'token',
      type: 'string',
      secret: true,
      githubDefault: '${{ github.token }}',
      description: 'Token with write access to the env repo (and the forge API in pr mode).',
      env: ['BATON_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN'],
    },
    {
      name: 'forge',
      type: 'enum',
      options: ['auto', 'github', 'gitlab'],
      default: 'auto',
      description: 'Forge API for pr mode; auto picks by the repo URL and the CI environment.',
    },
    {
      name: 'api-url',
      type: 'string',
      description: 'Forge API base URL. Default: GITHUB_API_URL or CI_API_V4_URL.',
    },
    {
      name: 'author',
      type: 'string',
      default: 'baton <baton@users.noreply.localhost>',
      description: 'Commit author as "Name <email>".',
    },
    {
      name: 'message',
      type: 'string',
      description: 'Commit subject. Default: "<env>: bump <image> to <tag>". Trailers are always added.',
    },
    {
      name: 'labels',
      type: 'list',
      description: 'Labels for the pull/merge request (comma or newline separated).',
    },
    {
      name: 'auto-merge',
      type: 'boolean',
      default: 'false',
      description: 'Enable auto-merge on the pull/merge request.',
    },
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
        'Write images that a rollback holds in the environment too, releasing the hold in the same commit. Without it, held images are skipped with a warning.',
    },
    {
      name: 'dry-run',
      type: 'boolean',
      default: 'false',
      description: 'Compute and show the diff and outputs; write nothing.',
    },
  ],
  outputs: [
    { name: 'changed', description: '"true" when the env repo changed (or would, in dry-run).' },
    { name: 'commit', description: 'The commit that carries the change (the existing head when nothing changed).' },
    { name: 'pr-url', description: 'URL of the pull/merge request (pr mode).' },
    { name: 'pr-number', description: 'Number of the pull/merge request (pr mode).' },
    { name: 'old-tag', description: 'Tag (or digest) held before, for the first image.' },
    { name: 'new-tag', description: 'Tag (or digest) held after, for the first image.' },
    { name: 'image', description: 'The first image as written, name:tag[@digest].' },
    { name: 'files', description: 'Files changed, newline separated.' },
  ],
};
