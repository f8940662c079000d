/**
 * A Kubernetes API server for tests, modelled on the published API (kubernetes.io/docs/reference/using-api,
 * api-concepts) for the calls verify makes: discovery (`/api`, `/apis`, `/apis/<group>[/<version>]`),
 * GET of one object, LIST with `labelSelector`, `fieldSelector`, `limit` and `continue`, WATCH from a
 * `resourceVersion` (replaying later events, `410 Gone` for compacted versions, `timeoutSeconds`,
 * bookmarks), and JSON merge PATCH.
 *
 * Semantics kept from the real server: HTTPS with a private CA in the kubeconfig; bearer tokens (none or
 * unknown → 401 `Status` "Unauthorized"; RBAC denial → 403 with the API server's wording); failures as
 * `metav1.Status` objects (`deployments.apps "web" not found`, reason NotFound); a global, increasing
 * `resourceVersion`; `metadata.generation` bumped only when `spec` changes; list items without
 * `kind`/`apiVersion`; the `Date` header from the test's clock, so grace periods run on virtual time.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/adapters/clusters/clock.ts';
import type { KubeObject } from '../../src/core/verify/types.ts';
import { makeCertificates } from './registry-tls.ts';

// ——— Time ———————————————————————————————————————————————————————————————————————————————

/** A clock that only moves when someone sleeps on it, running scheduled scenario steps on the way. */
export interface ManualClock extends Clock {
  /** Runs `fn` when the clock reaches `time`. */
  at(time: number, fn: () => void | Promise<void>): void;
  /** Runs `fn` `ms` from now. */
  after(ms: number, fn: () => void | Promise<void>): void;
  /** Moves the clock forward, running what falls due. */
  advance(ms: number): Promise<void>;
}

/** A {@link ManualClock} starting at `start` (2025-01-01T00:00:00Z by default). */
export function manualClock(start = Date.UTC(2025, 0, 1)): ManualClock {
  let now = start;
  const timers: { time: number; seq: number; fn: () => void | Promise<void> }[] = [];
  let seq = 0;
  async function advanceTo(target: number): Promise<void> {
    for (;;) {
      timers.sort((a, b) => a.time - b.time || a.seq - b.seq);
      const next = timers[0];
      if (!next || next.time > target) break;
      timers.shift();
      now = Math.max(now, next.time);
      await next.fn();
    }
    now = Math.max(now, target);
  }
  const clock: ManualClock = {
    now: () => now,
    at: (time, fn) => void timers.push({ time, seq: seq++, fn }),
    after: (ms, fn) => clock.at(now + ms, fn),
    advance: (ms) => advanceTo(now + ms),
    async sleep(ms, signal) {
      await Promise.resolve();
      if (signal?.aborted) return;
      await advanceTo(now + Math.max(0, ms));
    },
  };
  return clock;
}

/** Schedules scenario steps on the machine's clock (for benchmarks that run in real time). */
export function realScheduler(): Pick<ManualClock, 'now' | 'after' | 'at'> & { cancel(): void } {
  const handles = new Set<NodeJS.Timeout>();
  const after = (ms: number, fn: () => void | Promise<void>) => {
    const handle = setTimeout(
      () => {
        handles.delete(handle);
        void fn();
      },
      Math.max(0, ms),
    );
    handles.add(handle);
  };
  return {
    now: () => Date.now(),
    after,
    at: (time, fn) => after(time - Date.now(), fn),
    cancel: () => {
      for (const handle of handles) clearTimeout(handle);
      handles.clear();
    },
  };
}

// ——— Resources ——————————————————————————————————————————————————————————————————————————

/** A served resource type. */
export interface ResourceDef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
}

/** The built-in types verify and drift read. */
export const BUILT_IN_RESOURCES: readonly ResourceDef[] = [
  { group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'] },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
  },
  { group: 'apps', version: 'v1', plural: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'] },
  { group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'] },
  {
    group: 'apps',
    version: 'v1',
    plural: 'controllerrevisions',
    singular: 'controllerrevision',
    kind: 'ControllerRevision',
    namespaced: true,
  },
  { group: 'batch', version: 'v1', plural: 'jobs', singular: 'job', kind: 'Job', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'] },
  {
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
  },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: 'batch', version: 'v1', plural: 'cronjobs', singular: 'cronjob', kind: 'CronJob', namespaced: true, shortNames: ['cj'] },
  {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    singular: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
  },
  {
    group: 'policy',
    version: 'v1',
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
  },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', singular: 'role', kind: 'Role', namespaced: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    namespaced: false,
  },
];

/** Flux's and Argo Rollouts' types, for tests that install them. */
export const CUSTOM_RESOURCES: Readonly<Record<string, ResourceDef>> = {
  kustomization: {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    singular: 'kustomization',
    kind: 'Kustomization',
    namespaced: true,
    shortNames: ['ks'],
  },
  helmrelease: {
    group: 'helm.toolkit.fluxcd.io',
    version: 'v2',
    plural: 'helmreleases',
    singular: 'helmrelease',
    kind: 'HelmRelease',
    namespaced: true,
    shortNames: ['hr'],
  },
  rollout: {
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'rollouts',
    singular: 'rollout',
    kind: 'Rollout',
    namespaced: true,
    shortNames: ['ro'],
  },
  certificate: {
    group: 'cert-manager.io',
    version: 'v1',
    plural: 'certificates',
    singular: 'certificate',
    kind: 'Certificate',
    namespaced: true,
    shortNames: ['cert'],
  },
};

function groupVersion(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

// ——— Selectors ——————————————————————————————————————————————————————————————————————————

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

class BadRequest extends Error {}

const KEY = '(?:[a-z0-9A-Z][-a-z0-9A-Z_.]*/)?[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?';
const VALUE = '(?:[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?';

function requirement(term: string): Requirement {
  const text = term.trim();
  let m = new RegExp(`^(${KEY})\\s*(=|==|!=)\\s*(${VALUE})$`).exec(text);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`).exec(text);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = list.split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v)))
      throw new BadRequest(`unable to parse requirement: invalid values in "${text}"`);
    return op === 'in' ? (l) => l[key] !== undefined && values.includes(l[key]!) : (l) => l[key] === undefined || !values.includes(l[key]!);
  }
  m = new RegExp(`^(!?)(${KEY})$`).exec(text);
  if (m) return m[1] ? (l) => l[m![2]!] === undefined : (l) => l[m![2]!] !== undefined;
  throw new BadRequest(`unable to parse requirement: found '${text}', expected: identifier`);
}

/** Parses a `labelSelector` query value (equality- and set-based); throws BadRequest like the API server. */
export function parseLabelSelector(text: string): Requirement {
  const terms = text.split(/,(?![^()]*\))/).filter((t) => t.trim() !== '');
  const requirements = terms.map(requirement);
  return (labels) => requirements.every((r) => r(labels));
}

function parseFieldSelector(text: string): (object: KubeObject) => boolean {
  const checks = text
    .split(',')
    .filter(Boolean)
    .map((term) => {
      const m = /^([a-zA-Z.]+)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
      if (!m) throw new BadRequest(`invalid selector: '${term}'; can't understand '${term}'`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      if (field !== 'metadata.name' && field !== 'metadata.namespace') throw new BadRequest(`field label not supported: ${field}`);
      const read = (o: KubeObject) => (field === 'metadata.name' ? o.metadata.name : o.metadata.namespace) ?? '';
      return op === '!=' ? (o: KubeObject) => read(o) !== value : (o: KubeObject) => read(o) === value;
    });
  return (object) => checks.every((check) => check(object));
}

// ——— Store ——————————————————————————————————————————————————————————————————————————————

/** One change, as watches replay it. */
interface StoredEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly def: ResourceDef;
  readonly object: KubeObject;
}

/** An open watch. */
interface Watcher {
  readonly def: ResourceDef;
  readonly namespace?: string;
  readonly matches: (object: KubeObject) => boolean;
  readonly res: ServerResponse;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return clone(patch);
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

// ——— Server —————————————————————————————————————————————————————————————————————————————

/** RBAC verbs the server checks. */
export type Verb = 'get' | 'list' | 'watch' | 'patch';

/** Who a token is and what it may do. */
export interface TokenGrant {
  readonly user: string;
  /** `all`, or a rule per verb, resource and namespace. */
  readonly access: 'all' | ((verb: Verb, resource: ResourceDef, namespace: string | undefined) => boolean);
}

/** Options of {@link startKubeApi}. */
export interface KubeApiOptions {
  readonly clock: Pick<Clock, 'now'>;
  /** Bearer tokens; default `{ 'test-token': all }`. */
  readonly tokens?: Readonly<Record<string, TokenGrant>>;
  /** Custom resource types to serve besides the built-ins. */
  readonly resources?: readonly ResourceDef[];
  /** Events kept for watches; older resourceVersions answer 410 Gone. Default 1000. */
  readonly historyLimit?: number;
}

/** A fault answered instead of the API. */
export interface KubeFault {
  readonly method?: string;
  readonly path?: string | RegExp;
  readonly status: number;
  readonly body?: unknown;
  readonly times?: number;
}

/** One request as received. */
export interface KubeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization?: string;
}

/** A running Kubernetes API test server. */
export interface KubeApiServer {
  readonly url: string;
  readonly caPem: string;
  readonly requests: KubeRequest[];
  /** The newest resourceVersion. */
  readonly resourceVersion: number;
  /** A kubeconfig (YAML) for this server: CA, token, context, namespace. */
  kubeconfig(options?: { token?: string; namespace?: string; context?: string }): string;
  /** Creates an object (uid, resourceVersion, generation 1, creationTimestamp filled in). */
  create(object: KubeObject): KubeObject;
  /** Changes an object; generation goes up when `spec` changed. */
  update(kind: string, namespace: string, name: string, mutate: (object: KubeObjectDraft) => void): KubeObject;
  remove(kind: string, namespace: string, name: string): void;
  read(kind: string, namespace: string, name: string): KubeObject | undefined;
  list(kind: string, namespace: string): KubeObject[];
  fail(fault: KubeFault): void;
  /** Runs after each PATCH is stored: the scenario's stand-in for a controller that reacts to it. */
  onPatch(hook: (object: KubeObject) => void): void;
  stop(): Promise<void>;
}

/** A mutable view of an object for {@link KubeApiServer.update}. */
export type KubeObjectDraft = {
  metadata: Record<string, unknown> & { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
  [field: string]: unknown;
};

const DEFAULT_TOKENS: Record<string, TokenGrant> = { 'test-token': { user: 'system:serviceaccount:ci:baton', access: 'all' } };

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function qualified(def: ResourceDef): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

let sharedCertificates: ReturnType<typeof makeCertificates> | undefined;

/** Starts the server on 127.0.0.1 with a private CA (made once per process: openssl is slow). */
export async function startKubeApi(options: KubeApiOptions): Promise<KubeApiServer> {
  if (!sharedCertificates) {
    sharedCertificates = makeCertificates();
    const { dir } = await sharedCertificates;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const certs = await sharedCertificates;
  const [key, cert] = await Promise.all([readFile(certs.keyPath), readFile(certs.certPath)]);
  const defs = [...BUILT_IN_RESOURCES, ...(options.resources ?? [])];
  const tokens = options.tokens ?? DEFAULT_TOKENS;
  const limit = options.historyLimit ?? 1000;
  const objects = new Map<string, { def: ResourceDef; object: KubeObject }>();
  const events: StoredEvent[] = [];
  const watchers = new Set<Watcher>();
  const faults: { fault: KubeFault; left: number }[] = [];
  const requests: KubeRequest[] = [];
  const patchHooks: ((object: KubeObject) => void)[] = [];
  let rv = 1000;

  const byKind = (kind: string) => {
    const def = defs.find((d) => d.kind === kind);
    if (!def) throw new Error(`test server: unknown kind ${kind}`);
    return def;
  };
  const keyOf = (def: ResourceDef, namespace: string | undefined, name: string) =>
    `${def.group}/${def.plural}/${def.namespaced ? (namespace ?? '') : ''}/${name}`;
  const stamp = () => new Date(options.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  function emit(type: StoredEvent['type'], def: ResourceDef, object: KubeObject): void {
    events.push({ rv, type, def, object: clone(object) });
    if (events.length > limit) events.splice(0, events.length - limit);
    for (const watcher of watchers) {
      if (watcher.def !== def || (watcher.namespace && watcher.namespace !== object.metadata.namespace) || !watcher.matches(object))
        continue;
      watcher.res.write(`${JSON.stringify({ type, object: withType(def, object) })}\n`);
    }
  }

  function withType(def: ResourceDef, object: KubeObject): KubeObject {
    return { apiVersion: groupVersion(def), kind: def.kind, ...clone(object) };
  }

  const api: KubeApiServer = {
    url: '',
    caPem: certs.caPem,
    requests,
    get resourceVersion() {
      return rv;
    },
    kubeconfig(opts = {}) {
      const ca = Buffer.from(certs.caPem).toString('base64');
      const name = opts.context ?? 'test';
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: ${name}-cluster`,
        '  cluster:',
        `    server: ${api.url}`,
        `    certificate-authority-data: ${ca}`,
        'users:',
        `- name: ${name}-user`,
        '  user:',
        `    token: ${opts.token ?? 'test-token'}`,
        'contexts:',
        `- name: ${name}`,
        '  context:',
        `    cluster: ${name}-cluster`,
        `    user: ${name}-user`,
        ...(opts.namespace ? [`    namespace: ${opts.namespace}`] : []),
        `current-context: ${name}`,
        '',
      ].join('\n');
    },
    create(object) {
      const def = byKind(String(object.kind));
      const key = keyOf(def, object.metadata.namespace, object.metadata.name ?? '');
      if (objects.has(key)) throw new Error(`test server: ${key} exists`);
      rv += 1;
      const { apiVersion: _a, kind: _k, ...rest } = clone(object);
      const stored: KubeObject = {
        ...rest,
        metadata: { uid: randomUUID(), creationTimestamp: stamp(), generation: 1, ...rest.metadata, resourceVersion: String(rv) },
      };
      objects.set(key, { def, object: stored });
      emit('ADDED', def, stored);
      return withType(def, stored);
    },
    update(kind, namespace, name, mutate) {
      const def = byKind(kind);
      const entry = objects.get(keyOf(def, namespace, name));
      if (!entry) throw new Error(`test server: ${kind} ${namespace}/${name} does not exist`);
      const draft = clone(entry.object) as unknown as KubeObjectDraft;
      draft.spec ??= {};
      draft.status ??= {};
      mutate(draft);
      return commit(def, entry.object, draft as unknown as KubeObject);
    },
    remove(kind, namespace, name) {
      const def = byKind(kind);
      const key = keyOf(def, namespace, name);
      const entry = objects.get(key);
      if (!entry) return;
      objects.delete(key);
      rv += 1;
      emit('DELETED', def, { ...entry.object, metadata: { ...entry.object.metadata, resourceVersion: String(rv) } });
    },
    read(kind, namespace, name) {
      const def = byKind(kind);
      const entry = objects.get(keyOf(def, namespace, name));
      return entry ? withType(def, entry.object) : undefined;
    },
    list(kind, namespace) {
      const def = byKind(kind);
      return [...objects.values()]
        .filter((e) => e.def === def && e.object.metadata.namespace === namespace)
        .map((e) => withType(def, e.object));
    },
    fail: (fault) => void faults.push({ fault, left: fault.times ?? 1 }),
    onPatch: (hook) => void patchHooks.push(hook),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const watcher of watchers) watcher.res.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function commit(def: ResourceDef, before: KubeObject, after: KubeObject): KubeObject {
    rv += 1;
    const specChanged = JSON.stringify(before.spec ?? {}) !== JSON.stringify(after.spec ?? {});
    const generation = (before.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    const stored: KubeObject = { ...after, metadata: { ...after.metadata, generation, resourceVersion: String(rv) } };
    objects.set(keyOf(def, stored.metadata.namespace, stored.metadata.name ?? ''), { def, object: stored });
    emit('MODIFIED', def, stored);
    return withType(def, stored);
  }

  // ——— HTTP ———

  function send(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'content-type': 'application/json',
      date: new Date(options.clock.now()).toUTCString(),
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function authenticate(req: IncomingMessage): TokenGrant | undefined {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    return token ? tokens[token] : undefined;
  }

  function allowed(grant: TokenGrant, verb: Verb, def: ResourceDef, namespace: string | undefined): boolean {
    return grant.access === 'all' || grant.access(verb, def, namespace);
  }

  function forbidden(
    grant: TokenGrant,
    verb: Verb,
    def: ResourceDef,
    namespace: string | undefined,
    name?: string,
  ): Record<string, unknown> {
    const where = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
    const subject = `${qualified(def)}${name ? ` "${name}"` : ''}`;
    return status(
      403,
      'Forbidden',
      `${subject} is forbidden: User "${grant.user}" cannot ${verb} resource "${def.plural}" in API group "${def.group}"${where}`,
      {
        ...(name ? { name } : {}),
        group: def.group,
        kind: def.plural,
      },
    );
  }

  function discovery(path: string): unknown {
    if (path === '/api')
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
      };
    const groups = [...new Set(defs.filter((d) => d.group).map((d) => d.group))];
    const groupDoc = (group: string) => {
      const versions = [...new Set(defs.filter((d) => d.group === group).map((d) => d.version))].map((version) => ({
        groupVersion: `${group}/${version}`,
        version,
      }));
      return { name: group, versions, preferredVersion: versions[0] };
    };
    if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupDoc) };
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)(?:\/([^/]+))?)$/.exec(path);
    if (!m) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3];
    if (!version) return groups.includes(group) ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group) } : undefined;
    const served = defs.filter((d) => d.group === group && d.version === version);
    if (served.length === 0) return undefined;
    const resources = served.map((d) => ({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: ['get', 'list', 'watch', 'patch'],
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
    }));
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
  }

  function route(path: string): { def: ResourceDef; namespace?: string; name?: string } | undefined {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (!m) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3]!;
    const def = defs.find((d) => d.group === group && d.version === version && d.plural === m[5]);
    if (!def) return undefined;
    return { def, ...(m[4] ? { namespace: decodeURIComponent(m[4]) } : {}), ...(m[6] ? { name: decodeURIComponent(m[6]) } : {}) };
  }

  function selectorOf(query: URLSearchParams): (object: KubeObject) => boolean {
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
    return (object) => labels(object.metadata.labels ?? {}) && fields(object);
  }

  function matching(def: ResourceDef, namespace: string | undefined, matches: (o: KubeObject) => boolean): KubeObject[] {
    return [...objects.values()]
      .filter((e) => e.def === def && (!namespace || e.object.metadata.namespace === namespace) && matches(e.object))
      .map((e) => e.object)
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  }

  function list(res: ServerResponse, def: ResourceDef, namespace: string | undefined, query: URLSearchParams): void {
    const items = matching(def, namespace, selectorOf(query));
    const start = query.get('continue') ? Number(Buffer.from(query.get('continue')!, 'base64url').toString()) : 0;
    const size = Number(query.get('limit') ?? 0);
    const page = size > 0 ? items.slice(start, start + size) : items.slice(start);
    const more = size > 0 && start + size < items.length;
    const metadata = {
      resourceVersion: String(rv),
      ...(more
        ? { continue: Buffer.from(String(start + size)).toString('base64url'), remainingItemCount: items.length - start - size }
        : {}),
    };
    send(res, 200, { kind: `${def.kind}List`, apiVersion: groupVersion(def), metadata, items: page.map(clone) });
  }

  function watch(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, query: URLSearchParams): void {
    const matches = selectorOf(query);
    const from = query.get('resourceVersion');
    res.writeHead(200, {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
      date: new Date(options.clock.now()).toUTCString(),
    });
    // The API server flushes the headers at once (watch.go, ServeHTTP: WriteHeader then Flush), so a
    // client sees the watch open before any event; Node would hold them back until the first write.
    res.flushHeaders();
    const line = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    const oldest = events[0]?.rv ?? rv;
    if (from && from !== '0' && Number(from) < oldest - 1) {
      line('ERROR', status(410, 'Expired', `too old resource version: ${from} (${oldest - 1})`));
      res.end();
      return;
    }
    if (!from || from === '0') {
      for (const object of matching(def, namespace, matches)) line('ADDED', withType(def, object));
    } else {
      for (const event of events) {
        if (
          event.rv <= Number(from) ||
          event.def !== def ||
          (namespace && event.object.metadata.namespace !== namespace) ||
          !matches(event.object)
        )
          continue;
        line(event.type, withType(def, event.object));
      }
    }
    const watcher: Watcher = { def, ...(namespace ? { namespace } : {}), matches, res };
    watchers.add(watcher);
    const timeout = Number(query.get('timeoutSeconds') ?? 1800);
    const timer = setTimeout(() => {
      if (query.get('allowWatchBookmarks') === 'true')
        line('BOOKMARK', { kind: def.kind, apiVersion: groupVersion(def), metadata: { resourceVersion: String(rv) } });
      res.end();
    }, timeout * 1000);
    timer.unref();
    req.on('close', () => {
      clearTimeout(timer);
      watchers.delete(watcher);
    });
  }

  function getOne(res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string): void {
    const entry = objects.get(keyOf(def, namespace, name));
    if (entry) send(res, 200, withType(def, entry.object));
    else
      send(
        res,
        404,
        status(404, 'NotFound', `${qualified(def)} "${name}" not found`, {
          name,
          ...(def.group ? { group: def.group } : {}),
          kind: def.plural,
        }),
      );
  }

  async function patch(
    req: IncomingMessage,
    res: ServerResponse,
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
  ): Promise<void> {
    const type = String(req.headers['content-type'] ?? '').split(';')[0];
    if (type !== 'application/merge-patch+json' && type !== 'application/strategic-merge-patch+json') {
      return send(
        res,
        415,
        status(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, ` +
            `application/merge-patch+json, application/apply-patch+yaml`,
        ),
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const entry = objects.get(keyOf(def, namespace, name));
    if (!entry)
      return send(res, 404, status(404, 'NotFound', `${qualified(def)} "${name}" not found`, { name, group: def.group, kind: def.plural }));
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, status(400, 'BadRequest', 'error decoding patch: invalid JSON'));
    }
    const after = mergePatch(entry.object, body) as KubeObject;
    const stored = commit(def, entry.object, {
      ...after,
      metadata: { ...after.metadata, uid: entry.object.metadata.uid, name, namespace },
    });
    for (const hook of patchHooks) hook(stored);
    send(res, 200, stored);
  }

  function takeFault(method: string, path: string): KubeFault | undefined {
    const found = faults.find(
      ({ fault, left }) =>
        left > 0 &&
        (!fault.method || fault.method === method) &&
        (!fault.path || (typeof fault.path === 'string' ? fault.path === path : fault.path.test(path))),
    );
    if (!found) return undefined;
    found.left -= 1;
    return found.fault;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const grant = authenticate(req);
    if (!grant) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const fault = takeFault(method, url.pathname);
    if (fault)
      return send(
        res,
        fault.status,
        fault.body ?? status(fault.status, fault.status >= 500 ? 'InternalError' : 'BadRequest', `injected fault ${fault.status}`),
      );
    const doc = method === 'GET' ? discovery(url.pathname) : undefined;
    if (doc) return send(res, 200, doc);
    const target = route(url.pathname);
    if (!target) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource', {}));
    const { def, namespace, name } = target;
    const watching = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const verb: Verb = method === 'PATCH' ? 'patch' : name ? 'get' : watching ? 'watch' : 'list';
    if (!allowed(grant, verb, def, namespace)) return send(res, 403, forbidden(grant, verb, def, namespace, name));
    try {
      if (method === 'PATCH' && name) return await patch(req, res, def, namespace, name);
      if (method !== 'GET')
        return send(res, 405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
      if (name) return getOne(res, def, namespace, name);
      if (watching) return watch(req, res, def, namespace, url.searchParams);
      return list(res, def, namespace, url.searchParams);
    } catch (error) {
      if (error instanceof BadRequest) return send(res, 400, status(400, 'BadRequest', error.message));
      throw error;
    }
  }

  const server = createServer({ key, cert }, (req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, status(500, 'InternalError', String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (api as { url: string }).url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
