/** Where a GitHub repository's API is: the REST base and the owner/name of a repository URL. */
import { UserError } from '../../core/errors.ts';
import type { RepoLocation } from './repo-url.ts';

/**
 * The REST API base for a repository: the explicit option, else `GITHUB_API_URL`, else
 * `https://api.github.com` for github.com, `https://api.<host>` for *.ghe.com and
 * `https://<host>/api/v3` for GitHub Enterprise Server.
 */
export function githubApiUrl(repo: RepoLocation, apiUrl?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
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
    throw new UserError(`repo: ${repo.origin}/${repo.path} is not a GitHub repository URL; expected <host>/<owner>/<name>`, {
      input: 'repo',
    });
  }
  return { owner: parts[0], name: parts[1] };
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
