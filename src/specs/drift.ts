import { argocdServerInput, contextInput, kubeconfigInput } from './cluster-inputs.ts';
import type { StepSpec } from './types.ts';

/** `drift`: tell, on a schedule, where what runs differs from Git, and say so where people look. */
export const driftSpec = {
  name: 'drift',
  title: 'Baton drift',
  description:
    'Compare what runs (Kubernetes API, Argo CD or Flux) with the environment as Git renders it, report drifted ' +
    'objects field by field, keep one issue per environment open while drift lasts, and optionally ask the agent to fix it.',
  branding: { icon: 'git-pull-request', color: 'orange' },
  inputs: [
    {
      name: 'provider',
      type: 'enum',
      options: ['kubernetes', 'argocd', 'flux'],
      default: 'kubernetes',
      description:
        'Where live state comes from: the Kubernetes API (compared with Git here), an Argo CD Application, or Flux ' +
        'Kustomizations/HelmReleases.',
    },
    {
      name: 'path',
      type: 'string',
      short: 'p',
      description: "The environment's directory in the env-repo checkout (kubernetes). Default: env's path in baton.yaml.",
    },
    { name: 'env', type: 'string', description: 'Environment name (baton.yaml); names the issue and the commit status too.' },
    {
      name: 'revision',
      type: 'string',
      description:
        'Env-repo commit, branch or tag whose state is desired (kubernetes); default: the checkout as it is. Read from git; the ' +
        'checkout is not touched.',
    },
    {
      name: 'render',
      type: 'enum',
      options: ['auto', 'kustomize', 'helm', 'none'],
      default: 'auto',
      description:
        'How the environment renders: a kustomization through kustomize, a chart through helm template (auto), or plain files (none).',
    },
    { name: 'values', type: 'list', description: 'Helm values files for a chart, in order.' },
    { name: 'kubernetes-version', type: 'string', default: '1.36.0', description: 'Kubernetes version Helm renders for (--kube-version).' },
    {
      name: 'namespace',
      type: 'string',
      short: 'n',
      description: "Namespace of objects that name none. Default: the kubeconfig context's namespace.",
    },
    kubeconfigInput,
    contextInput,
    {
      name: 'owned-by',
      type: 'string',
      description:
        'What the environment owns, to find objects Git no longer has: a label selector (app.kubernetes.io/part-of=shop), ' +
        'applyset=<id>, argocd=<application> (its tracking label or annotation) or flux=<namespace>/<kustomization>.',
    },
    {
      name: 'ignore-differences',
      type: 'string',
      description:
        "Differences to ignore, as Argo CD's ignoreDifferences (YAML or JSON list): group, kind, optional name and namespace, " +
        "jsonPointers and/or managedFieldsManagers (e.g. kube-controller-manager for an autoscaler's replicas).",
    },
    argocdServerInput,
    {
      name: 'argocd-token',
      type: 'string',
      secret: true,
      env: ['ARGOCD_AUTH_TOKEN'],
      description: 'Argo CD API token of an account that may get (and, with remediate, sync) the application (argocd).',
    },
    { name: 'application', type: 'list', description: 'Argo CD application name(s), or namespace/name (argocd).' },
    {
      name: 'targets',
      type: 'list',
      short: 't',
      description: 'Flux objects to read: kustomization/name, helmrelease/namespace/name (flux).',
    },
    {
      name: 'fail-on-drift',
      type: 'boolean',
      default: 'true',
      description: 'Exit 1 when the environment drifted; false reports drift and succeeds (outputs still say drifted).',
    },
    { name: 'reports', type: 'list', description: 'Reports to write as format=path: json=drift.json, junit=drift-junit.xml.' },
    {
      name: 'alert',
      type: 'enum',
      options: ['none', 'issue'],
      default: 'none',
      description: 'issue: keep one issue per environment on the env repo (opened on drift, updated while it lasts, closed when gone).',
    },
    {
      name: 'alert-label',
      type: 'string',
      freeText: true,
      default: 'baton-drift',
      description: 'Label of the drift issue; with the title marker, how the issue is found again.',
    },
    {
      name: 'commit-status',
      type: 'boolean',
      default: 'false',
      description: "Also set a commit status (baton/drift/<env>) on the env repo's head.",
    },
    {
      name: 'repo',
      type: 'string',
      env: ['BATON_REPO'],
      description: 'The env repo (HTTPS URL) issues and commit statuses go to.',
    },
    {
      name: 'token',
      type: 'string',
      secret: true,
      githubDefault: '${{ github.token }}',
      env: ['BATON_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN'],
      description: 'Token that may write issues (and commit statuses) on the env repo.',
    },
    {
      name: 'remediate',
      type: 'boolean',
      default: 'false',
      description:
        'On drift, ask the agent that owns the environment to fix it (Argo CD sync, Flux reconcile request), then check again. Never ' +
        'writes the cluster itself.',
    },
    { name: 'timeout', type: 'duration', default: '5m', description: 'How long remediation may take before the drift stands.' },
    { name: 'interval', type: 'duration', default: '5s', description: 'How often to look again while remediation runs.' },
    { name: 'dry-run', type: 'boolean', default: 'false', description: 'Report drift; open no issue, set no status, remediate nothing.' },
  ],
  needsOneOf: [
    {
      inputs: ['path', 'env'],
      when: { input: 'provider', is: 'kubernetes' },
      message: "path: give the environment's directory (path) or its name in baton.yaml (env), so drift knows what Git says.",
    },
  ],
  outputs: [
    { name: 'verdict', description: 'in-sync or drifted.' },
    { name: 'drifted', description: '"true" when the environment drifted.' },
    { name: 'checked', description: 'Number of objects compared.' },
    { name: 'drifted-count', description: 'Number of drifted (or unreadable) objects.' },
    { name: 'missing', description: 'Objects in Git but not in the cluster.' },
    { name: 'changed', description: 'Objects whose fields differ from Git.' },
    { name: 'extra', description: 'Objects the environment owns that Git no longer has.' },
    { name: 'unreadable', description: 'Kinds that could not be read (RBAC, not served).' },
    { name: 'details', description: 'JSON: the drifted objects with their field diffs (secret values hidden).' },
    { name: 'report-paths', description: 'Comma-separated paths of the reports written.' },
    { name: 'issue-url', description: 'The drift issue opened or updated (empty when none is open).' },
    { name: 'remediated', description: '"true" when remediation ran and the environment is back in sync.' },
  ],
  gitlab: { reports: { junit: 'drift-junit.xml' }, inputDefaults: { reports: 'junit=drift-junit.xml' } },
} as const satisfies StepSpec;
