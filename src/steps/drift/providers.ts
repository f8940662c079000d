/**
 * Live state by provider, each ending in a drift report: the Kubernetes API compared here with Git's
 * rendering, an Argo CD Application's own comparison, or Flux's status, inventory and drift events.
 */
import type { ApplicationRef, ArgoCdDriftClient, ArgoCdDriftOptions } from '../../adapters/clusters/argocd-drift.ts';
import type { Clock } from '../../adapters/clusters/clock.ts';
import type { KubeConfigSource } from '../../adapters/clusters/kube-config.ts';
import type { KubeApi } from '../../adapters/clusters/kube-http.ts';
import { readLiveState } from '../../adapters/clusters/kube-live.ts';
import { objectPath, ResourceCatalog } from '../../adapters/clusters/kube-resources.ts';
import { REQUESTED_AT } from '../../adapters/clusters/flux.ts';
import { argoReport, assessArgoApplication } from '../../core/drift/argocd.ts';
import { assessDrift, orderDrifts } from '../../core/drift/assess.ts';
import { assessFluxObject, inventoryOf } from '../../core/drift/flux.ts';
import { type DriftReport, type KubeDoc, keyOf, type ObjectDrift } from '../../core/drift/types.ts';
import { kubeSourceOf } from '../shared/cluster.ts';
import type { StepContext } from '../shared/types.ts';
import type { Renderers } from '../shared/render-env.ts';
import { desiredObjects } from './desired.ts';
import type { DriftInputs } from './inputs.ts';

/** The side effects that reach clusters and agents, replaceable in tests. */
export interface LiveDeps {
  readonly clock: Clock;
  readonly renderers: Renderers;
  /** Opens the Kubernetes API of a kubeconfig context (a UserError for a bad kubeconfig). */
  kubernetes(source: KubeConfigSource): KubeApi;
  argocd(options: ArgoCdDriftOptions): ArgoCdDriftClient;
}

/** A provider's check, repeatable after a remediation. */
export interface LiveCheck {
  check(): Promise<DriftReport>;
  /** Asks the owning agent to re-apply Git; undefined when no agent owns the environment. */
  readonly remediate?: () => Promise<string>;
}

function openKube(inputs: DriftInputs, deps: LiveDeps, context: StepContext): KubeApi {
  return deps.kubernetes(kubeSourceOf(inputs, context));
}

/** kubernetes: Git's rendering against LISTs of the live objects. */
export async function kubernetesCheck(inputs: DriftInputs, deps: LiveDeps, context: StepContext): Promise<LiveCheck> {
  const api = openKube(inputs, deps, context);
  const { path, objects, commit } = await context.log.group('Render the environment', () =>
    desiredObjects(inputs, deps.renderers, context.cwd),
  );
  const namespace = inputs.namespace ?? api.namespace;
  const request = {
    objects: objects.map((doc) => ({ apiVersion: String(doc.apiVersion ?? 'v1'), key: keyOf(doc, namespace) })),
    ...(inputs.owned ? { owned: inputs.owned } : {}),
  };
  const source = `${path}${commit ? ` at ${commit.slice(0, 12)}` : ''} as Git renders it, against context ${api.context}`;
  return { check: async () => assessDrift(objects, await readLiveState(api, request), inputs.ignore, namespace, source) };
}

/** argocd: each Application's sync status and per-resource diff. */
export function argocdCheck(inputs: DriftInputs, deps: LiveDeps): LiveCheck {
  const client = deps.argocd({ server: inputs.argocdServer!, ...(inputs.argocdToken ? { token: inputs.argocdToken } : {}) });
  const apps: ApplicationRef[] = inputs.applications.map((a) => ({ name: a.name, ...(a.namespace ? { appNamespace: a.namespace } : {}) }));
  const label = (app: ApplicationRef) => `${app.appNamespace ? `${app.appNamespace}/` : ''}${app.name}`;
  return {
    check: async () => {
      const results = await Promise.all(
        apps.map(async (app) => {
          const [application, managed] = await Promise.all([client.application(app), client.managedResources(app)]);
          return assessArgoApplication(label(app), application, managed, inputs.ignore);
        }),
      );
      return argoReport(results, `Argo CD application${apps.length > 1 ? 's' : ''} ${apps.map(label).join(', ')}`);
    },
    remediate: async () => {
      for (const app of apps) await client.sync(app);
      return `asked Argo CD to sync ${apps.map(label).join(', ')}`;
    },
  };
}

/** flux: Ready conditions, HelmRelease drift events, and Kustomization inventories against the cluster. */
export function fluxCheck(inputs: DriftInputs, deps: LiveDeps, context: StepContext): LiveCheck {
  const api = openKube(inputs, deps, context);
  const catalog = new ResourceCatalog(api);
  const namespace = inputs.namespace ?? 'flux-system';
  const located = async () =>
    Promise.all(
      inputs.targets.map(async (target) => ({ target, type: await catalog.resolve(target), namespace: target.namespace ?? namespace })),
    );
  return {
    check: async () => {
      const targets = await located();
      const namespaces = [...new Set(targets.map((t) => t.namespace))];
      const events = new Map<string, KubeDoc[]>();
      await Promise.all(
        namespaces.map(async (ns) =>
          events.set(ns, (await api.get<{ items?: KubeDoc[] }>(`/api/v1/namespaces/${encodeURIComponent(ns)}/events`)).body.items ?? []),
        ),
      );
      const drifts: ObjectDrift[] = [];
      let checked = 0;
      let corrected = 0;
      for (const { target, type, namespace: ns } of targets) {
        const object = (await api.getOptional<KubeDoc>(objectPath(type, ns, target.name))).body;
        const key = { group: type.group, kind: type.kind, namespace: ns, name: target.name };
        const assessment = assessFluxObject(key, object, events.get(ns) ?? []);
        drifts.push(...assessment.drifts);
        if (assessment.corrected) corrected += 1;
        checked += 1;
        const inventory = object ? inventoryOf(object) : [];
        if (inventory.length === 0) continue;
        const live = await readLiveState(api, { objects: inventory });
        const desired = inventory.map((e) => ({
          apiVersion: e.apiVersion,
          kind: e.key.kind,
          metadata: { name: e.key.name, ...(e.key.namespace ? { namespace: e.key.namespace } : {}) },
        }));
        const report = assessDrift(desired, live, [], '', '');
        drifts.push(
          ...report.drifts.map((d) =>
            d.kind === 'missing' ? { ...d, message: `in the inventory of ${type.kind} ${ns}/${target.name} but not in the cluster` } : d,
          ),
        );
        checked += inventory.length;
      }
      const note = corrected ? `; Flux corrected drift on ${corrected} HelmRelease(s) itself` : '';
      const ordered = orderDrifts(drifts);
      return {
        verdict: ordered.length ? 'drifted' : 'in-sync',
        checked,
        drifts: ordered,
        source: `Flux ${inputs.targets.map((t) => t.text).join(', ')}${note}`,
      };
    },
    remediate: async () => {
      const at = new Date(deps.clock.now()).toISOString();
      for (const { target, type, namespace: ns } of await located())
        await api.mergePatch(objectPath(type, ns, target.name), { metadata: { annotations: { [REQUESTED_AT]: at } } });
      return `asked Flux to reconcile ${inputs.targets.map((t) => t.text).join(', ')} (${REQUESTED_AT}=${at})`;
    },
  };
}
