/**
 * The commits between two revisions of a source repository, from the forge's compare API, for promote's
 * PR/MR body: GitHub `GET /repos/{owner}/{repo}/compare/{base}...{head}` (docs.github.com/rest/commits/
 * commits#compare-two-commits) and GitLab `GET /projects/:id/repository/compare?from=&to=`
 * (docs.gitlab.com/api/repositories#compare-branches-tags-or-commits). One request, a short timeout, no
 * retries: the list only adds to a body, so a forge that does not answer costs the list, nothing more.
 * The forge is told by the host (github.com, gitlab.com, or the CI's own server); others get no list.
 */
import { httpRequest } from '../http/client.ts';
import { redact } from '../http/redact.ts';
import { detectForge } from './detect.ts';
import { githubApiUrl, githubRepoName } from './github-api.ts';
import { gitlabApiUrl, gitlabProjectPath } from './gitlab-api.ts';
import { parseRepoUrl } from './repo-url.ts';

/** One commit as the body lists it. */
export interface ListedCommit {
  readonly sha: string;
  /** The first line of the message. */
  readonly title: string;
  readonly url?: string;
  readonly author?: string;
}

/** What to compare, and how to reach the forge. */
export interface CompareRequest {
  /** The source repository's web URL (`https://github.com/acme/api`). */
  readonly source: string;
  readonly from: string;
  readonly to: string;
  readonly token?: string;
  /** `GITHUB_SERVER_URL`/`GITHUB_API_URL`, `CI_SERVER_URL`/`CI_API_V4_URL` to recognise and reach a self-hosted forge. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

/** The most commits read (GitHub's compare answers 250 at most without paging). */
const LIMIT = 250;

interface GitHubCompare {
  readonly commits: readonly { sha: string; html_url?: string; commit: { message: string; author?: { name?: string } } }[];
}

interface GitLabCompare {
  readonly commits: readonly { id: string; title?: string; message?: string; author_name?: string; web_url?: string }[];
}

async function getJson<T>(url: URL, headers: Record<string, string>, request: CompareRequest): Promise<T> {
  const response = await httpRequest(url, { headers, redirect: 'manual', timeoutMs: request.timeoutMs ?? 10_000, retry: false });
  if (!response.ok) {
    const text = (await response.text()).slice(0, 200);
    throw new Error(redact(`${response.status} from ${url.origin}${url.pathname}: ${text}`, request.token ?? ''));
  }
  return (await response.json()) as T;
}

async function fromGitHub(request: CompareRequest): Promise<ListedCommit[]> {
  const repo = parseRepoUrl(request.source);
  const { owner, name } = githubRepoName(repo);
  const base = githubApiUrl(repo, undefined, request.env);
  const url = new URL(`${base}/repos/${owner}/${name}/compare/${encodeURIComponent(request.from)}...${encodeURIComponent(request.to)}`);
  url.searchParams.set('per_page', String(LIMIT));
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  if (request.token) headers['authorization'] = `Bearer ${request.token}`;
  const data = await getJson<GitHubCompare>(url, headers, request);
  return data.commits.map((c) => ({
    sha: c.sha,
    title: c.commit.message.split('\n')[0] ?? '',
    ...(c.html_url ? { url: c.html_url } : {}),
    ...(c.commit.author?.name ? { author: c.commit.author.name } : {}),
  }));
}

async function fromGitLab(request: CompareRequest): Promise<ListedCommit[]> {
  const repo = parseRepoUrl(request.source);
  const base = gitlabApiUrl(repo, undefined, request.env);
  const url = new URL(`${base}/projects/${encodeURIComponent(gitlabProjectPath(repo, base))}/repository/compare`);
  url.searchParams.set('from', request.from);
  url.searchParams.set('to', request.to);
  url.searchParams.set('straight', 'false');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.token) headers['private-token'] = request.token;
  const data = await getJson<GitLabCompare>(url, headers, request);
  // GitLab lists the commits oldest first, GitHub too: keep the forge's order.
  return data.commits.slice(0, LIMIT).map((c) => ({
    sha: c.id,
    title: c.title ?? c.message?.split('\n')[0] ?? '',
    ...(c.web_url ? { url: c.web_url } : {}),
    ...(c.author_name ? { author: c.author_name } : {}),
  }));
}

/**
 * The commits after `from` up to `to` in the source repository, oldest first, or undefined when the
 * source is on no forge Baton recognises. Throws when the forge answers with an error.
 */
export async function listCommitsBetween(request: CompareRequest): Promise<ListedCommit[] | undefined> {
  let kind: 'github' | 'gitlab';
  try {
    kind = detectForge(request.source, request.env);
  } catch {
    return undefined;
  }
  return kind === 'github' ? fromGitHub(request) : fromGitLab(request);
}
