/** Issues on GitHub's REST API (`/repos/{owner}/{repo}/issues`), for drift alerts. */
import { githubApiUrl, githubRepoName } from './github.ts';
import { type IssueTracker, issueCall, type TrackedIssue } from './issues.ts';
import { parseRepoUrl } from './repo-url.ts';

interface GitHubIssue {
  readonly number: number;
  readonly html_url: string;
  readonly title: string;
  readonly body: string | null;
  readonly pull_request?: unknown;
}

const PERMISSION = '`issues: write` (workflow `permissions: { issues: write }`)';

function tracked(issue: GitHubIssue): TrackedIssue {
  return { number: issue.number, url: issue.html_url, title: issue.title, body: issue.body ?? '' };
}

/** Issues of one GitHub repository. */
export class GitHubIssues implements IssueTracker {
  readonly kind = 'github' as const;
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch | undefined;

  constructor(options: { repoUrl: string; token: string; apiUrl?: string; env?: Readonly<Record<string, string | undefined>>; fetch?: typeof fetch }) {
    const repo = parseRepoUrl(options.repoUrl);
    const { owner, name } = githubRepoName(repo);
    this.#base = `${githubApiUrl(repo, options.apiUrl, options.env)}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
    this.#token = options.token;
    this.#fetch = options.fetch;
  }

  #call<T>(method: string, path: string, what: string, body?: unknown) {
    return issueCall<T>({
      url: `${this.#base}${path}`,
      method,
      headers: { authorization: `Bearer ${this.#token}`, 'x-github-api-version': '2022-11-28' },
      ...(body !== undefined ? { body } : {}),
      what,
      token: this.#token,
      permission: PERMISSION,
      ...(this.#fetch ? { fetch: this.#fetch } : {}),
    });
  }

  async findOpen(label: string, marker: string): Promise<TrackedIssue | undefined> {
    // Oldest first, so that if two ever exist the same one is kept.
    const query = `?labels=${encodeURIComponent(label)}&state=open&sort=created&direction=asc&per_page=100`;
    const { body } = await this.#call<GitHubIssue[]>('GET', `/issues${query}`, 'listing issues');
    const found = body.find((issue) => !issue.pull_request && issue.title.includes(marker));
    return found ? tracked(found) : undefined;
  }

  async open(title: string, body: string, labels: readonly string[]): Promise<TrackedIssue> {
    return tracked((await this.#call<GitHubIssue>('POST', '/issues', 'opening an issue', { title, body, labels })).body);
  }

  async updateBody(issue: TrackedIssue, body: string): Promise<void> {
    await this.#call('PATCH', `/issues/${issue.number}`, `updating issue #${issue.number}`, { body });
  }

  async comment(issue: TrackedIssue, body: string): Promise<void> {
    await this.#call('POST', `/issues/${issue.number}/comments`, `commenting on issue #${issue.number}`, { body });
  }

  async close(issue: TrackedIssue): Promise<void> {
    await this.#call('PATCH', `/issues/${issue.number}`, `closing issue #${issue.number}`, { state: 'closed', state_reason: 'completed' });
  }
}
