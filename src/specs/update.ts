import { changedOutput, filesOutput } from './env-outputs.ts';
import { authorInput, autoMergeInput, branchInput, dryRunInput, forgeInputs, labelsInput, repoInput, tokenInput } from './env-inputs.ts';
import { insecureRegistriesInput } from './registry-inputs.ts';
import type { StepSpec } from './types.ts';

/** `update`: move environments to the newest image each policy in baton.yaml allows, meant for a schedule. */
export const updateSpec = {
  name: 'update',
  title: 'Baton update',
  description:
    'Keep environments on the newest image version their policies in baton.yaml allow (semver, alphabetical, numerical, ' +
    'newest-build, digest), by pull/merge request per environment or by push; meant for a schedule, with a tag cache.',
  branding: { icon: 'refresh-cw', color: 'blue' },
  inputs: [
    repoInput,
    branchInput,
    {
      name: 'env',
      type: 'string',
      description: 'Only this environment. Default: every environment of baton.yaml with update policies.',
    },
    {
      name: 'mode',
      type: 'enum',
      options: ['pr', 'push'],
      default: 'pr',
      description:
        'pr: one pull/merge request per environment, updated in place by later runs; push: commit to the branch where the ' +
        'environment allows it (baton.yaml mode is not pr).',
    },
    tokenInput,
    ...forgeInputs,
    authorInput,
    labelsInput,
    autoMergeInput,
    {
      name: 'cache',
      type: 'string',
      description:
        'File that keeps tag listings with their ETags between runs (restore and save it with the CI cache), so a quiet run costs ' +
        'one conditional request per repository.',
      env: ['BATON_UPDATE_CACHE'],
    },
    insecureRegistriesInput,
    {
      name: 'page-size',
      type: 'number',
      description: "Tags per page asked of registries (?n=). Default: the registry's own page size.",
    },
    {
      name: 'import',
      type: 'enum',
      options: ['flux', 'argocd'],
      description:
        "Instead of updating: read Flux ImageRepository/ImagePolicy/ImageUpdateAutomation objects (flux) or an Application's " +
        'argocd-image-updater annotations (argocd) in the repo and show the baton.yaml policies they amount to.',
    },
    {
      name: 'write',
      type: 'boolean',
      default: 'false',
      description: 'With import: write the imported policies into baton.yaml (as a commit, by mode) instead of only showing the diff.',
    },
    dryRunInput,
  ],
  outputs: [
    { name: 'updates', description: 'JSON list of the updates found: env, policy, image, old, new, link (also when dry-run).' },
    changedOutput,
    { name: 'pr-url', description: 'URLs of the pull/merge requests opened or updated, one per line.' },
    { name: 'commit', description: 'Commits pushed (push mode) or on the request branches, one per line.' },
    filesOutput,
  ],
} as const satisfies StepSpec;
