/**
 * Inputs shared by the steps that read or write an environment repo besides bump (promote, rollback,
 * release-hold, history, status): the same names, descriptions and fallbacks as bump's.
 */
import type { InputSpec } from './types.ts';

/** `repo`: the environment repo. */
export const repoInput = {
  name: 'repo',
  type: 'string',
  required: true,
  description: 'The environment repo: an HTTPS URL or a local path.',
  env: ['BATON_REPO'],
} as const satisfies InputSpec;

/** `branch`: overrides baton.yaml's branch of the environment. */
export const branchInput = {
  name: 'branch',
  type: 'string',
  description: "Branch of the environment. Default: the environment's branch in baton.yaml, else the repo's default branch.",
} as const satisfies InputSpec;

/** `env`: one environment by name. */
export const envInput = {
  name: 'env',
  type: 'string',
  description: 'Environment name, resolved through baton.yaml at the repo root. Give env or path.',
} as const satisfies InputSpec;

/** `path`: the environment's directory when there is no baton.yaml. */
export const pathInput = {
  name: 'path',
  type: 'string',
  description: 'Directory inside the repo that holds the environment, when there is no baton.yaml.',
} as const satisfies InputSpec;

/** `token`: write access to the env repo (and the forge API in pr mode). */
export const tokenInput = {
  name: 'token',
  type: 'string',
  secret: true,
  githubDefault: '${{ github.token }}',
  description: 'Token with access to the env repo (write access to change it, and the forge API in pr mode).',
  env: ['BATON_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN'],
} as const satisfies InputSpec;

/** `mode`: push or pr. */
export const modeInput = {
  name: 'mode',
  type: 'enum',
  options: ['push', 'pr'],
  description: "push: commit to the branch; pr: open or update a pull/merge request. Default: baton.yaml's mode, else push.",
} as const satisfies InputSpec;

/** `forge` and `api-url`: which forge API serves pr mode. */
export const forgeInputs = [
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
] as const satisfies readonly InputSpec[];

/** `author`, `labels`, `auto-merge`: how commits and PRs/MRs look. */
export const authorInput = {
  name: 'author',
  type: 'string',
  freeText: true,
  default: 'baton <baton@users.noreply.localhost>',
  description: 'Commit author as "Name <email>".',
} as const satisfies InputSpec;

/** `labels`. */
export const labelsInput = {
  name: 'labels',
  type: 'list',
  freeText: true,
  description: 'Labels for the pull/merge request (comma or newline separated).',
} as const satisfies InputSpec;

/** `auto-merge`: for the pull/merge request of pr mode. */
export const autoMergeInput = {
  name: 'auto-merge',
  type: 'boolean',
  default: 'false',
  description: 'Enable auto-merge on the pull/merge request.',
} as const satisfies InputSpec;

/** `dry-run`. */
export const dryRunInput = {
  name: 'dry-run',
  type: 'boolean',
  default: 'false',
  description: 'Compute and show the diff and outputs; write nothing.',
} as const satisfies InputSpec;

/** `env` as a list: the environments a read-only view shows (status, report). */
export const envListInput = {
  name: 'env',
  type: 'list',
  description: 'Environments to show, in this order. Default: every environment in baton.yaml.',
} as const satisfies InputSpec;

/** `allowed-signers`: require good signatures on the source commits promote and rollback act on. */
export const allowedSignersInput = {
  name: 'allowed-signers',
  type: 'string',
  description:
    'File of keys that may sign the env-repo commits this step acts on: an SSH allowed-signers file (principals keytype key per ' +
    'line) or GPG key fingerprints, one per line. When set, a commit without a good signature by one of them is refused.',
} as const satisfies InputSpec;
