/** Issues on GitLab's REST API (`/projects/:id/issues`), for drift alerts. */
import { createHttpClient, type HttpClient } from '../http/client.ts';
import { gitlabApiUrl, gitlabProjectPath } from './gitlab-api.ts';
import { type IssueTracker, issueCall, type TrackedIssue } from './issues.ts';
import { parseRepoUrl } from './repo-url.ts';

interface GitLabIssue {
  readonly iid: number;
  readonly web_url: string;
  readonly title: string;
  readonly description: string | null;
}

const PERMISSION = 'the api scope and at least the Reporter role (a CI job token cannot write issues)';

function tracked(issue: GitLabIssue): TrackedIssue {
  return { number: issue.iid, url: issue.web_url, title: issue.title, body: issue.description ?? '' };
}

/** Issues of one GitLab project. */
export class GitLabIssues implements IssueTracker {
  readonly kind = 'gitlab' as const;
  readonly #base: string;
  readonly #token: string;
  readonly #http: HttpClient;

  constructor(options: {
    repoUrl: string;
    token: string;
    apiUrl?: string;
    env?: Readonly<Record<string, string | undefined>>;
    http?: HttpClient;
  }) {
    const repo = parseRepoUrl(options.repoUrl);
    const api = gitlabApiUrl(repo, options.apiUrl, options.env);
    this.#base = `${api}/projects/${encodeURIComponent(gitlabProjectPath(repo, api))}`;
    this.#token = options.token;
    // Why: the retries are issueCall's (the forge's rules), so the transport adds none.
    this.#http = options.http ?? createHttpClient({ ...(options.env ? { env: options.env } : {}), retry: false, secrets: [options.token] });
  }

  #call<T>(method: string, path: string, what: string, body?: unknown) {
    return issueCall<T>(this.#http, {
      url: `${this.#base}${path}`,
      method,
      headers: { 'private-token': this.#token },
      ...(body !== undefined ? { body } : {}),
      what,
      token: this.#token,
      permission: PERMISSION,
    });
  }

  async findOpen(label: string, marker: string): Promise<TrackedIssue | undefined> {
    const query = `?labels=${encodeURIComponent(label)}&state=opened&search=${encodeURIComponent(marker)}&in=title&order_by=created_at&sort=asc&per_page=100`;
    const { body } = await this.#call<GitLabIssue[]>('GET', `/issues${query}`, 'listing issues');
    const found = body.find((issue) => issue.title.includes(marker));
    return found ? tracked(found) : undefined;
  }

  async open(title: string, body: string, labels: readonly string[]): Promise<TrackedIssue> {
    return tracked(
      (await this.#call<GitLabIssue>('POST', '/issues', 'opening an issue', { title, description: body, labels: labels.join(',') })).body,
    );
  }

  async updateBody(issue: TrackedIssue, body: string): Promise<void> {
    await this.#call('PUT', `/issues/${issue.number}`, `updating issue #${issue.number}`, { description: body });
  }

  async comment(issue: TrackedIssue, body: string): Promise<void> {
    await this.#call('POST', `/issues/${issue.number}/notes`, `commenting on issue #${issue.number}`, { body });
  }

  async close(issue: TrackedIssue): Promise<void> {
    await this.#call('PUT', `/issues/${issue.number}`, `closing issue #${issue.number}`, { state_event: 'close' });
  }
}
