import { argocdServerInput, contextInput, kubeconfigInput } from './cluster-inputs.ts';
import type { StepSpec } from './types.ts';

/** `verify`: wait until an environment runs what Git says, and give a verdict a pipeline can gate on. */
export const verifySpec = {
  name: 'verify',
  title: 'Baton verify',
  description:
    'Wait until an environment runs what Git says (Kubernetes rollout, Argo CD, Flux or an HTTP endpoint), ' +
    'fail fast when it cannot, and record the verdict on the env-repo commit.',
  branding: { icon: 'check-circle', color: 'green' },
  inputs: [
    {
      name: 'provider',
      type: 'enum',
      options: ['kubernetes', 'argocd', 'flux', 'http'],
      default: 'kubernetes',
      description: 'What to ask: the Kubernetes API (workloads), Argo CD (Applications), Flux (Kustomizations, HelmReleases) or a URL.',
    },
    {
      name: 'targets',
      type: 'list',
      short: 't',
      description:
        'What must be healthy: kind/name or kind/namespace/name (deployment/web, sts/db, kustomization/flux-system/apps, ' +
        'application/web, certificate.cert-manager.io/web). With selector, a kind alone (deployment).',
    },
    {
      name: 'selector',
      type: 'string',
      description:
        'Label selector for workloads instead of names (app=web); kinds from targets, else deployments, statefulsets and daemonsets.',
    },
    {
      name: 'namespace',
      type: 'string',
      short: 'n',
      description: "Namespace of targets that name none. Default: the kubeconfig context's namespace (flux: flux-system).",
    },
    kubeconfigInput,
    contextInput,
    {
      name: 'expected-image',
      type: 'string',
      description: 'Image the new pods must run (name:tag, name@sha256:…); checked by digest when given.',
    },
    {
      name: 'expected-revision',
      type: 'string',
      description:
        "The env-repo commit that must be deployed (argocd, flux; bump's commit output). Also the commit the verdict is recorded on.",
    },
    argocdServerInput,
    {
      name: 'argocd-token',
      type: 'string',
      secret: true,
      env: ['ARGOCD_AUTH_TOKEN'],
      description: 'Argo CD API token of an account that may get the application (argocd).',
    },
    {
      name: 'application',
      type: 'list',
      description: 'Argo CD application name(s), or namespace/name for apps outside the Argo CD namespace (argocd).',
    },
    {
      name: 'project',
      type: 'string',
      description: 'Argo CD project of the application(s); lets Argo CD tell "not found" from "not allowed".',
    },
    { name: 'url', type: 'string', description: 'URL to poll (http).' },
    { name: 'expect-status', type: 'number', description: 'Status code the URL must answer with (http). Default: any 2xx.' },
    {
      name: 'expect-json',
      type: 'list',
      description: 'path=value the JSON body must hold, e.g. version=1.4.2 or $.build.tag=1.4.2 (http).',
    },
    { name: 'expect-header', type: 'list', description: 'name=value a response header must hold, e.g. x-version=1.4.2 (http).' },
    {
      name: 'repo',
      type: 'string',
      env: ['BATON_REPO'],
      description: 'The env repo the verdict is recorded in (HTTPS URL or local path); with argocd, picks its source among several.',
    },
    {
      name: 'branch',
      type: 'string',
      description: "Branch of the env repo. Default: the environment's branch in baton.yaml, else the default branch.",
    },
    { name: 'env', type: 'string', description: 'Environment the verdict is recorded for (a name in baton.yaml).' },
    {
      name: 'token',
      type: 'string',
      secret: true,
      githubDefault: '${{ github.token }}',
      env: ['BATON_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN'],
      description: 'Token with write access to the env repo, to record the verdict.',
    },
    { name: 'timeout', type: 'duration', default: '10m', description: 'How long to wait for the verdict (90s, 10m, 1h).' },
    { name: 'interval', type: 'duration', default: '2s', description: 'How often to look; Kubernetes watches wake verify sooner.' },
    {
      name: 'grace',
      type: 'duration',
      default: '60s',
      description: "How long a new pod may fail to pull its image, be unschedulable or miss its config, from the pod's own timestamps.",
    },
    {
      name: 'restart-threshold',
      type: 'number',
      default: '3',
      description: 'Restarts after which a crash-looping new pod fails the rollout.',
    },
    {
      name: 'reconcile',
      type: 'boolean',
      default: 'false',
      description: 'flux: ask the controller to reconcile now (reconcile.fluxcd.io/requestedAt) before waiting.',
    },
    {
      name: 'record',
      type: 'boolean',
      default: 'true',
      description: 'Record the verdict as a git note (refs/notes/baton) on the verified env-repo commit and mirror it to the forge.',
    },
    {
      name: 'on-failure',
      type: 'enum',
      options: ['fail', 'rollback'],
      default: 'fail',
      description: 'fail: report and exit 1; rollback: also hand the environment to the rollback step.',
    },
    { name: 'dry-run', type: 'boolean', default: 'false', description: 'Give the verdict; record nothing and roll nothing back.' },
  ],
  needsOneOf: [
    {
      inputs: ['targets', 'selector'],
      when: { input: 'provider', is: 'kubernetes' },
      message: 'targets: give at least one kind/name (e.g. deployment/web), or a selector.',
    },
  ],
  outputs: [
    { name: 'status', description: 'healthy, failed or timeout.' },
    { name: 'reason', description: 'Why, in one line; on timeout the last state of each target.' },
    { name: 'details', description: 'JSON: one object per target with outcome, reason, message and facts (revision, images, counts).' },
    { name: 'revision', description: 'The env-repo commit the verdict is about (expected-revision, else the one recorded on).' },
    { name: 'recorded', description: '"true" when the verdict was recorded in the env repo.' },
    { name: 'rollback', description: 'What on-failure: rollback did, when it ran.' },
  ],
} as const satisfies StepSpec;
