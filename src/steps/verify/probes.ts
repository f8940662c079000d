/**
 * From verify's inputs to the probes that look at each target, per provider. Opening the Kubernetes API
 * here also checks the kubeconfig and context before the first look.
 */
import { type ArgoCdClient, type ArgoCdOptions, ApplicationProbe } from '../../adapters/clusters/argocd.ts';
import type { Clock } from '../../adapters/clusters/clock.ts';
import { FluxProbe } from '../../adapters/clusters/flux.ts';
import { HttpProbe } from '../../adapters/clusters/http-probe.ts';
import type { KubeConfigSource } from '../../adapters/clusters/kube-config.ts';
import type { KubeApi } from '../../adapters/clusters/kube-http.ts';
import { ResourceCatalog } from '../../adapters/clusters/kube-resources.ts';
import { type KubernetesContext, SelectorProbe, TargetProbe } from '../../adapters/clusters/kubernetes.ts';
import type { Probe } from '../../adapters/clusters/probe.ts';
import { kubeSourceOf } from '../shared/cluster.ts';
import type { StepContext } from '../shared/types.ts';
import type { VerifyInputs } from './inputs.ts';

/** The side effects that reach clusters, replaceable in tests. */
export interface ClusterDeps {
  readonly clock: Clock;
  /** Opens the Kubernetes API of a kubeconfig context (throws a UserError for a bad kubeconfig). */
  kubernetes(source: KubeConfigSource): KubeApi;
  argocd(options: ArgoCdOptions): ArgoCdClient;
  readonly fetch?: typeof fetch;
  /** Open watches so a change wakes the runner before the next interval. */
  readonly watch: boolean;
}

function kubernetesContext(inputs: VerifyInputs, deps: ClusterDeps, context: StepContext): { api: KubeApi; catalog: ResourceCatalog } {
  const api = deps.kubernetes(kubeSourceOf(inputs, context));
  return { api, catalog: new ResourceCatalog(api) };
}

function kubernetesProbes(inputs: VerifyInputs, deps: ClusterDeps, context: StepContext): Probe[] {
  const { api, catalog } = kubernetesContext(inputs, deps, context);
  const ctx: KubernetesContext = {
    api,
    catalog,
    clock: deps.clock,
    rules: {
      graceMs: inputs.graceMs,
      restartThreshold: inputs.restartThreshold,
      ...(inputs.expectedImage ? { expectedImage: inputs.expectedImage } : {}),
    },
  };
  const namespace = inputs.namespace ?? api.namespace;
  const probes: Probe[] = inputs.targets.map((target) => new TargetProbe(ctx, target, namespace));
  if (inputs.selector !== undefined) probes.push(new SelectorProbe(ctx, inputs.selectorKinds, inputs.selector, namespace));
  return probes;
}

function fluxProbes(inputs: VerifyInputs, deps: ClusterDeps, context: StepContext): Probe[] {
  const { api, catalog } = kubernetesContext(inputs, deps, context);
  const rules = inputs.expectedRevision ? { expectedRevision: inputs.expectedRevision } : {};
  const ctx = { api, catalog, clock: deps.clock, rules, reconcile: inputs.reconcile };
  return inputs.targets.map((target) => new FluxProbe(ctx, target, inputs.namespace ?? 'flux-system'));
}

function argocdProbes(inputs: VerifyInputs, deps: ClusterDeps): Probe[] {
  const client = deps.argocd({ server: inputs.argocdServer!, ...(inputs.argocdToken ? { token: inputs.argocdToken } : {}) });
  const rules = {
    ...(inputs.expectedRevision ? { expectedRevision: inputs.expectedRevision } : {}),
    ...(inputs.repo ? { repo: inputs.repo } : {}),
  };
  return inputs.applications.map(
    (app) =>
      new ApplicationProbe(
        client,
        {
          name: app.name,
          ...(app.namespace ? { appNamespace: app.namespace } : {}),
          ...(inputs.project ? { project: inputs.project } : {}),
        },
        rules,
      ),
  );
}

/** The probes of the chosen provider. */
export function buildProbes(inputs: VerifyInputs, deps: ClusterDeps, context: StepContext): Probe[] {
  switch (inputs.provider) {
    case 'kubernetes':
      return kubernetesProbes(inputs, deps, context);
    case 'flux':
      return fluxProbes(inputs, deps, context);
    case 'argocd':
      return argocdProbes(inputs, deps);
    case 'http':
      return [new HttpProbe({ url: inputs.url!, expect: inputs.expect, ...(deps.fetch ? { fetch: deps.fetch } : {}) })];
  }
}
