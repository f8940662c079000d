/**
 * Issues on GitHub's REST API (`/repos/{owner}/{repo}/issues`) through Octokit, as the GitHub forge
 * talks to GitHub, for drift alerts. Retries follow the forge's rules (5xx, 429, rate limits with their
 * hints); refusals become UserErrors that name the permission.
 */
import { getOctokit } from '@actions/github';
import { TransientError, UserError } from '../../core/errors.ts';
import { describePermissions, githubApiUrl, githubRepoName, judgeGitHub } from './github.ts';
import { redact, retryForge } from './http.ts';
import type { IssueTracker, TrackedIssue } from './issues.ts';
import { parseRepoUrl } from './repo-url.ts';

interface GitHubIssue {
  readonly number: number;
  readonly html_url: string;
  readonly title: string;
  readonly body?: string | null;
  readonly pull_request?: unknown;
}

interface HttpFailure {
  readonly status?: number;
  readonly message?: string;
  readonly response?: { readonly headers?: Record<string, string | undefined>; readonly data?: { readonly message?: string } };
}

function tracked(issue: GitHubIssue): TrackedIssue {
  return { number: issue.number, url: issue.html_url, title: issue.title, body: issue.body ?? '' };
}

/** Issues of one GitHub repository. */
export class GitHubIssues implements IssueTracker {
  readonly kind = 'github' as const;
  readonly #owner: string;
  readonly #repo: string;
  readonly #token: string;
  readonly #octokit: ReturnType<typeof getOctokit>;

  constructor(options: { repoUrl: string; token: string; apiUrl?: string; env?: Readonly<Record<string, string | undefined>> }) {
    const repo = parseRepoUrl(options.repoUrl);
    const { owner, name } = githubRepoName(repo);
    if (!options.token.trim())
      throw new UserError('token: no GitHub token given; in a workflow, `github.token` with `permissions: { issues: write }` works.', {
        input: 'token',
      });
    this.#owner = owner;
    this.#repo = name;
    this.#token = options.token.trim();
    this.#octokit = getOctokit(this.#token, {
      baseUrl: githubApiUrl(repo, options.apiUrl, options.env ?? process.env),
      userAgent: 'baton',
    });
  }

  async #call<T>(doing: string, request: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await retryForge({ attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 }, request, (error) => judgeGitHub(error))).data;
    } catch (error) {
      throw this.#failure(doing, error as HttpFailure);
    }
  }

  #failure(doing: string, error: HttpFailure): Error {
    const detail = redact(error.response?.data?.message ?? error.message ?? String(error), this.#token);
    const where = `${this.#owner}/${this.#repo}`;
    if (error.status === 401)
      return new UserError(`token: GitHub refused ${doing} on ${where} (401 ${detail}); the token is missing, expired or wrong.`, {
        input: 'token',
      });
    if (error.status === 403 || error.status === 404) {
      const accepted = error.response?.headers?.['x-accepted-github-permissions'];
      const needs = accepted ? describePermissions(accepted) : '`issues: write`';
      return new UserError(
        `token: GitHub refused ${doing} on ${where} (${error.status} ${detail}); the token needs ${needs} (workflow \`permissions: { ` +
          `issues: write }\`).`,
        { input: 'token' },
      );
    }
    if (error.status === 410)
      return new UserError(`repo: issues are turned off on ${where} (410 ${detail}); turn them on or use alert: none.`, { input: 'repo' });
    if (error.status !== undefined && error.status < 500 && error.status !== 429)
      return new UserError(`repo: GitHub refused ${doing} on ${where} (${error.status} ${detail}).`, { input: 'repo' });
    const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
    return new TransientError(
      `GitHub failed ${doing} on ${where}${status}: ${detail
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 200)}`,
      { cause: error },
    );
  }

  async findOpen(label: string, marker: string): Promise<TrackedIssue | undefined> {
    // Oldest first, so that if two ever exist the same one is kept.
    const issues = await this.#call('listing issues', () =>
      this.#octokit.rest.issues.listForRepo({
        owner: this.#owner,
        repo: this.#repo,
        labels: label,
        state: 'open',
        sort: 'created',
        direction: 'asc',
        per_page: 100,
      }),
    );
    const found = (issues as GitHubIssue[]).find((issue) => !issue.pull_request && issue.title.includes(marker));
    return found ? tracked(found) : undefined;
  }

  async open(title: string, body: string, labels: readonly string[]): Promise<TrackedIssue> {
    return tracked(
      await this.#call('opening an issue', () =>
        this.#octokit.rest.issues.create({ owner: this.#owner, repo: this.#repo, title, body, labels: [...labels] }),
      ),
    );
  }

  async updateBody(issue: TrackedIssue, body: string): Promise<void> {
    await this.#call(`updating issue #${issue.number}`, () =>
      this.#octokit.rest.issues.update({ owner: this.#owner, repo: this.#repo, issue_number: issue.number, body }),
    );
  }

  async comment(issue: TrackedIssue, body: string): Promise<void> {
    await this.#call(`commenting on issue #${issue.number}`, () =>
      this.#octokit.rest.issues.createComment({ owner: this.#owner, repo: this.#repo, issue_number: issue.number, body }),
    );
  }

  async close(issue: TrackedIssue): Promise<void> {
    await this.#call(`closing issue #${issue.number}`, () =>
      this.#octokit.rest.issues.update({
        owner: this.#owner,
        repo: this.#repo,
        issue_number: issue.number,
        state: 'closed',
        state_reason: 'completed',
      }),
    );
  }
}
