/**
 * Reads the live copies of an environment's objects the cheap way: one LIST per kind and namespace
 * (never one GET per object), optionally narrowed by the environment's ownership label selector so the
 * same answer also tells which objects the environment owns (Argo CD's tracking annotation, which no
 * selector can match, is checked on the listed objects). A kind the user may not list (RBAC 403) or
 * the cluster does not serve is reported and the other kinds are still read.
 */
import type { LiveState, Unreadable } from '../../core/drift/assess.ts';
import { groupOf, type KubeDoc, keyId, keyOf, type ObjectKey, type Ownership, trackedByArgo } from '../../core/drift/types.ts';
import { isForbidden, isNotFound } from './kube-errors.ts';
import type { KubeApi } from './kube-http.ts';
import { collectionPath, groupVersionPath, objectPath, type ResourceType } from './kube-resources.ts';

/** What to read. */
export interface LiveRequest {
  /** The desired objects' apiVersion, kind, namespace (empty when cluster-scoped or unknown) and name. */
  readonly objects: readonly { readonly apiVersion: string; readonly key: ObjectKey }[];
  /** What the environment owns; without it, extra objects are not looked for. */
  readonly owned?: Ownership;
  /** How many requests run at once; default 8. */
  readonly concurrency?: number;
}

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

interface List {
  readonly metadata?: { readonly continue?: string };
  readonly items?: KubeDoc[];
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? (error instanceof Error ? error.message : String(error));
}

/** Resolves apiVersion + kind to served types, one discovery request per apiVersion. */
async function discover(api: KubeApi, apiVersions: readonly string[]): Promise<Map<string, ApiResource[] | string>> {
  const out = new Map<string, ApiResource[] | string>();
  await pool(apiVersions, 8, async (apiVersion) => {
    const group = groupOf(apiVersion);
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    try {
      const body = (await api.get<{ resources?: ApiResource[] }>(groupVersionPath({ group, version }))).body;
      out.set(
        apiVersion,
        (body.resources ?? []).filter((r) => !r.name.includes('/')),
      );
    } catch (error) {
      if (isNotFound(error)) out.set(apiVersion, `the cluster does not serve ${apiVersion}`);
      else if (isForbidden(error)) out.set(apiVersion, reason(error));
      else throw error;
    }
  });
  return out;
}

/** Reads the live state of the given objects. */
export async function readLiveState(api: KubeApi, request: LiveRequest): Promise<LiveState> {
  const limit = request.concurrency ?? 8;
  const served = await discover(api, [...new Set(request.objects.map((o) => o.apiVersion))]);
  const unreadable: Unreadable[] = [];
  const lists = new Map<string, { type: ResourceType; namespace: string; apiVersion: string }>();
  for (const { apiVersion, key } of request.objects) {
    const resources = served.get(apiVersion)!;
    const found = typeof resources === 'string' ? undefined : resources.find((r) => r.kind === key.kind);
    if (!found) {
      const message =
        typeof resources === 'string' ? resources : `the cluster serves no kind ${key.kind} in ${apiVersion}; is its CRD installed?`;
      if (!unreadable.some((u) => u.group === key.group && u.kind === key.kind && u.namespace === key.namespace))
        unreadable.push({ group: key.group, kind: key.kind, namespace: key.namespace, message });
      continue;
    }
    const type: ResourceType = {
      group: key.group,
      version: apiVersion.slice(apiVersion.indexOf('/') + 1),
      plural: found.name,
      kind: found.kind,
      namespaced: found.namespaced,
    };
    const namespace = found.namespaced ? key.namespace : '';
    lists.set(`${apiVersion}|${key.kind}|${namespace}`, { type, namespace, apiVersion });
  }
  const objects = new Map<string, KubeDoc>();
  const owned: KubeDoc[] = [];
  const selector = request.owned && 'selector' in request.owned ? request.owned.selector : undefined;
  const app = request.owned && 'argocdApp' in request.owned ? request.owned.argocdApp : undefined;
  await pool([...lists.values()], limit, async ({ type, namespace, apiVersion }) => {
    try {
      for (const item of await listAll(api, type, namespace, selector)) {
        const doc = { apiVersion, kind: type.kind, ...item };
        objects.set(keyId(keyOf(doc)), doc);
        // A selector LIST returns only owned objects; Argo CD's tracking annotation is matched here.
        if (selector || (app && trackedByArgo(doc, app))) owned.push(doc);
      }
    } catch (error) {
      if (!isForbidden(error)) throw error;
      unreadable.push({ group: type.group, kind: type.kind, namespace, message: reason(error) });
    }
  });
  if (selector) await readUnlabelled(api, request, lists, objects, limit);
  return { objects, owned, unreadable };
}

async function listAll(api: KubeApi, type: ResourceType, namespace: string, selector: string | undefined): Promise<KubeDoc[]> {
  const items: KubeDoc[] = [];
  let token: string | undefined;
  do {
    const body = (
      await api.get<List>(collectionPath(type, namespace || undefined), {
        labelSelector: selector || undefined,
        limit: 500,
        continue: token,
      })
    ).body;
    items.push(...(body.items ?? []));
    token = body.metadata?.continue || undefined;
  } while (token);
  return items;
}

/**
 * Desired objects a selector LIST did not return: either missing, or present without the ownership
 * label (edited by hand). One GET each tells which; in sync environments need none.
 */
async function readUnlabelled(
  api: KubeApi,
  request: LiveRequest,
  lists: ReadonlyMap<string, { type: ResourceType; namespace: string }>,
  objects: Map<string, KubeDoc>,
  limit: number,
): Promise<void> {
  const absent = request.objects.filter((o) => !objects.has(keyId(o.key)));
  await pool(absent, limit, async ({ apiVersion, key }) => {
    const list = [...lists.entries()].find(([id]) => id.startsWith(`${apiVersion}|${key.kind}|`))?.[1];
    if (!list) return;
    try {
      const found = (await api.getOptional<KubeDoc>(objectPath(list.type, list.type.namespaced ? key.namespace : undefined, key.name)))
        .body;
      if (found) objects.set(keyId(key), { apiVersion, kind: key.kind, ...found });
    } catch (error) {
      if (!isForbidden(error)) throw error;
    }
  });
}
