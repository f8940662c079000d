import { getOctokit } from '@actions/github';
import { TransientError, UserError } from '../../core/errors.ts';
import { type RepoLocation, parseRepoUrl } from './repo-url.ts';
import {
  DEFAULT_FORGE_RETRY,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_TIMEOUT_MS,
  type ForgeRetryOptions,
  type RetryVerdict,
  describeWait,
  headerValue,
  isRetryableStatus,
  redact,
  retryForge,
  serverWaitMs,
  shorten,
} from './http.ts';
import {
  type ChangeProposal,
  type ChangeRequest,
  type CommitStatus,
  type CommitStatusResult,
  type DeploymentStatus,
  type DeploymentStatusResult,
  type Forge,
  type MergeMethod,
  statusDescription,
} from './types.ts';

/** How to reach one GitHub repository. */
export interface GitHubForgeOptions {
  /** The env repo's clone URL (https or ssh; github.com, GitHub Enterprise Server or *.ghe.com). */
  readonly repoUrl: string;
  /** Token with `contents: write` and `pull-requests: write` (GITHUB_TOKEN, App or personal token). */
  readonly token: string;
  /** REST API base, e.g. `https://ghe.example.com/api/v3`; else `GITHUB_API_URL`, else derived from the host. */
  readonly apiUrl?: string;
  /** Environment to read `GITHUB_API_URL` from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Retry, wait and timeout limits; defaults suit CI. */
  readonly retry?: ForgeRetryOptions;
}

type Octokit = ReturnType<typeof getOctokit>;

/** The fields of a pull request Baton reads (list, create and update answers all carry them). */
interface Pull {
  readonly number: number;
  readonly html_url: string;
  readonly node_id: string;
  readonly title: string;
  readonly body?: string | null;
  readonly labels: readonly { readonly name?: string }[];
  readonly auto_merge?: unknown;
  readonly head: { readonly ref: string; readonly repo?: { readonly full_name: string } | null };
  readonly base: { readonly ref: string };
}

/** What Baton was doing when a call failed, for messages. */
interface Action {
  readonly doing: string;
  /** Permission(s) the call needs, in workflow `permissions:` syntax. */
  readonly needs: string;
  /** How to grant them, when it differs from the pull-request hint. */
  readonly grant?: string;
}

/** An error from Octokit's request layer (`RequestError`), read by shape. */
interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly response?: { readonly headers?: Record<string, string | number | undefined>; readonly data?: unknown };
}

const PERMISSION_HINT =
  'in a workflow, give the job `permissions: { contents: write, pull-requests: write }`; for a GitHub App or fine-grained token, grant those repository permissions';

/**
 * The REST API base for a repository: the explicit option, else `GITHUB_API_URL`, else
 * `https://api.github.com` for github.com, `https://api.<host>` for *.ghe.com and
 * `https://<host>/api/v3` for GitHub Enterprise Server.
 */
export function githubApiUrl(
  repo: RepoLocation,
  apiUrl?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const chosen = apiUrl?.trim() || env.GITHUB_API_URL?.trim();
  if (chosen) return checkedApiUrl(chosen);
  if (repo.hostname === 'github.com') return 'https://api.github.com';
  if (repo.hostname.endsWith('.ghe.com')) return `https://api.${repo.hostname}`;
  return `${repo.origin}/api/v3`;
}

/** Owner and name from a GitHub repository location (`owner/name`, nothing more, nothing less). */
export function githubRepoName(repo: RepoLocation): { owner: string; name: string } {
  const parts = repo.path.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new UserError(
      `repo: ${repo.origin}/${repo.path} is not a GitHub repository URL; expected <host>/<owner>/<name>`,
      { input: 'repo' },
    );
  }
  return { owner: parts[0], name: parts[1] };
}

/** {@link Forge} on the GitHub REST and GraphQL APIs through Octokit (`@actions/github`). */
export class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  /** Repository owner (user or organisation). */
  readonly owner: string;
  /** Repository name. */
  readonly name: string;
  /** REST API base URL in use. */
  readonly apiUrl: string;
  readonly #token: string;
  readonly #retry: ForgeRetryOptions;
  readonly #octokit: Octokit;

  /** Parses the repo URL and prepares the client; makes no request. */
  constructor(options: GitHubForgeOptions) {
    const repo = parseRepoUrl(options.repoUrl);
    const { owner, name } = githubRepoName(repo);
    if (!options.token?.trim()) {
      throw new UserError('token: no GitHub token given; set `token` (in a workflow, the job token github.token works)', {
        input: 'token',
      });
    }
    this.owner = owner;
    this.name = name;
    this.apiUrl = githubApiUrl(repo, options.apiUrl, options.env ?? process.env);
    this.#token = options.token.trim();
    this.#retry = options.retry ?? {};
    this.#octokit = getOctokit(this.#token, { baseUrl: this.apiUrl, userAgent: 'baton' });
    this.#octokit.hook.wrap('request', (request, requestOptions) =>
      this.#withRetry(async () => request(withTimeout(requestOptions, this.#retry.timeoutMs))),
    );
  }

  /** Opens a pull request from `head` to `base`, or updates the open one; adds labels and auto-merge. */
  async propose(proposal: ChangeProposal): Promise<ChangeRequest> {
    const found = await this.#findOpen(proposal.head, proposal.base);
    const pull = found ? await this.#update(found, proposal) : await this.#createOrAdopt(proposal);
    await this.#addLabels(pull, proposal.labels);
    const merge = proposal.autoMerge
      ? await this.#enableAutoMerge(pull, proposal.mergeMethod)
      : { on: pull.auto_merge != null, warnings: [] };
    return {
      number: pull.number,
      url: pull.html_url,
      created: pull.created,
      autoMerge: merge.on,
      warnings: merge.warnings,
    };
  }

  /** Creates a commit status (`POST /repos/{owner}/{repo}/statuses/{sha}`); GitHub shows the newest per context. */
  async setCommitStatus(status: CommitStatus): Promise<CommitStatusResult> {
    const action = {
      doing: `set commit status ${status.context} on ${status.sha.slice(0, 12)}`,
      needs: '`statuses: write`',
      grant: 'in a workflow, give the job `permissions: { statuses: write }`; for a GitHub App or fine-grained token, grant "Commit statuses: write"',
    };
    const response = await this.#call(action, () =>
      this.#octokit.rest.repos.createCommitStatus({
        owner: this.owner,
        repo: this.name,
        sha: status.sha,
        state: status.state,
        context: status.context,
        description: statusDescription(status.description),
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      }),
    );
    return { id: response.data.id };
  }

  /**
   * Adds a deployment status (`POST …/deployments/{id}/statuses`) to the newest deployment of `sha` to
   * `environment` (`GET …/deployments?sha=&environment=`), creating that deployment when there is none
   * (`POST …/deployments`: the commit itself as `ref`, no auto-merge, no required status contexts, so
   * GitHub neither merges nor checks the commit's statuses first). With the default `auto_inactive`,
   * a `success` marks the environment's earlier successful deployments inactive, as GitHub shows it.
   */
  async setDeploymentStatus(status: DeploymentStatus): Promise<DeploymentStatusResult> {
    const existing = await this.#findDeployment(status);
    if (existing !== undefined) {
      try {
        return { deploymentId: existing, statusId: await this.#addDeploymentStatus(existing, status), createdDeployment: false };
      } catch (error) {
        // Why: someone deleted the deployment between our lookup and our status; make a fresh one.
        if (httpStatus(error) !== 404) throw this.#failure(error, this.#deploymentAction(`add a status to deployment ${existing}`));
      }
    }
    const created = await this.#createDeployment(status);
    try {
      return { deploymentId: created, statusId: await this.#addDeploymentStatus(created, status), createdDeployment: true };
    } catch (error) {
      throw this.#failure(error, this.#deploymentAction(`add a status to deployment ${created}`));
    }
  }

  #deploymentAction(doing: string): Action {
    return {
      doing,
      needs: '`deployments: write`',
      grant: 'in a workflow, give the job `permissions: { deployments: write }`; for a GitHub App or fine-grained token, grant "Deployments: write"',
    };
  }

  /** The id of the newest deployment of the commit to the environment, if any (GitHub lists newest first). */
  async #findDeployment(status: DeploymentStatus): Promise<number | undefined> {
    const action = { ...this.#deploymentAction(`list deployments of ${status.sha.slice(0, 12)} to ${status.environment}`), needs: '`deployments: read`' };
    const response = await this.#call(action, () =>
      this.#octokit.rest.repos.listDeployments({
        owner: this.owner,
        repo: this.name,
        sha: status.sha,
        environment: status.environment,
        per_page: 1,
      }),
    );
    return response.data[0]?.id;
  }

  async #createDeployment(status: DeploymentStatus): Promise<number> {
    const action = this.#deploymentAction(`create a deployment of ${status.sha.slice(0, 12)} to ${status.environment}`);
    const response = await this.#call(action, () =>
      this.#octokit.rest.repos.createDeployment({
        owner: this.owner,
        repo: this.name,
        ref: status.sha,
        environment: status.environment,
        auto_merge: false,
        required_contexts: [],
        description: statusDescription(`Verified by Baton: ${status.environment} runs ${status.sha.slice(0, 12)}`),
        transient_environment: false,
        production_environment: status.production ?? false,
      }),
    );
    // Why: 202 means GitHub merged the default branch into the ref instead of deploying; with a commit as
    // the ref and auto_merge off it should never happen, but it carries no deployment to add a status to.
    const data = response.data as { id?: unknown; message?: unknown };
    if (typeof data.id !== 'number') {
      throw new Error(`GitHub did not create a deployment of ${status.sha.slice(0, 12)} to ${status.environment} in ${this.owner}/${this.name} (${response.status} ${String(data.message ?? 'no deployment in the answer')})`);
    }
    return data.id;
  }

  /** Adds the status; errors are thrown as Octokit gives them (the caller words them). */
  async #addDeploymentStatus(deploymentId: number, status: DeploymentStatus): Promise<number> {
    const response = await this.#octokit.rest.repos.createDeploymentStatus({
      owner: this.owner,
      repo: this.name,
      deployment_id: deploymentId,
      state: status.state,
      environment: status.environment,
      description: statusDescription(status.description),
      ...(status.logUrl ? { log_url: status.logUrl } : {}),
      ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
    });
    return response.data.id;
  }

  async #findOpen(head: string, base: string): Promise<Pull | undefined> {
    const pulls = await this.#call({ doing: 'list open pull requests', needs: '`pull-requests: read`' }, () =>
      this.#octokit.paginate(this.#octokit.rest.pulls.list, {
        owner: this.owner,
        repo: this.name,
        state: 'open',
        head: `${this.owner}:${head}`,
        base,
        per_page: 100,
      }),
    );
    return (pulls as Pull[]).find((pull) => this.#isOurs(pull, head, base));
  }

  /** Every open pull request onto `base`, matched here: the fallback when the `head` filter finds nothing. */
  async #scanOpen(head: string, base: string): Promise<Pull | undefined> {
    const action = { doing: 'list open pull requests', needs: '`pull-requests: read`' };
    const pulls = await this.#call(action, () =>
      this.#octokit.paginate(this.#octokit.rest.pulls.list, {
        owner: this.owner,
        repo: this.name,
        state: 'open',
        base,
        per_page: 100,
      }),
    );
    return (pulls as Pull[]).find((pull) => this.#isOurs(pull, head, base));
  }

  #isOurs(pull: Pull, head: string, base: string): boolean {
    const fullName = `${this.owner}/${this.name}`.toLowerCase();
    const headRepo = pull.head.repo?.full_name.toLowerCase();
    return pull.head.ref === head && pull.base.ref === base && (headRepo === undefined || headRepo === fullName);
  }

  async #createOrAdopt(proposal: ChangeProposal): Promise<Pull & { created: boolean }> {
    const action = { doing: 'create a pull request', needs: '`pull-requests: write`' };
    try {
      const response = await this.#octokit.rest.pulls.create({
        owner: this.owner,
        repo: this.name,
        head: proposal.head,
        base: proposal.base,
        title: proposal.title,
        body: proposal.body,
      });
      return { ...(response.data as Pull), created: true };
    } catch (error) {
      if (!isDuplicatePull(error)) throw this.#failure(error, action);
      // Another job opened it between our lookup and our create: adopt that one.
      const other = (await this.#findOpen(proposal.head, proposal.base)) ?? (await this.#scanOpen(proposal.head, proposal.base));
      if (!other) throw this.#failure(error, action);
      return { ...(await this.#update(other, proposal)), created: false };
    }
  }

  async #update(pull: Pull, proposal: ChangeProposal): Promise<Pull & { created: boolean }> {
    if (pull.title === proposal.title && (pull.body ?? '') === proposal.body) return { ...pull, created: false };
    const action = { doing: `update pull request #${pull.number}`, needs: '`pull-requests: write`' };
    const response = await this.#call(action, () =>
      this.#octokit.rest.pulls.update({
        owner: this.owner,
        repo: this.name,
        pull_number: pull.number,
        title: proposal.title,
        body: proposal.body,
      }),
    );
    return { ...(response.data as Pull), created: false };
  }

  async #addLabels(pull: Pull, labels: readonly string[]): Promise<void> {
    const present = new Set(pull.labels.map((label) => label.name?.toLowerCase()));
    const missing = labels.filter((label) => !present.has(label.toLowerCase()));
    if (missing.length === 0) return;
    const action = {
      doing: `add labels to pull request #${pull.number}`,
      needs: '`pull-requests: write` (or `issues: write`)',
    };
    await this.#call(action, () =>
      this.#octokit.rest.issues.addLabels({
        owner: this.owner,
        repo: this.name,
        issue_number: pull.number,
        labels: missing,
      }),
    );
  }

  async #enableAutoMerge(pull: Pull, method: MergeMethod | undefined): Promise<{ on: boolean; warnings: string[] }> {
    if (pull.auto_merge != null) return { on: true, warnings: [] };
    try {
      await this.#octokit.graphql(autoMergeMutation(method), {
        pullRequestId: pull.node_id,
        ...(method ? { mergeMethod: method.toUpperCase() } : {}),
      });
      return { on: true, warnings: [] };
    } catch (error) {
      if (httpStatus(error) === 401) {
        throw this.#failure(error, { doing: 'enable auto-merge', needs: '`pull-requests: write`' });
      }
      return { on: false, warnings: [this.#autoMergeWarning(pull.number, error)] };
    }
  }

  #autoMergeWarning(number: number, error: unknown): string {
    const problems = graphqlProblems(error);
    const text = problems.map((problem) => problem.message).join('; ') || failureText(error);
    let hint = '';
    if (/not allowed for this repository/i.test(text)) {
      hint = '; turn on "Allow auto-merge" in the repository settings (Settings → General → Pull Requests)';
    } else if (/clean status/i.test(text)) {
      hint =
        '; the pull request can be merged right away (no required checks pending): auto-merge needs a base branch that requires status checks';
    } else if (problems.some((problem) => problem.type === 'FORBIDDEN') || /not accessible/i.test(text)) {
      hint = '; the token needs `contents: write` and `pull-requests: write`';
    }
    return redact(`auto-merge was not enabled on pull request #${number}: ${text}${hint}`, this.#token);
  }

  async #call<T>(action: Action, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.#failure(error, action);
    }
  }

  #withRetry<T>(operation: () => Promise<T>): Promise<T> {
    return retryForge(this.#retry, operation, (error) => judgeGitHub(error, this.#retry));
  }

  /** The error to throw for a failed call: what went wrong, in terms of the input to fix. */
  #failure(error: unknown, action: Action): Error {
    const status = httpStatus(error);
    if (status === undefined) return error instanceof Error ? error : new Error(String(error));
    const failure = error as HttpFailure;
    const where = `${action.doing} in ${this.owner}/${this.name}`;
    const text = failureText(error);
    if (!failure.response) return this.#transient(`Could not reach the GitHub API at ${this.apiUrl} to ${where}: ${text}`);
    if (status === 401) {
      return this.#user(
        'token',
        `token: GitHub rejected the token (401 ${text}) when trying to ${where}; set \`token\` to a valid, unexpired token for ${this.apiUrl}`,
      );
    }
    if (isRateLimited(failure)) {
      return this.#transient(`GitHub rate limit hit when trying to ${where} (${status} ${text}); try again ${this.#whenToRetry(failure)}`);
    }
    if (status === 403) return this.#forbidden(failure, action, where, text);
    if (status === 404) {
      return this.#user(
        'repo',
        `repo: GitHub repository ${this.owner}/${this.name} was not found at ${this.apiUrl}, or the token cannot see it (404 when trying to ${action.doing}); check \`repo\` and that \`token\` has access to it`,
      );
    }
    if (status === 422) return this.#unprocessable(failure, where, text);
    const message = `GitHub API answered ${status} (${text}) when trying to ${where}`;
    if (!isRetryableStatus(status)) return new Error(redact(message, this.#token));
    const attempts = this.#retry.attempts ?? DEFAULT_FORGE_RETRY.attempts;
    return this.#transient(`${message}; gave up (up to ${attempts} attempts); try again ${this.#whenToRetry(failure)}`);
  }

  #forbidden(failure: HttpFailure, action: Action, where: string, text: string): UserError {
    if (/GitHub Actions is not permitted/i.test(text)) {
      return this.#user(
        'token',
        `token: GitHub Actions may not ${where} (403 ${text}); turn on Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests", or pass a GitHub App or personal access token as \`token\``,
      );
    }
    const accepted = headerValue(failure.response?.headers, 'x-accepted-github-permissions');
    const needs = accepted ? describePermissions(accepted) : action.needs;
    const grant = action.grant ?? `(and \`contents: write\` to push the branch): ${PERMISSION_HINT}`;
    return this.#user('token', `token: the token may not ${where} (403 ${text}); it needs ${needs}${action.grant ? '; ' : ' '}${grant}`);
  }

  #unprocessable(failure: HttpFailure, where: string, text: string): Error {
    if (validationErrors(failure.response?.data).some((entry) => entry.field === 'base')) {
      return this.#user('branch', `branch: GitHub refused to ${where}: the base branch does not exist (${text})`);
    }
    return new Error(redact(`GitHub refused to ${where} (422 ${text})`, this.#token));
  }

  #whenToRetry(failure: HttpFailure): string {
    const wait = serverWaitMs(failure.response?.headers, (this.#retry.now ?? Date.now)());
    return wait === undefined ? 'in a few minutes' : `in ${describeWait(wait)}`;
  }

  #user(input: string, message: string): UserError {
    return new UserError(redact(message, this.#token), { input });
  }

  #transient(message: string): TransientError {
    return new TransientError(redact(message, this.#token));
  }
}

/** The options of one Octokit request with a fresh per-attempt time limit. */
function withTimeout<T extends { request?: object }>(options: T, timeoutMs: number | undefined): T {
  const signal = AbortSignal.timeout(timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return { ...options, request: { ...options.request, signal } };
}

/** Whether a failed GitHub request may be tried again, and after how long. */
export function judgeGitHub(error: unknown, retry: ForgeRetryOptions = {}): RetryVerdict {
  const status = httpStatus(error);
  if (status === undefined) return { retry: false };
  const failure = error as HttpFailure;
  if (!failure.response) return { retry: true };
  const now = (retry.now ?? Date.now)();
  const hinted = serverWaitMs(failure.response.headers, now);
  const limit = retry.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (isRateLimited(failure)) {
    // GitHub: without a hint, wait at least a minute after a secondary rate limit.
    const wait = hinted ?? 60_000;
    return wait <= limit ? { retry: true, waitMs: wait } : { retry: false };
  }
  if (!isRetryableStatus(status)) return { retry: false };
  if (hinted !== undefined && hinted > limit) return { retry: false };
  return { retry: true, ...(hinted === undefined ? {} : { waitMs: hinted }) };
}

function isRateLimited(failure: HttpFailure): boolean {
  if (failure.status !== 403 && failure.status !== 429) return false;
  const headers = failure.response?.headers;
  if (failure.status === 429) return true;
  if (headerValue(headers, 'retry-after') !== undefined) return true;
  if (headerValue(headers, 'x-ratelimit-remaining') === '0') return true;
  return /rate limit/i.test(failureText(failure));
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && (error as { name?: unknown }).name === 'HttpError' ? status : undefined;
}

/** The server's message (without Octokit's appended documentation URL), else the error's. */
function failureText(error: unknown): string {
  const data = (error as HttpFailure).response?.data;
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    const { message } = data as { message: string };
    const details = validationErrors(data)
      .map((entry) => entry.message ?? [entry.field, entry.code].filter(Boolean).join(' '))
      .filter(Boolean);
    return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
  }
  return shorten(error instanceof Error ? error.message : String(error));
}


interface ValidationEntry {
  readonly resource?: string;
  readonly field?: string;
  readonly code?: string;
  readonly message?: string;
}

function validationErrors(data: unknown): ValidationEntry[] {
  const errors = (data as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((entry) => (typeof entry === 'string' ? { message: entry } : (entry as ValidationEntry)));
}

function isDuplicatePull(error: unknown): boolean {
  if (httpStatus(error) !== 422) return false;
  return validationErrors((error as HttpFailure).response?.data).some((entry) =>
    /pull request already exists/i.test(entry.message ?? ''),
  );
}

/** `pull_requests=write; issues=write` → "`pull-requests: write` or `issues: write`". */
export function describePermissions(header: string): string {
  return header
    .split(';')
    .map((set) =>
      set
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          const [name = '', level = 'write'] = entry.split('=');
          return `\`${name.trim().replace(/_/g, '-')}: ${level.trim()}\``;
        })
        .join(' and '),
    )
    .filter(Boolean)
    .join(' or ');
}

interface GraphqlProblem {
  readonly type?: string;
  readonly message: string;
}

function graphqlProblems(error: unknown): GraphqlProblem[] {
  const errors = (error as { errors?: unknown } | undefined)?.errors;
  if ((error as { name?: unknown })?.name !== 'GraphqlResponseError' || !Array.isArray(errors)) return [];
  return errors.map((entry) => ({ type: entry?.type, message: String(entry?.message ?? 'unknown error') }));
}

function autoMergeMutation(method: MergeMethod | undefined): string {
  const variables = method ? '$pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod' : '$pullRequestId: ID!';
  const input = method ? 'pullRequestId: $pullRequestId, mergeMethod: $mergeMethod' : 'pullRequestId: $pullRequestId';
  return `mutation BatonEnableAutoMerge(${variables}) {
  enablePullRequestAutoMerge(input: {${input}}) {
    pullRequest { number autoMergeRequest { enabledAt mergeMethod } }
  }
}`;
}

function checkedApiUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(parsed.protocol);
  } catch {
    throw new UserError(`api-url: ${url} is not an http(s) URL of the GitHub API`, { input: 'api-url' });
  }
  return url.replace(/\/+$/, '');
}
