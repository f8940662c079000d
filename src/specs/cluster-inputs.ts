/** Inputs shared by the steps that read a cluster or an agent (verify, drift): the same names and descriptions. */
import type { InputSpec } from './types.ts';

/** `kubeconfig`: where the cluster's credentials come from. */
export const kubeconfigInput = {
  name: 'kubeconfig',
  type: 'string',
  description: 'Kubeconfig: a path or the content itself. Default: KUBECONFIG, then ~/.kube/config, then in-cluster.',
} as const satisfies InputSpec;

/** `context`: a kubeconfig context other than the current one. */
export const contextInput = {
  name: 'context',
  type: 'string',
  description: 'Kubeconfig context to use instead of the current one.',
} as const satisfies InputSpec;

/** `argocd-server`: the Argo CD API server. */
export const argocdServerInput = {
  name: 'argocd-server',
  type: 'string',
  env: ['ARGOCD_SERVER'],
  description: 'Argo CD API server URL (argocd).',
} as const satisfies InputSpec;
