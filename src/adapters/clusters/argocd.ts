/**
 * The `argocd` provider: an Application read through Argo CD's REST API
 * (`GET /api/v1/applications/{name}`, bearer token, optional `project` and `appNamespace`), judged by
 * core/verify/argocd.ts. When Argo CD has not seen the expected commit yet, the probe asks once for
 * `refresh=normal`, which makes the API server re-read Git and answer after the refresh.
 */
import { TransientError, UserError } from '../../core/errors.ts';
import { defaultHttpClient, type HttpClient } from '../http/client.ts';
import { type ApplicationRules, assessApplication } from '../../core/verify/argocd.ts';
import type { KubeObject } from '../../core/verify/types.ts';
import type { Observation, Probe } from './probe.ts';

/** How to reach Argo CD. */
export interface ArgoCdOptions {
  /** `https://argocd.example.com` (a bare host means https). */
  readonly server: string;
  readonly token?: string;
  /** Time limit of one request; default 30 s (a refresh waits for Argo CD to re-read Git). */
  readonly timeoutMs?: number;
  /** The transport; default the process-wide client (proxies of the environment). */
  readonly http?: HttpClient;
}

/** Which application to read. */
export interface ApplicationQuery {
  readonly name: string;
  /** The namespace of an app outside Argo CD's own namespace ("apps in any namespace"). */
  readonly appNamespace?: string;
  readonly project?: string;
  readonly refresh?: 'normal' | 'hard';
}

/** An error body of Argo CD's gRPC gateway. */
interface GatewayError {
  readonly error?: string;
  readonly message?: string;
  readonly code?: number;
}

/** `argocd.example.com` → `https://argocd.example.com`, without a trailing slash. */
export function argoCdBaseUrl(server: string): string {
  const trimmed = server.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

/** The message of an Argo CD API error body (the gRPC gateway's JSON, else the text without markup), at most 200 characters. */
export function gatewayMessage(text: string): string {
  try {
    const body = JSON.parse(text) as GatewayError;
    return body.message || body.error || text.slice(0, 200);
  } catch {
    return text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
  }
}

/** A small client of Argo CD's API server. */
export class ArgoCdClient {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #http: HttpClient;

  constructor(options: ArgoCdOptions) {
    this.#base = argoCdBaseUrl(options.server);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#http = options.http ?? defaultHttpClient();
  }

  #failure(status: number, text: string, query: ApplicationQuery): Error {
    const message = gatewayMessage(text);
    if (status === 401) {
      return new UserError(
        `argocd-token: Argo CD at ${this.#base} rejected the token (401: ${message}); give an API token of an account that may get ` +
          `applications.`,
        {
          input: 'argocd-token',
        },
      );
    }
    if (status === 403) {
      const hint = query.project ? `in project ${query.project}` : '(give project to tell "missing" from "not allowed")';
      return new UserError(
        `application: Argo CD denied access to "${query.name}" ${hint}: it does not exist or the token's account may not get it ` +
          `(403: ${message}).`,
        {
          input: 'application',
        },
      );
    }
    if (status === 404)
      return new UserError(
        `application: "${query.name}" not found${query.project ? ` in project ${query.project}` : ''} (404: ${message}).`,
        { input: 'application' },
      );
    return new TransientError(`Argo CD at ${this.#base} answered ${status}: ${message}`);
  }

  /** GET one application (after a refresh when asked). */
  async getApplication(query: ApplicationQuery): Promise<KubeObject> {
    const url = new URL(`${this.#base}/api/v1/applications/${encodeURIComponent(query.name)}`);
    if (query.appNamespace) url.searchParams.set('appNamespace', query.appNamespace);
    if (query.project) url.searchParams.set('project', query.project);
    if (query.refresh) url.searchParams.set('refresh', query.refresh);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
    };
    let response: Awaited<ReturnType<HttpClient['request']>>;
    try {
      // Why: no retries here; verify's runner polls again and owns the deadline.
      response = await this.#http.request(url, { headers, timeoutMs: this.#timeoutMs, retry: false });
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new TransientError(`cannot reach Argo CD at ${this.#base}: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw this.#failure(response.status, text, query);
    return JSON.parse(text) as KubeObject;
  }
}

/** One Argo CD Application. */
export class ApplicationProbe implements Probe {
  readonly label: string;
  readonly #client: ArgoCdClient;
  readonly #query: ApplicationQuery;
  readonly #rules: ApplicationRules;
  #refreshed = false;

  constructor(client: ArgoCdClient, query: ApplicationQuery, rules: ApplicationRules) {
    this.#client = client;
    this.#query = query;
    this.#rules = rules;
    this.label = `application/${query.appNamespace ? `${query.appNamespace}/` : ''}${query.name}`;
  }

  async observe(): Promise<Observation[]> {
    let assessment = assessApplication(await this.#client.getApplication(this.#query), this.#rules);
    if (assessment.reason === 'waiting-for-revision' && !this.#refreshed) {
      // Why: Argo CD polls Git every 3 minutes by default; one refresh makes it see the commit now.
      this.#refreshed = true;
      assessment = assessApplication(await this.#client.getApplication({ ...this.#query, refresh: 'normal' }), this.#rules);
    }
    return [{ target: this.label, ...assessment }];
  }
}
