/**
 * What drift asks Argo CD's API server (the gRPC gateway of `server/application/application.proto`):
 * the Application (`GET /api/v1/applications/{name}`: status.sync, status.resources), its managed
 * resources with target and live state (`GET /api/v1/applications/{name}/managed-resources`), and, to
 * remediate, a sync (`POST /api/v1/applications/{name}/sync`).
 */
import { TransientError, UserError } from '../../core/errors.ts';
import type { ArgoResourceState } from '../../core/drift/argocd.ts';
import type { KubeDoc } from '../../core/drift/types.ts';
import { defaultHttpClient, type HttpClient, type Response } from '../http/client.ts';
import { argoCdBaseUrl, gatewayMessage as message } from './argocd.ts';

/** One managed resource as `managed-resources` returns it: states are JSON text ("null" when absent). */
export interface ManagedResource extends ArgoResourceState {
  readonly predictedLiveState?: string;
  readonly diff?: string;
  readonly modified?: boolean;
}

/** Which application. */
export interface ApplicationRef {
  readonly name: string;
  readonly appNamespace?: string;
}

/** Options of {@link ArgoCdDriftClient}. */
export interface ArgoCdDriftOptions {
  readonly server: string;
  readonly token?: string;
  readonly timeoutMs?: number;
  /** The transport (time limits, proxies, CA); default the process-wide client. */
  readonly http?: HttpClient;
}

/** A client of the Argo CD calls drift makes. */
export class ArgoCdDriftClient {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #http: HttpClient;

  constructor(options: ArgoCdDriftOptions) {
    this.#base = argoCdBaseUrl(options.server);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#http = options.http ?? defaultHttpClient();
  }

  async #call<T>(method: 'GET' | 'POST', app: ApplicationRef, suffix: string, body?: unknown): Promise<T> {
    const url = new URL(`${this.#base}/api/v1/applications/${encodeURIComponent(app.name)}${suffix}`);
    if (app.appNamespace) url.searchParams.set('appNamespace', app.appNamespace);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      // Why: no retries here, as before the shared client: drift's remediation loop looks again and owns the deadline.
      response = await this.#http.request(url, {
        method,
        headers,
        timeoutMs: this.#timeoutMs,
        retry: false,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new TransientError(`cannot reach Argo CD at ${this.#base}: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    if (response.status === 401)
      throw new UserError(`argocd-token: Argo CD at ${this.#base} rejected the token (401: ${message(text)}).`, { input: 'argocd-token' });
    if (response.status === 403 || response.status === 404) {
      const verb = method === 'POST' ? 'sync' : 'get';
      throw new UserError(
        `application: Argo CD denied "${app.name}": it does not exist or the token's account may not ${verb} it (${response.status}: ` +
          `${message(text)}).`,
        { input: 'application' },
      );
    }
    if (!response.ok) throw new TransientError(`Argo CD at ${this.#base} answered ${response.status}: ${message(text)}`);
    return JSON.parse(text) as T;
  }

  /** The Application. */
  application(app: ApplicationRef): Promise<KubeDoc> {
    return this.#call<KubeDoc>('GET', app, '');
  }

  /** Its managed resources with target and live state. */
  async managedResources(app: ApplicationRef): Promise<ManagedResource[]> {
    return (await this.#call<{ items?: ManagedResource[] }>('GET', app, '/managed-resources')).items ?? [];
  }

  /** Asks Argo CD to sync the application to its target revision (with pruning, as its policy says). */
  async sync(app: ApplicationRef): Promise<void> {
    await this.#call('POST', app, '/sync', { name: app.name, ...(app.appNamespace ? { appNamespace: app.appNamespace } : {}) });
  }
}
