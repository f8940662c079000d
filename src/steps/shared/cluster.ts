/**
 * What the steps that read a cluster (verify, drift) share: the kubeconfig source of their inputs, the
 * real Kubernetes API, and masking the credentials they were given before anything is logged.
 */
import { isKubeconfigContent, type KubeConfigSource, kubeconfigSecrets, loadKubeConfig } from '../../adapters/clusters/kube-config.ts';
import { KubeApi } from '../../adapters/clusters/kube-http.ts';
import type { StepContext } from './types.ts';

/** The cluster inputs: `kubeconfig` (a path or the content), `context`, and the Argo CD and forge tokens. */
export interface ClusterInputs {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly argocdToken?: string | undefined;
  readonly token?: string | undefined;
}

/** Where the kubeconfig comes from: the inputs, resolved against the step's environment and working directory. */
export function kubeSourceOf(inputs: ClusterInputs, context: StepContext): KubeConfigSource {
  return {
    ...(inputs.kubeconfig ? { kubeconfig: inputs.kubeconfig } : {}),
    ...(inputs.context ? { context: inputs.context } : {}),
    env: context.env,
    cwd: context.cwd,
  };
}

/** The real Kubernetes API of a kubeconfig (client-node's loading: exec plugins, in-cluster, OIDC). */
export function openKubernetes(source: KubeConfigSource): KubeApi {
  return new KubeApi(loadKubeConfig(source));
}

/** Hides the credentials of a kubeconfig given as content, and the tokens, in everything logged from now on. */
export function maskClusterSecrets(inputs: ClusterInputs, context: StepContext): void {
  if (inputs.kubeconfig && isKubeconfigContent(inputs.kubeconfig)) {
    for (const secret of kubeconfigSecrets(inputs.kubeconfig)) context.log.secret(secret);
  }
  if (inputs.argocdToken) context.log.secret(inputs.argocdToken);
  if (inputs.token) context.log.secret(inputs.token);
}
