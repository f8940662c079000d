/**
 * Inputs shared by the steps that read or write an environment repo besides bump (promote, rollback,
 * release-hold, history, status): the same names, descriptions and fallbacks as bump's.
 */
import type { InputSpec } from './types.ts';

/** `repo`: the environment repo. */
export const repoInput: InputSpec = {
  name: 'repo',
  type: 'string',
  required: true,
  description: 'The environment repo: an HTTPS URL or a local path.',
  env: ['BATON_REPO'],
};

/** `branch`: overrides baton.yaml's branch of the environment. */
export const branchInput: InputSpec = {
  name: 'branch',
  type: 'string',
  description: "Branch of the environment. Default: the environment's branch in baton.yaml, else the repo's default branch.",
};

/** `env`: one environment by name. */
export const envInput: InputSpec = {
  name: 'env',
  type: 'string',
  description: 'Environment name, resolved through baton.yaml at the repo root. Give env or path.',
};

/** `path`: the environment's directory when there is no baton.yaml. */
export const pathInput: InputSpec = {
  name: 'path',
  type: 'string',
  description: 'Directory inside the repo that holds the environment, when there is no baton.yaml.',
};

/** `token`: write access to the env repo (and the forge API in pr mode). */
export const tokenInput: InputSpec = {
  name: 'token',
  type: 'string',
  secret: true,
  githubDefault: '${{ github.token }}',
  description: 'Token with access to the env repo (write access to change it, and the forge API in pr mode).',
  env: ['BATON_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN'],
};

/** `mode`: push or pr. */
export const modeInput: InputSpec = {
  name: 'mode',
  type: 'enum',
  options: ['push', 'pr'],
  description: "push: commit to the branch; pr: open or update a pull/merge request. Default: baton.yaml's mode, else push.",
};

/** `forge` and `api-url`: which forge API serves pr mode. */
export const forgeInputs: readonly InputSpec[] = [
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
];

/** `author`, `labels`, `auto-merge`: how commits and PRs/MRs look. */
export const authorInput: InputSpec = {
  name: 'author',
  type: 'string',
  default: 'baton <baton@users.noreply.localhost>',
  description: 'Commit author as "Name <email>".',
};

/** `labels`. */
export const labelsInput: InputSpec = {
  name: 'labels',
  type: 'list',
  description: 'Labels for the pull/merge request (comma or newline separated).',
};

/** `dry-run`. */
export const dryRunInput: InputSpec = {
  name: 'dry-run',
  type: 'boolean',
  default: 'false',
  description: 'Compute and show the diff and outputs; write nothing.',
};

/** `allowed-signers`: require good signatures on the source commits promote and rollback act on. */
export const allowedSignersInput: InputSpec = {
  name: 'allowed-signers',
  type: 'string',
  description:
    'File of keys that may sign the env-repo commits this step acts on: an SSH allowed-signers file (principals keytype key per line) or GPG key fingerprints, one per line. When set, a commit without a good signature by one of them is refused.',
};
