/**
 * From a target's kind to the API path that serves it. Built-in workloads have fixed versions; Argo
 * Rollouts, Flux and any other custom resource are found through API discovery (`/apis/<group>` for the
 * preferred version, `/apis/<group>/<version>` for the resource), as kubectl does.
 */
import { UserError } from '../../core/errors.ts';
import type { TargetRef } from '../../core/verify/targets.ts';
import { isNotFound } from './kube-errors.ts';
import type { KubeApi } from './kube-http.ts';

/** One served resource type. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Built-in types with a fixed, GA version. */
export const BUILT_IN: Readonly<Record<string, ResourceType>> = {
  Pod: { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  ReplicaSet: { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  ControllerRevision: { group: 'apps', version: 'v1', plural: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true },
  Job: { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true },
};

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
}

/** The collection path of a type, in a namespace when it is namespaced. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(type)}${ns}/${type.plural}`;
}

/** The path of one object. */
export function objectPath(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
}

interface ApiGroup {
  readonly preferredVersion?: { readonly groupVersion?: string; readonly version?: string };
}

interface ApiResource {
  readonly name: string;
  readonly singularName?: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
}

function matches(resource: ApiResource, word: string): boolean {
  const lower = word.toLowerCase();
  return (
    !resource.name.includes('/') &&
    (resource.kind.toLowerCase() === lower ||
      resource.name === lower ||
      resource.singularName === lower ||
      (resource.shortNames ?? []).includes(lower))
  );
}

/** Resolves kinds to resource types, asking the cluster once per group. */
export class ResourceCatalog {
  readonly #api: KubeApi;
  readonly #groups = new Map<string, Promise<{ version: string; resources: readonly ApiResource[] }>>();

  constructor(api: KubeApi) {
    this.#api = api;
  }

  async #discover(group: string, text: string): Promise<{ version: string; resources: readonly ApiResource[] }> {
    let preferred: string | undefined;
    try {
      preferred = (await this.#api.get<ApiGroup>(`/apis/${group}`)).body.preferredVersion?.version;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!preferred) {
      throw new UserError(`targets: "${text}": the cluster serves no API group ${group}; is its controller installed?`, {
        input: 'targets',
      });
    }
    const list = await this.#api.get<{ resources?: ApiResource[] }>(`/apis/${group}/${preferred}`);
    return { version: preferred, resources: list.body.resources ?? [] };
  }

  /** The served type of a target's kind; a UserError when the cluster does not serve it. */
  async resolve(target: TargetRef): Promise<ResourceType> {
    if (target.known && BUILT_IN[target.known.kind]) return BUILT_IN[target.known.kind]!;
    let pending = this.#groups.get(target.group);
    if (!pending) {
      pending = this.#discover(target.group, target.text);
      this.#groups.set(target.group, pending);
      pending.catch(() => this.#groups.delete(target.group));
    }
    const { version, resources } = await pending;
    const word = target.known?.kind ?? target.kind;
    const found = resources.find((r) => matches(r, word));
    if (!found) {
      const kinds = resources.filter((r) => !r.name.includes('/')).map((r) => r.kind);
      throw new UserError(
        `targets: "${target.text}": group ${target.group} serves no kind "${word}" (it serves ${kinds.join(', ') || 'nothing'}).`,
        { input: 'targets' },
      );
    }
    return { group: target.group, version, plural: found.name, kind: found.kind, namespaced: found.namespaced };
  }
}
