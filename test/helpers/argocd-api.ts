/**
 * An Argo CD API server for tests, modelled on Argo CD's REST API (the gRPC gateway of
 * `server/application/application.proto`, swagger at /swagger.json) for what verify and drift call:
 * `GET /api/v1/applications/{name}` with `project`, `appNamespace` and `refresh`;
 * `GET /api/v1/applications/{name}/managed-resources` (`{items: ResourceDiff[]}`, states as JSON text,
 * `"null"` when absent); `POST /api/v1/applications/{name}/sync` (ApplicationSyncRequest; answers the
 * Application with `operation` set; a sync while an operation runs is 400 FailedPrecondition "another
 * operation is already in progress").
 *
 * Semantics kept from Argo CD: bearer tokens (none → 401 "no session information", unknown → 401
 * "invalid session: token signature is invalid"); errors as the gateway writes them
 * (`{"error","code","message"}` with gRPC codes 16/7/5); without `project` a missing application answers
 * 403 "permission denied" like a forbidden one (so its existence does not leak), with `project` it
 * answers 404 `applications.argoproj.io "x" not found`; `refresh=normal|hard` sets the
 * `argocd.argoproj.io/refresh` annotation and answers once the controller has reconciled (here: the
 * scenario's refresh hook ran), with `status.reconciledAt` updated.
 */
import type { Clock } from '../../src/adapters/clusters/clock.ts';
import type { KubeObject } from '../../src/core/verify/types.ts';
import { type JsonServer, type Reply, startJsonServer } from './forge-http.ts';

/** Who a token is and which projects it may read. */
export interface ArgoAccount {
  readonly account: string;
  readonly projects: readonly string[] | 'all';
}

/** An Application as stored: a Kubernetes object with Argo CD's spec and status. */
export type ArgoApplication = KubeObject & {
  metadata: KubeObject['metadata'] & { name: string; namespace: string; annotations?: Record<string, string> };
  spec: Record<string, unknown> & { project: string };
  status: Record<string, unknown>;
  operation?: Record<string, unknown>;
};

/** Runs when a refresh is asked for; the scenario's stand-in for the application controller. */
export type RefreshHook = (app: ArgoApplication, kind: 'normal' | 'hard') => void;

/** One managed resource: target (Git) and live state as objects, null when absent. */
export interface ArgoManagedResource {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly targetState: Record<string, unknown> | null;
  readonly liveState: Record<string, unknown> | null;
}

/** Runs when a sync is asked for; the scenario's stand-in for the controller running the operation. */
export type SyncHook = (app: ArgoApplication, request: Record<string, unknown>) => void;

/** Options of {@link startArgoCdApi}. */
export interface ArgoCdApiOptions {
  readonly clock: Pick<Clock, 'now'>;
  readonly tokens?: Readonly<Record<string, ArgoAccount>>;
  /** Argo CD's own namespace; applications elsewhere need `appNamespace`. Default `argocd`. */
  readonly namespace?: string;
}

/** A running Argo CD API test server. */
export interface ArgoCdApi {
  readonly url: string;
  readonly server: JsonServer;
  /** Adds an Application (Synced and Healthy at `revision`). */
  addApplication(name: string, options: { project?: string; namespace?: string; revision: string; repoURL?: string }): ArgoApplication;
  /** Changes an Application as the controller would. */
  update(name: string, mutate: (app: ArgoApplication) => void, namespace?: string): void;
  read(name: string, namespace?: string): ArgoApplication | undefined;
  /** What happens when a refresh is asked for. */
  onRefresh(name: string, hook: RefreshHook): void;
  /** Sets the managed resources `managed-resources` answers with. */
  setManagedResources(name: string, items: readonly ArgoManagedResource[], namespace?: string): void;
  /** What happens when a sync is asked for (the operation stays set until the hook or a later step clears it). */
  onSync(name: string, hook: SyncHook): void;
  stop(): Promise<void>;
}

const DEFAULT_TOKENS: Record<string, ArgoAccount> = { 'argo-token': { account: 'ci', projects: 'all' } };

function gateway(status: number, code: number, message: string): Reply {
  return { status, body: { error: message, code, message } };
}

const PERMISSION_DENIED = gateway(403, 7, 'permission denied');

/** Starts the server on 127.0.0.1 (plain HTTP, as behind `--insecure` or a TLS-terminating proxy). */
export async function startArgoCdApi(options: ArgoCdApiOptions): Promise<ArgoCdApi> {
  const home = options.namespace ?? 'argocd';
  const tokens = options.tokens ?? DEFAULT_TOKENS;
  const apps = new Map<string, ArgoApplication>();
  const hooks = new Map<string, RefreshHook>();
  const syncHooks = new Map<string, SyncHook>();
  const managed = new Map<string, readonly ArgoManagedResource[]>();
  let version = 5000;
  const stamp = () => new Date(options.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const key = (namespace: string, name: string) => `${namespace}/${name}`;

  function touch(app: ArgoApplication): void {
    version += 1;
    app.metadata = { ...app.metadata, resourceVersion: String(version) };
  }

  function authorise(header: string | string[] | undefined): ArgoAccount | Reply {
    const token = /^Bearer (.+)$/.exec(String(header ?? ''))?.[1];
    if (!token) return gateway(401, 16, 'no session information');
    return tokens[token] ?? gateway(401, 16, 'invalid session: token signature is invalid');
  }

  function mayRead(account: ArgoAccount, project: string): boolean {
    return account.projects === 'all' || account.projects.includes(project);
  }

  function refresh(app: ArgoApplication, kind: 'normal' | 'hard'): void {
    app.metadata.annotations = { ...(app.metadata.annotations ?? {}), 'argocd.argoproj.io/refresh': kind };
    touch(app);
    hooks.get(key(app.metadata.namespace, app.metadata.name))?.(app, kind);
    const { 'argocd.argoproj.io/refresh': _done, ...rest } = app.metadata.annotations ?? {};
    app.metadata.annotations = rest;
    app.status['reconciledAt'] = stamp();
    touch(app);
  }

  function getApplication(name: string, url: URL, account: ArgoAccount): Reply {
    const namespace = url.searchParams.get('appNamespace') || home;
    const project = url.searchParams.get('project') ?? '';
    if (project && !mayRead(account, project)) return PERMISSION_DENIED;
    const app = apps.get(key(namespace, name));
    if (!app) return project ? gateway(404, 5, `applications.argoproj.io "${name}" not found`) : PERMISSION_DENIED;
    if (!mayRead(account, app.spec.project) || (project && app.spec.project !== project)) return PERMISSION_DENIED;
    const kind = url.searchParams.get('refresh');
    if (kind === 'normal' || kind === 'hard') refresh(app, kind);
    return { status: 200, body: structuredClone(app) };
  }

  function readable(name: string, url: URL, account: ArgoAccount): { app: ArgoApplication } | { denied: Reply } {
    const app = apps.get(key(url.searchParams.get('appNamespace') || home, name));
    if (!app || !mayRead(account, app.spec.project)) return { denied: PERMISSION_DENIED };
    return { app };
  }

  function managedResources(name: string, url: URL, account: ArgoAccount): Reply {
    const read = readable(name, url, account);
    if ('denied' in read) return read.denied;
    const found = read.app;
    const text = (value: Record<string, unknown> | null) => JSON.stringify(value);
    const items = (managed.get(key(found.metadata.namespace, name)) ?? []).map((r) => ({
      group: r.group,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      targetState: text(r.targetState),
      liveState: text(r.liveState),
      normalizedLiveState: text(r.liveState),
      predictedLiveState: text(r.targetState),
      modified: JSON.stringify(r.targetState) !== JSON.stringify(r.liveState),
    }));
    return { status: 200, body: { items } };
  }

  function sync(name: string, url: URL, account: ArgoAccount, body: unknown): Reply {
    const read = readable(name, url, account);
    if ('denied' in read) return read.denied;
    const found = read.app;
    if (found.operation) return gateway(400, 9, 'another operation is already in progress');
    const request = (body ?? {}) as Record<string, unknown>;
    found.operation = {
      sync: { revision: request['revision'] ?? '', prune: request['prune'] ?? false },
      initiatedBy: { username: account.account },
    };
    touch(found);
    syncHooks.get(key(found.metadata.namespace, name))?.(found, request);
    return { status: 200, body: structuredClone(found) };
  }

  const server = await startJsonServer((request, url) => {
    const auth = authorise(request.headers['authorization']);
    if ('status' in auth) return auth;
    const m = /^\/api\/v1\/applications\/([^/]+)$/.exec(request.path);
    const sub = /^\/api\/v1\/applications\/([^/]+)\/(managed-resources|sync)$/.exec(request.path);
    if (request.method === 'GET' && sub?.[2] === 'managed-resources') return managedResources(decodeURIComponent(sub[1]!), url, auth);
    if (request.method === 'POST' && sub?.[2] === 'sync') return sync(decodeURIComponent(sub[1]!), url, auth, request.body);
    if (request.method === 'GET' && m) return getApplication(decodeURIComponent(m[1]!), url, auth);
    if (request.method === 'GET' && request.path === '/api/version') return { status: 200, body: { Version: 'v2.13.3+test' } };
    return { status: 404, body: '404 page not found\n', headers: { 'content-type': 'text/plain; charset=utf-8' } };
  });

  return {
    url: server.origin,
    server,
    addApplication(name, opts) {
      const namespace = opts.namespace ?? home;
      const app: ArgoApplication = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name, namespace, uid: `uid-${name}`, creationTimestamp: stamp() },
        spec: {
          project: opts.project ?? 'default',
          source: { repoURL: opts.repoURL ?? 'https://git.example.com/acme/env.git', path: `envs/${name}`, targetRevision: 'main' },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'prod' },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
        status: {
          sync: {
            status: 'Synced',
            revision: opts.revision,
            comparedTo: { source: { repoURL: opts.repoURL ?? 'https://git.example.com/acme/env.git' } },
          },
          health: { status: 'Healthy' },
          operationState: {
            phase: 'Succeeded',
            message: 'successfully synced (all tasks run)',
            startedAt: stamp(),
            finishedAt: stamp(),
            operation: { sync: { revision: opts.revision } },
            syncResult: { revision: opts.revision, resources: [] },
          },
          resources: [
            { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'prod', name, status: 'Synced', health: { status: 'Healthy' } },
          ],
          reconciledAt: stamp(),
          summary: { images: [] },
        },
      };
      touch(app);
      apps.set(key(namespace, name), app);
      return app;
    },
    update(name, mutate, namespace = home) {
      const app = apps.get(key(namespace, name));
      if (!app) throw new Error(`argocd test server: no application ${namespace}/${name}`);
      mutate(app);
      touch(app);
    },
    read: (name, namespace = home) => apps.get(key(namespace, name)),
    onRefresh: (name, hook) => void hooks.set(key(home, name), hook),
    setManagedResources: (name, items, namespace = home) => void managed.set(key(namespace, name), items),
    onSync: (name, hook) => void syncHooks.set(key(home, name), hook),
    stop: () => server.stop(),
  };
}
