/**
 * The Kubernetes API as verify uses it: GET, LIST, a merge PATCH and WATCH, through
 * @kubernetes/client-node's request machinery (the kubeconfig's auth, TLS, proxies and exec plugins are
 * applied by `KubeConfig.applySecurityAuthentication`, requests go through its fetch library, watches
 * through its `Watch`). Bodies stay the API's JSON: the typed models would turn timestamps into Dates
 * and drop fields the client's generated models do not know (new status fields, custom resources).
 */
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, Watch } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';
import { apiFailure, type CallSite, isNotFound, transportFailure } from './kube-errors.ts';
import type { LoadedKubeConfig } from './kube-config.ts';

/** A JSON answer and the API server's clock when it answered. */
export interface KubeResponse<T> {
  readonly body: T;
  /** The `Date` header (ms since the epoch): the cluster's now, for grace periods. */
  readonly date?: number;
}

/** Query parameters of a call. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** One event of a watch. */
export interface WatchEvent {
  readonly type: string;
  readonly object: Record<string, unknown>;
}

/** Options of {@link KubeApi}. */
export interface KubeApiOptions {
  /** Time limit of one request; default 30 s. */
  readonly timeoutMs?: number;
}

/** The Kubernetes API of one kubeconfig context. */
export class KubeApi {
  readonly #loaded: LoadedKubeConfig;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly #timeoutMs: number;
  #dispatcher?: ReturnType<RequestContext['getDispatcher']>;

  constructor(loaded: LoadedKubeConfig, options: KubeApiOptions = {}) {
    this.#loaded = loaded;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The context's default namespace. */
  get namespace(): string {
    return this.#loaded.namespace;
  }

  /** The context's name. */
  get context(): string {
    return this.#loaded.context;
  }

  #site(path: string): CallSite {
    return { server: this.#loaded.server, context: this.#loaded.context, path };
  }

  #url(path: string, query: Query = {}): string {
    const url = new URL(this.#loaded.server.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  async #authorise(context: RequestContext): Promise<void> {
    try {
      await this.#loaded.config.applySecurityAuthentication(context);
      // Why: client-node builds a new undici Agent for every request, so each one pays a TLS handshake
      // and a new secure context; keeping the first lets requests share kept-alive connections (drift's
      // hundreds of LISTs went from one handshake each to a few).
      const made = context.getDispatcher();
      if (made) {
        this.#dispatcher ??= made;
        if (made !== this.#dispatcher) {
          context.setDispatcher(this.#dispatcher);
          void made.close().catch(() => undefined);
        }
      }
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new UserError(`kubeconfig: cannot get credentials for context "${this.#loaded.context}": ${detail}`, {
        input: 'kubeconfig',
        cause: error,
      });
    }
  }

  async #send<T>(method: HttpMethod, path: string, query?: Query, body?: { text: string; type: string }): Promise<KubeResponse<T>> {
    const context = new RequestContext(this.#url(path, query), method);
    context.setHeaderParam('Accept', 'application/json');
    if (body) {
      context.setHeaderParam('Content-Type', body.type);
      context.setBody(body.text);
    }
    context.setSignal(AbortSignal.timeout(this.#timeoutMs));
    await this.#authorise(context);
    let status: number;
    let text: string;
    let headers: Record<string, string>;
    try {
      const response = await this.#http.send(context).toPromise();
      status = response.httpStatusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (error) {
      throw transportFailure(error, this.#site(path));
    }
    if (status < 200 || status > 299) throw apiFailure(status, text, this.#site(path));
    const date = headers['date'] ? Date.parse(headers['date']) : Number.NaN;
    return { body: JSON.parse(text) as T, ...(Number.isNaN(date) ? {} : { date }) };
  }

  /** GET `path`. */
  get<T>(path: string, query?: Query): Promise<KubeResponse<T>> {
    return this.#send<T>(HttpMethod.GET, path, query);
  }

  /** GET `path`, with `undefined` as the body when the object does not exist. */
  async getOptional<T>(path: string, query?: Query): Promise<KubeResponse<T | undefined>> {
    try {
      return await this.get<T>(path, query);
    } catch (error) {
      if (isNotFound(error)) return { body: undefined };
      throw error;
    }
  }

  /** PATCH `path` with a JSON merge patch (RFC 7386). */
  async mergePatch<T>(path: string, patch: unknown): Promise<T> {
    const response = await this.#send<T>(HttpMethod.PATCH, path, undefined, {
      text: JSON.stringify(patch),
      type: 'application/merge-patch+json',
    });
    return response.body;
  }

  /**
   * WATCH `path` from `resourceVersion`: `onEvent` gets each event, `onEnd` the end (an error or null).
   * Returns the controller that stops it.
   */
  watch(path: string, query: Query, onEvent: (event: WatchEvent) => void, onEnd: (error: unknown) => void): Promise<AbortController> {
    return new Watch(this.#loaded.config).watch(path, { ...query }, (type, object) => onEvent({ type, object }), onEnd);
  }
}
