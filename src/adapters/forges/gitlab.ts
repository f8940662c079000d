import { TransientError, UserError } from '../../core/errors.ts';
import { type RepoLocation, parseRepoUrl } from './repo-url.ts';
import {
  DEFAULT_FORGE_RETRY,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_TIMEOUT_MS,
  type ForgeRetryOptions,
  type RetryVerdict,
  describeWait,
  isRetryableStatus,
  redact,
  retryForge,
  serverWaitMs,
  shorten,
} from './http.ts';
import {
  type ChangeProposal,
  type ChangeRequest,
  type CommitState,
  type CommitStatus,
  type CommitStatusResult,
  type Forge,
  statusDescription,
} from './types.ts';

/**
 * How the token authenticates: `private` sends `PRIVATE-TOKEN` (personal, project or group access
 * tokens), `job` sends `JOB-TOKEN` (`CI_JOB_TOKEN`), `oauth` sends `Authorization: Bearer`.
 */
export type GitLabTokenType = 'private' | 'job' | 'oauth';

/** How to reach one GitLab project. */
export interface GitLabForgeOptions {
  /** The env repo's clone URL (https or ssh), e.g. `https://gitlab.example.com/group/sub/env.git`. */
  readonly repoUrl: string;
  /** Access token with the `api` scope and at least the Developer role on the project. */
  readonly token: string;
  /** REST v4 base, e.g. `https://gitlab.example.com/api/v4`; else `CI_API_V4_URL`, else `<origin>/api/v4`. */
  readonly apiUrl?: string;
  /** Default: `job` when `token` is the environment's `CI_JOB_TOKEN`, else `private`. */
  readonly tokenType?: GitLabTokenType;
  /** Environment to read `CI_API_V4_URL` and `CI_JOB_TOKEN` from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Retry, wait and timeout limits; defaults suit CI. */
  readonly retry?: ForgeRetryOptions;
  /** The fetch to use; default the global one. */
  readonly fetch?: typeof fetch;
}

/** The fields of a merge request Baton reads. */
interface MergeRequest {
  readonly iid: number;
  readonly web_url: string;
  readonly title: string;
  readonly description?: string | null;
  readonly labels: readonly string[];
  readonly state: string;
  readonly source_branch: string;
  readonly target_branch: string;
  readonly project_id?: number;
  readonly source_project_id?: number;
  readonly merge_when_pipeline_succeeds?: boolean;
}

/** What Baton was doing when a call failed, for messages. */
interface Action {
  readonly doing: string;
  /** The API, for the job-token message; default the merge requests API. */
  readonly api?: string;
}

/** GitLab's commit status states for Baton's (GitLab has no `error`: a status that could not finish failed). */
const GITLAB_STATE: Readonly<Record<CommitState, string>> = { pending: 'pending', success: 'success', failure: 'failed', error: 'failed' };

/** A non-2xx answer from the GitLab API. */
class GitLabResponseError extends Error {
  override name = 'GitLabResponseError';
  readonly status: number;
  readonly headers: Headers;
  readonly data: unknown;
  constructor(status: number, headers: Headers, data: unknown) {
    super(`${status} ${gitlabMessage(data)}`);
    this.status = status;
    this.headers = headers;
    this.data = data;
  }
}

/** Further tries of the merge call while GitLab has not yet attached the new pipeline (405). */
const AUTO_MERGE_EXTRA_TRIES = 2;

/** The REST v4 base: the explicit option, else `CI_API_V4_URL`, else `<repo origin>/api/v4`. */
export function gitlabApiUrl(
  repo: RepoLocation,
  apiUrl?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const chosen = apiUrl?.trim() || env.CI_API_V4_URL?.trim();
  if (!chosen) return `${repo.origin}/api/v4`;
  try {
    const parsed = new URL(chosen);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(parsed.protocol);
  } catch {
    throw new UserError(`api-url: ${chosen} is not an http(s) URL of the GitLab API`, { input: 'api-url' });
  }
  return chosen.replace(/\/+$/, '');
}

/**
 * The project's full path (`group/sub/project`). On an instance under a relative URL root
 * (`https://host/gitlab/api/v4`) the root is removed from the repo path.
 */
export function gitlabProjectPath(repo: RepoLocation, apiUrl: string): string {
  const api = new URL(apiUrl);
  const root = api.pathname.replace(/\/api\/v4\/?$/, '').replace(/^\/+|\/+$/g, '');
  const path = root && api.hostname === repo.hostname && repo.path.startsWith(`${root}/`)
    ? repo.path.slice(root.length + 1)
    : repo.path;
  if (!path.includes('/')) {
    throw new UserError(`repo: ${repo.origin}/${repo.path} is not a GitLab project URL; expected <host>/<group>/<project>`, {
      input: 'repo',
    });
  }
  return path;
}

/** The URL of the next page from `Link: <…>; rel="next"` (same origin only) or `x-next-page`. */
export function nextPageUrl(current: URL, headers: Headers): URL | undefined {
  const next = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(headers.get('link') ?? '')?.[1];
  if (next) {
    const url = new URL(next, current);
    if (url.origin === current.origin) return url;
  }
  const page = headers.get('x-next-page')?.trim();
  if (!page) return undefined;
  const url = new URL(current);
  url.searchParams.set('page', page);
  return url;
}

/**
 * {@link Forge} on the GitLab REST API v4 with Node's fetch. It has no `setDeploymentStatus`: GitLab's
 * environments and deployments are made by the pipeline jobs that declare `environment:`, so verify's
 * verdict is mirrored there as a commit status only (see {@link Forge.setDeploymentStatus}).
 */
export class GitLabForge implements Forge {
  readonly kind = 'gitlab' as const;
  /** Full project path, e.g. `group/sub/project`. */
  readonly projectPath: string;
  /** REST v4 base URL in use. */
  readonly apiUrl: string;
  /** How the token is sent. */
  readonly tokenType: GitLabTokenType;
  readonly #token: string;
  readonly #retry: ForgeRetryOptions;
  readonly #fetch: typeof fetch;

  /** Parses the repo URL and prepares the client; makes no request. */
  constructor(options: GitLabForgeOptions) {
    const env = options.env ?? process.env;
    const repo = parseRepoUrl(options.repoUrl);
    if (!options.token?.trim()) {
      throw new UserError('token: no GitLab token given; set `token` to an access token with the `api` scope', {
        input: 'token',
      });
    }
    this.apiUrl = gitlabApiUrl(repo, options.apiUrl, env);
    this.projectPath = gitlabProjectPath(repo, this.apiUrl);
    this.#token = options.token.trim();
    this.tokenType = options.tokenType ?? (env.CI_JOB_TOKEN && env.CI_JOB_TOKEN === this.#token ? 'job' : 'private');
    this.#retry = options.retry ?? {};
    this.#fetch = options.fetch ?? fetch;
  }

  /** Opens a merge request from `head` to `base`, or updates the open one; adds labels and auto-merge. */
  async propose(proposal: ChangeProposal): Promise<ChangeRequest> {
    const found = await this.#findOpen(proposal.head, proposal.base);
    const mr = found ? await this.#update(found, proposal) : await this.#createOrAdopt(proposal);
    const merge = proposal.autoMerge
      ? await this.#enableAutoMerge(mr.request, proposal)
      : { on: mr.request.merge_when_pipeline_succeeds === true, warnings: [] };
    return {
      number: mr.request.iid,
      url: mr.request.web_url,
      created: mr.created,
      autoMerge: merge.on,
      warnings: merge.warnings,
    };
  }

  /** Creates a commit status (`POST /projects/:id/statuses/:sha`, named by `name`, filed under `ref`). */
  async setCommitStatus(status: CommitStatus): Promise<CommitStatusResult> {
    const action = { doing: `set commit status ${status.context} on ${status.sha.slice(0, 12)}`, api: 'the commit status API' };
    const body = {
      state: GITLAB_STATE[status.state],
      name: status.context,
      description: statusDescription(status.description),
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      ...(status.ref ? { ref: status.ref } : {}),
    };
    try {
      const { data } = await this.#request<{ id: number }>('POST', this.#url(`${this.#project}/statuses/${status.sha}`), body);
      return { id: data.id };
    } catch (error) {
      // Why: a 404 here is either the project (the token's fault) or the commit (not pushed there).
      if (error instanceof GitLabResponseError && error.status === 404 && /commit/i.test(gitlabMessage(error.data))) {
        throw new Error(`GitLab project ${this.projectPath} has no commit ${status.sha} (${error.status} ${gitlabMessage(error.data)})`);
      }
      throw this.#failure(error, action);
    }
  }

  get #project(): string {
    return `/projects/${encodeURIComponent(this.projectPath)}`;
  }

  async #findOpen(head: string, base: string): Promise<MergeRequest | undefined> {
    const url = this.#url(`${this.#project}/merge_requests`, {
      state: 'opened',
      source_branch: head,
      target_branch: base,
      per_page: '100',
    });
    const all = await this.#listAll<MergeRequest>(url, { doing: 'list open merge requests' });
    return all.find((mr) => isOurs(mr, head, base));
  }

  async #listAll<T>(first: URL, action: Action): Promise<T[]> {
    const items: T[] = [];
    let url: URL | undefined = first;
    for (let page = 0; url && page < 1000; page++) {
      const current: URL = url;
      const { data, headers } = await this.#call(action, () => this.#request<T[]>('GET', current));
      items.push(...data);
      url = nextPageUrl(current, headers);
    }
    return items;
  }

  async #createOrAdopt(proposal: ChangeProposal): Promise<{ request: MergeRequest; created: boolean }> {
    const body = {
      source_branch: proposal.head,
      target_branch: proposal.base,
      title: proposal.title,
      description: proposal.body,
      ...(proposal.labels.length > 0 ? { labels: proposal.labels.join(',') } : {}),
      remove_source_branch: true,
    };
    const action = { doing: 'create a merge request' };
    try {
      const { data } = await this.#request<MergeRequest>('POST', this.#url(`${this.#project}/merge_requests`), body);
      return { request: data, created: true };
    } catch (error) {
      if (!(error instanceof GitLabResponseError) || error.status !== 409) throw this.#failure(error, action);
      // Another job opened it between our lookup and our create: adopt that one.
      const other = await this.#adopt(error, proposal);
      if (!other) throw this.#failure(error, action);
      return this.#update(other, proposal);
    }
  }

  /** The open merge request a 409 names (`…already exists for this source branch: !12`), else a fresh lookup. */
  async #adopt(conflict: GitLabResponseError, proposal: ChangeProposal): Promise<MergeRequest | undefined> {
    const iid = /!(\d+)/.exec(gitlabMessage(conflict.data))?.[1];
    if (iid) {
      const url = this.#url(`${this.#project}/merge_requests/${iid}`);
      const { data } = await this.#call({ doing: `read merge request !${iid}` }, () =>
        this.#request<MergeRequest>('GET', url),
      );
      if (isOurs(data, proposal.head, proposal.base)) return data;
    }
    return this.#findOpen(proposal.head, proposal.base);
  }

  async #update(mr: MergeRequest, proposal: ChangeProposal): Promise<{ request: MergeRequest; created: boolean }> {
    const present = new Set(mr.labels.map((label) => label.toLowerCase()));
    const missing = proposal.labels.filter((label) => !present.has(label.toLowerCase()));
    const sameText = mr.title === proposal.title && (mr.description ?? '') === proposal.body;
    if (sameText && missing.length === 0) return { request: mr, created: false };
    const body = {
      title: proposal.title,
      description: proposal.body,
      ...(missing.length > 0 ? { add_labels: missing.join(',') } : {}),
    };
    const url = this.#url(`${this.#project}/merge_requests/${mr.iid}`);
    const { data } = await this.#call({ doing: `update merge request !${mr.iid}` }, () =>
      this.#request<MergeRequest>('PUT', url, body),
    );
    return { request: data, created: false };
  }

  async #enableAutoMerge(
    mr: MergeRequest,
    proposal: ChangeProposal,
  ): Promise<{ on: boolean; warnings: string[] }> {
    if (mr.merge_when_pipeline_succeeds === true || mr.state === 'merged') return { on: true, warnings: [] };
    const url = this.#url(`${this.#project}/merge_requests/${mr.iid}/merge`);
    const body = {
      merge_when_pipeline_succeeds: true,
      auto_merge: true,
      should_remove_source_branch: true,
      ...(proposal.mergeMethod === 'squash' ? { squash: true } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#request<MergeRequest>('PUT', url, body);
        return { on: true, warnings: [] };
      } catch (error) {
        const pipelinePending = error instanceof GitLabResponseError && error.status === 405;
        if (pipelinePending && attempt < AUTO_MERGE_EXTRA_TRIES) {
          await this.#pause(attempt + 1);
          continue;
        }
        return { on: false, warnings: [this.#autoMergeWarning(mr, error)] };
      }
    }
  }

  async #pause(attempt: number): Promise<void> {
    const { baseDelayMs } = { ...DEFAULT_FORGE_RETRY, ...this.#retry };
    const wait = this.#retry.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    await wait(baseDelayMs * 2 ** attempt);
  }

  #autoMergeWarning(mr: MergeRequest, error: unknown): string {
    const prefix = `auto-merge was not set on merge request !${mr.iid}`;
    if (!(error instanceof GitLabResponseError)) return redact(`${prefix}: ${describeCause(error)}`, this.#token);
    const text = `${error.status} ${gitlabMessage(error.data)}`;
    const why: Record<number, string> = {
      401: `the token's user may not merge into ${mr.target_branch}`,
      405: 'GitLab does not allow it yet: the merge request has no running pipeline, is a draft, or is blocked by merge checks',
      406: 'the branch cannot be merged (conflicts)',
      409: 'the source branch moved while it was being set',
      422: 'the branch cannot be merged (conflicts or failed merge checks)',
    };
    const reason = why[error.status] ?? 'GitLab refused it';
    return redact(`${prefix} (${text}): ${reason}; it stays open for review`, this.#token);
  }

  #url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  async #call<T>(action: Action, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.#failure(error, action);
    }
  }

  /** One API call with retries; throws {@link GitLabResponseError} for a non-2xx answer. */
  #request<T>(method: string, url: URL, body?: unknown): Promise<{ data: T; headers: Headers }> {
    return retryForge(
      this.#retry,
      async () => {
        const response = await this.#fetch(url, {
          method,
          headers: this.#headers(body !== undefined),
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.#retry.timeoutMs ?? DEFAULT_TIMEOUT_MS),
          // Never follow a redirect: fetch would forward PRIVATE-TOKEN / JOB-TOKEN to the new host.
          redirect: 'manual',
        });
        const data = await readBody(response);
        if (!response.ok) throw new GitLabResponseError(response.status, response.headers, data);
        return { data: data as T, headers: response.headers };
      },
      (error) => judgeGitLab(error, this.#retry),
    );
  }

  #headers(withBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'baton' };
    if (withBody) headers['content-type'] = 'application/json';
    if (this.tokenType === 'job') headers['job-token'] = this.#token;
    else if (this.tokenType === 'oauth') headers.authorization = `Bearer ${this.#token}`;
    else headers['private-token'] = this.#token;
    return headers;
  }

  #failure(error: unknown, action: Action): Error {
    const safe = (message: string) => redact(message, this.#token);
    const where = `${action.doing} in ${this.projectPath}`;
    if (!(error instanceof GitLabResponseError)) {
      return new TransientError(safe(`Could not reach the GitLab API at ${this.apiUrl} to ${where}: ${describeCause(error)}`));
    }
    const text = `${error.status} ${gitlabMessage(error.data)}`;
    if (this.tokenType === 'job' && (error.status === 401 || error.status === 404)) {
      return new UserError(
        safe(
          `token: GitLab does not accept CI_JOB_TOKEN for ${action.api ?? 'the merge requests API'} (${text} when trying to ${where}); pass a project or group access token with the \`api\` scope and at least the Developer role as \`token\``,
        ),
        { input: 'token' },
      );
    }
    if (error.status === 401) {
      return new UserError(
        safe(`token: GitLab rejected the token (${text}) when trying to ${where}; set \`token\` to a valid, unexpired access token for ${this.apiUrl}`),
        { input: 'token' },
      );
    }
    if (error.status === 403) return this.#forbidden(error, where, text);
    if (error.status >= 300 && error.status < 400) return this.#redirected(error, where);
    if (error.status === 404) {
      return new UserError(
        safe(
          `repo: GitLab project ${this.projectPath} was not found at ${this.apiUrl}, or the token cannot see it (${text} when trying to ${action.doing}); check \`repo\` and that \`token\` has access to it`,
        ),
        { input: 'repo' },
      );
    }
    return this.#otherFailure(error, where, text);
  }

  #forbidden(error: GitLabResponseError, where: string, text: string): UserError {
    const data = error.data as { error?: unknown; scope?: unknown } | undefined;
    const message =
      data?.error === 'insufficient_scope'
        ? `token: the token lacks the \`${typeof data.scope === 'string' ? data.scope : 'api'}\` scope (${text} when trying to ${where}); use an access token with the \`api\` scope`
        : `token: the token's user may not ${where} (${text}); it needs at least the Developer role on the project and an access token with the \`api\` scope`;
    return new UserError(redact(message, this.#token), { input: 'token' });
  }

  #redirected(error: GitLabResponseError, where: string): UserError {
    const location = error.headers.get('location') ?? 'elsewhere';
    const message = `api-url: the GitLab API at ${this.apiUrl} redirects to ${location} (${error.status} when trying to ${where}); set \`api-url\` to the API's real address`;
    return new UserError(redact(message, this.#token), { input: 'api-url' });
  }

  #otherFailure(error: GitLabResponseError, where: string, text: string): Error {
    const safe = (message: string) => redact(message, this.#token);
    if (!isRetryableStatus(error.status)) return new Error(safe(`GitLab refused to ${where} (${text})`));
    const wait = serverWaitMs(error.headers, (this.#retry.now ?? Date.now)());
    const when = wait === undefined ? 'in a few minutes' : `in ${describeWait(wait)}`;
    if (error.status === 429) {
      return new TransientError(safe(`GitLab rate limit hit when trying to ${where} (${text}); try again ${when}`));
    }
    const attempts = this.#retry.attempts ?? DEFAULT_FORGE_RETRY.attempts;
    return new TransientError(
      safe(`GitLab API answered ${text} when trying to ${where}; gave up (up to ${attempts} attempts); try again ${when}`),
    );
  }
}

/** Whether a failed GitLab request may be tried again, and after how long. */
export function judgeGitLab(error: unknown, retry: ForgeRetryOptions = {}): RetryVerdict {
  if (!(error instanceof GitLabResponseError)) return { retry: isNetworkError(error) };
  if (!isRetryableStatus(error.status)) return { retry: false };
  const wait = serverWaitMs(error.headers, (retry.now ?? Date.now)());
  if (wait !== undefined && wait > (retry.maxWaitMs ?? DEFAULT_MAX_WAIT_MS)) return { retry: false };
  return { retry: true, ...(wait === undefined ? {} : { waitMs: wait }) };
}

function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return error instanceof TypeError || name === 'TimeoutError' || name === 'AbortError';
}

function isOurs(mr: MergeRequest, head: string, base: string): boolean {
  const sameProject = mr.project_id === undefined || mr.source_project_id === undefined || mr.project_id === mr.source_project_id;
  return mr.state === 'opened' && mr.source_branch === head && mr.target_branch === base && sameProject;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** GitLab's error text from any of its body shapes: `{message}`, `{message: [..]}`, `{message: {field: [..]}}`, `{error}`. */
function gitlabMessage(data: unknown): string {
  if (typeof data === 'string') return shorten(data);
  if (typeof data !== 'object' || data === null) return '';
  const { message, error, error_description: description } = data as Record<string, unknown>;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'object' && message !== null) {
    return Object.entries(message)
      .map(([field, problems]) => `${field} ${Array.isArray(problems) ? problems.join(', ') : String(problems)}`)
      .join('; ');
  }
  if (typeof description === 'string') return description;
  return typeof error === 'string' ? error : '';
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
}
