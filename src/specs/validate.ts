import type { StepSpec } from './types.ts';

/** `validate`: render and check the manifests of an environment before they merge. */
export const validateSpec = {
  name: 'validate',
  title: 'Baton validate',
  description:
    'Render (kustomize, Helm) and check the manifests of an environment before they merge: Kubernetes schemas ' +
    'offline and strict for a target version, CRDs, policies, and optionally that every image exists.',
  branding: { icon: 'check-circle', color: 'green' },
  inputs: [
    {
      name: 'paths',
      type: 'list',
      short: 'p',
      positional: true,
      description:
        'Files and directories to check, relative to the working directory ("." for all of it; "-" reads standard input). Default: ' +
        'the path of env in baton.yaml; give paths or env. On the command line, bare arguments are paths too.',
    },
    {
      name: 'env',
      type: 'string',
      description: 'Environment name: its path comes from baton.yaml, and its levels from the policy file.',
    },
    {
      name: 'render',
      type: 'enum',
      options: ['auto', 'kustomize', 'helm', 'none'],
      default: 'auto',
      description:
        'auto renders a directory with a kustomization through kustomize (or kubectl kustomize) and a chart through helm template; ' +
        'none reads files as they are.',
    },
    {
      name: 'values',
      type: 'list',
      description: 'Helm values files for charts, in order (after the env values file the chart has, values-<env>.yaml).',
    },
    {
      name: 'kubernetes-version',
      type: 'string',
      default: '1.36.0',
      description:
        'Kubernetes version to check against (x.y or x.y.z, or master for the newest): APIs it no longer (or not yet) serves are errors.',
    },
    {
      name: 'strict',
      type: 'boolean',
      default: 'true',
      description: 'Unknown fields and duplicate keys are errors.',
    },
    {
      name: 'schema-location',
      type: 'list',
      description:
        'kubeconform-compatible schema locations: templates ({{ .ResourceKind }}, {{ .KindSuffix }}, …), local directories, or ' +
        '"default" for the built-in schemas. Default: the built-in schemas.',
    },
    {
      name: 'crd-dir',
      type: 'list',
      description:
        'Directories (or files) with CustomResourceDefinitions whose schemas check custom resources; CRDs among the inputs count too.',
    },
    {
      name: 'ignore-missing-schemas',
      type: 'boolean',
      default: 'false',
      description: 'Skip resources whose kind has no schema instead of failing on them.',
    },
    {
      name: 'skip-kinds',
      type: 'list',
      description: 'Kinds not to check: Kind or apiVersion/Kind (e.g. Secret, apps/v1/Deployment).',
    },
    {
      name: 'reject-kinds',
      type: 'list',
      description: 'Kinds that must not appear: Kind or apiVersion/Kind.',
    },
    {
      name: 'policy',
      type: 'string',
      description: 'Policy file (YAML) that sets rule levels (error, warning, notice, off), for all environments and per environment.',
    },
    {
      name: 'check-images',
      type: 'boolean',
      default: 'false',
      description: 'Check that every image reference resolves in its registry (HEAD on its manifest; credentials from the Docker config).',
    },
    {
      name: 'output',
      type: 'enum',
      options: ['text', 'json', 'junit', 'sarif', 'codequality'],
      default: 'text',
      description: 'Format of the report written to output-file, or printed when there is none.',
    },
    {
      name: 'output-file',
      type: 'string',
      description: 'Write the report here instead of printing it.',
    },
    {
      name: 'reports',
      type: 'list',
      description: 'More reports as format=path, e.g. junit=baton-junit.xml, codequality=gl-code-quality-report.json, sarif=baton.sarif.',
    },
    {
      name: 'fail-on',
      type: 'enum',
      options: ['error', 'warning'],
      default: 'error',
      description: 'Findings at this level or above fail the step.',
    },
    {
      name: 'allow-empty',
      type: 'boolean',
      default: 'false',
      description:
        'Pass when the inputs hold no Kubernetes objects (by default that fails: a renderer that printed nothing must not pass).',
    },
  ],
  // Why: the working directory of a CI job is the whole checkout, so checking it by default would fail on
  // files that were never manifests; and this is known before the schemas and renderers load.
  needsOneOf: [
    {
      inputs: ['paths', 'env'],
      message:
        'paths: nothing to check; give paths (files and directories, e.g. envs/staging or .) or env (its path comes from baton.yaml).',
    },
  ],
  gitlab: {
    reports: { junit: 'baton-junit.xml', codequality: 'gl-code-quality-report.json' },
    inputDefaults: { reports: 'junit=baton-junit.xml,codequality=gl-code-quality-report.json' },
  },
  outputs: [
    { name: 'valid', description: '"true" when no finding reached fail-on.' },
    { name: 'resources', description: 'Number of resources checked.' },
    { name: 'files', description: 'Number of files and rendered streams read.' },
    { name: 'errors', description: 'Number of error findings.' },
    { name: 'warnings', description: 'Number of warning findings.' },
    { name: 'skipped', description: 'Number of resources skipped (skip-kinds, or no schema under ignore-missing-schemas).' },
    { name: 'report-files', description: 'Report files written, newline separated.' },
  ],
} as const satisfies StepSpec;
