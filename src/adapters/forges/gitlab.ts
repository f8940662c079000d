/**
 * The GitLab forge's operations: merge requests, labels, auto-merge and commit statuses on the REST API
 * v4, through the shared HTTP client. Errors are worded by gitlab-errors.ts.
 */
import { UserError } from '../../core/errors.ts';
import { createHttpClient, type HttpClient, type Response } from '../http/client.ts';
import { type GitLabTokenType, gitlabApiUrl, gitlabProjectPath, nextPageUrl } from './gitlab-api.ts';
import { type Action, GitLabErrors, GitLabResponseError, gitlabMessage, judgeGitLab } from './gitlab-errors.ts';
import { DEFAULT_FORGE_RETRY, DEFAULT_TIMEOUT_MS, type ForgeRetryOptions, type HeaderLookup, retryForge } from './http.ts';
import { parseRepoUrl } from './repo-url.ts';
import {
  type ChangeProposal,
  type ChangeRequest,
  type CommitState,
  type CommitStatus,
  type CommitStatusResult,
  type Forge,
  statusDescription,
} from './types.ts';

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
  /** The transport (time limits, proxies, CA); default one with the proxies of `env`. */
  readonly http?: HttpClient;
}

export { type GitLabTokenType, gitlabApiUrl, gitlabProjectPath, nextPageUrl } from './gitlab-api.ts';
export { judgeGitLab } from './gitlab-errors.ts';

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

/** GitLab's commit status states for Baton's (GitLab has no `error`: a status that could not finish failed). */
const GITLAB_STATE: Readonly<Record<CommitState, string>> = { pending: 'pending', success: 'success', failure: 'failed', error: 'failed' };

/** Further tries of the merge call while GitLab has not yet attached the new pipeline (405). */
const AUTO_MERGE_EXTRA_TRIES = 2;

/**
 * {@link Forge} on the GitLab REST API v4 with the shared HTTP client. It has no `setDeploymentStatus`: GitLab's
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
  readonly #http: HttpClient;
  readonly #errors: GitLabErrors;

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
    this.#errors = new GitLabErrors({
      projectPath: this.projectPath,
      apiUrl: this.apiUrl,
      tokenType: this.tokenType,
      token: this.#token,
      retry: this.#retry,
    });
    // Why: the retries are this forge's own (they read GitLab's rate-limit headers), so the transport adds none.
    this.#http = options.http ?? createHttpClient({ env, retry: false, secrets: [this.#token] });
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
      throw this.#errors.failure(error, action);
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
      if (!(error instanceof GitLabResponseError) || error.status !== 409) throw this.#errors.failure(error, action);
      // Another job opened it between our lookup and our create: adopt that one.
      const other = await this.#adopt(error, proposal);
      if (!other) throw this.#errors.failure(error, action);
      return this.#update(other, proposal);
    }
  }

  /** The open merge request a 409 names (`…already exists for this source branch: !12`), else a fresh lookup. */
  async #adopt(conflict: GitLabResponseError, proposal: ChangeProposal): Promise<MergeRequest | undefined> {
    const iid = /!(\d+)/.exec(gitlabMessage(conflict.data))?.[1];
    if (iid) {
      const url = this.#url(`${this.#project}/merge_requests/${iid}`);
      const { data } = await this.#call({ doing: `read merge request !${iid}` }, () => this.#request<MergeRequest>('GET', url));
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
    const { data } = await this.#call({ doing: `update merge request !${mr.iid}` }, () => this.#request<MergeRequest>('PUT', url, body));
    return { request: data, created: false };
  }

  async #enableAutoMerge(mr: MergeRequest, proposal: ChangeProposal): Promise<{ on: boolean; warnings: string[] }> {
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
        return { on: false, warnings: [this.#errors.autoMergeWarning(mr, error)] };
      }
    }
  }

  async #pause(attempt: number): Promise<void> {
    const { baseDelayMs } = { ...DEFAULT_FORGE_RETRY, ...this.#retry };
    const wait = this.#retry.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    await wait(baseDelayMs * 2 ** attempt);
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
      throw this.#errors.failure(error, action);
    }
  }

  /** One API call with retries; throws {@link GitLabResponseError} for a non-2xx answer. */
  #request<T>(method: string, url: URL, body?: unknown): Promise<{ data: T; headers: HeaderLookup }> {
    return retryForge(
      this.#retry,
      async () => {
        const response = await this.#http.request(url, {
          method,
          headers: this.#headers(body !== undefined),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          timeoutMs: this.#retry.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          retry: false,
          // Never follow a redirect: it would forward PRIVATE-TOKEN / JOB-TOKEN to the new host.
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
    const headers: Record<string, string> = { accept: 'application/json' };
    if (withBody) headers['content-type'] = 'application/json';
    if (this.tokenType === 'job') headers['job-token'] = this.#token;
    else if (this.tokenType === 'oauth') headers.authorization = `Bearer ${this.#token}`;
    else headers['private-token'] = this.#token;
    return headers;
  }
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
