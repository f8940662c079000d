import { insecureRegistriesInput } from './registry-inputs.ts';
import type { StepSpec } from './types.ts';

/** `build-push`: build an image once, push it by digest, tag it last. */
export const buildPushSpec = {
  name: 'build-push',
  title: 'Baton build-push',
  description:
    'Build a container image once per source (buildx, buildah, podman, kaniko or the built-in layer builder), ' +
    'push it by digest and tag it last, with tags and OCI labels from the CI context.',
  branding: { icon: 'package', color: 'purple' },
  inputs: [
    {
      name: 'image',
      type: 'string',
      required: true,
      short: 'i',
      description: 'Repository to push to (ghcr.io/acme/api), or oci:<dir> for an OCI image layout. A tag given here is one more tag.',
    },
    { name: 'context', type: 'string', default: '.', description: 'Build context directory.' },
    { name: 'file', type: 'string', short: 'f', description: 'Path to the Dockerfile. Default: <context>/Dockerfile.' },
    { name: 'target', type: 'string', description: 'Stage of a multi-stage Dockerfile to build.' },
    { name: 'build-args', type: 'list', description: 'Build arguments, KEY=VALUE, one per line.' },
    {
      name: 'platforms',
      type: 'list',
      description: "Platforms to build (linux/amd64, linux/arm64); several make an image index. Default: the builder's own.",
    },
    {
      name: 'builder',
      type: 'enum',
      options: ['auto', 'buildx', 'buildah', 'podman', 'kaniko', 'layer'],
      default: 'auto',
      description:
        'Builder to use. auto picks the first that works here, in this order, and says which; layer is the built-in ' +
        'builder that copies files onto a base (FROM, COPY, ENV, LABEL, CMD, … but no RUN).',
    },
    {
      name: 'tags',
      type: 'list',
      short: 't',
      description:
        'Tags besides the computed ones (sha-<7>, branch, pr-<n>, semver from a git tag), or templates: ' +
        '{{sha}}, {{branch}}, {{tag}}, {{version}}, {{major}}, {{minor}}, {{patch}}, {{pr}}, {{run}}, {{date}}.',
    },
    {
      name: 'labels',
      type: 'list',
      freeText: true,
      description: 'More image labels, KEY=VALUE, one per line (the OCI source, revision, created and version labels are set).',
    },
    { name: 'push', type: 'boolean', default: 'true', description: 'Push the image; false builds only.' },
    {
      name: 'username',
      type: 'string',
      description: 'Registry user name. Default: the docker/containers credential stores, or GitLab CI_REGISTRY_USER.',
    },
    { name: 'password', type: 'string', secret: true, description: 'Registry password or token (with username).' },
    insecureRegistriesInput,
    {
      name: 'dry-run',
      type: 'boolean',
      default: 'false',
      description: 'Compute tags, labels and the source key and check the registry; build and push nothing.',
    },
  ],
  outputs: [
    { name: 'image', description: 'The image by digest, name@sha256:….' },
    { name: 'digest', description: "The registry's digest of the image (never a local image id)." },
    { name: 'tags', description: 'Every tag the image now has, as name:tag, newline separated.' },
    { name: 'skipped', description: '"true" when the registry already held an image for this source, so nothing was built.' },
    { name: 'builder', description: 'The builder that built the image (empty when nothing was built).' },
    { name: 'metadata', description: 'JSON: digest, digests per platform, source commit, source key, labels, tags, builder.' },
  ],
} as const satisfies StepSpec;
