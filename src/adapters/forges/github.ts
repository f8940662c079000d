/**
 * The GitHub forge's operations: pull requests, labels, auto-merge, commit and deployment statuses,
 * through Octokit on the shared HTTP transport. Errors are worded by github-errors.ts.
 */
import { getOctokit } from '@actions/github';
import { UserError } from '../../core/errors.ts';
import { createHttpClient, type HttpClient } from '../http/client.ts';
import { USER_AGENT } from '../version.ts';
import { githubApiUrl, githubRepoName } from './github-api.ts';
import { type Action, GitHubErrors, httpStatus, isDuplicatePull, judgeGitHub } from './github-errors.ts';
import { DEFAULT_TIMEOUT_MS, type ForgeRetryOptions, retryForge } from './http.ts';
import { parseRepoUrl } from './repo-url.ts';
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
  /** The transport (time limits, proxies, CA); default one with the proxies of `env`. */
  readonly http?: HttpClient;
}

export { describePermissions, judgeGitHub } from './github-errors.ts';
export { githubApiUrl, githubRepoName } from './github-api.ts';

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

/** {@link Forge} on the GitHub REST and GraphQL APIs through Octokit (`@actions/github`). */
export class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  /** Repository owner (user or organisation). */
  readonly owner: string;
  /** Repository name. */
  readonly name: string;
  /** REST API base URL in use. */
  readonly apiUrl: string;
  readonly #retry: ForgeRetryOptions;
  readonly #octokit: Octokit;
  readonly #errors: GitHubErrors;

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
    const token = options.token.trim();
    this.#retry = options.retry ?? {};
    this.#errors = new GitHubErrors({ owner, name, apiUrl: this.apiUrl, token, retry: this.#retry });
    // Why: Octokit retries nothing itself here (the hook below does), so the transport adds no retries.
    const http = options.http ?? createHttpClient({ env: options.env ?? process.env, retry: false, secrets: [token] });
    this.#octokit = getOctokit(token, { baseUrl: this.apiUrl, userAgent: USER_AGENT, request: { fetch: http.fetch } });
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
      grant:
        'in a workflow, give the job `permissions: { statuses: write }`; for a GitHub App or fine-grained token, grant "Commit ' +
        'statuses: write"',
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
        if (httpStatus(error) !== 404) throw this.#errors.failure(error, this.#deploymentAction(`add a status to deployment ${existing}`));
      }
    }
    const created = await this.#createDeployment(status);
    try {
      return { deploymentId: created, statusId: await this.#addDeploymentStatus(created, status), createdDeployment: true };
    } catch (error) {
      throw this.#errors.failure(error, this.#deploymentAction(`add a status to deployment ${created}`));
    }
  }

  #deploymentAction(doing: string): Action {
    return {
      doing,
      needs: '`deployments: write`',
      grant:
        'in a workflow, give the job `permissions: { deployments: write }`; for a GitHub App or fine-grained token, grant ' +
        '"Deployments: write"',
    };
  }

  /** The id of the newest deployment of the commit to the environment, if any (GitHub lists newest first). */
  async #findDeployment(status: DeploymentStatus): Promise<number | undefined> {
    const action = {
      ...this.#deploymentAction(`list deployments of ${status.sha.slice(0, 12)} to ${status.environment}`),
      needs: '`deployments: read`',
    };
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
      throw new Error(
        `GitHub did not create a deployment of ${status.sha.slice(0, 12)} to ${status.environment} in ${this.owner}/${this.name} ` +
          `(${response.status} ${String(data.message ?? 'no deployment in the answer')})`,
      );
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
      if (!isDuplicatePull(error)) throw this.#errors.failure(error, action);
      // Another job opened it between our lookup and our create: adopt that one.
      const other = (await this.#findOpen(proposal.head, proposal.base)) ?? (await this.#scanOpen(proposal.head, proposal.base));
      if (!other) throw this.#errors.failure(error, action);
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
        throw this.#errors.failure(error, { doing: 'enable auto-merge', needs: '`pull-requests: write`' });
      }
      return { on: false, warnings: [this.#errors.autoMergeWarning(pull.number, error)] };
    }
  }

  async #call<T>(action: Action, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.#errors.failure(error, action);
    }
  }

  #withRetry<T>(operation: () => Promise<T>): Promise<T> {
    return retryForge(this.#retry, operation, (error) => judgeGitHub(error, this.#retry));
  }
}

/** The options of one Octokit request with a fresh per-attempt time limit. */
function withTimeout<T extends { request?: object }>(options: T, timeoutMs: number | undefined): T {
  const signal = AbortSignal.timeout(timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return { ...options, request: { ...options.request, signal } };
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
