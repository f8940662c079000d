/** Where a GitLab project's API is: the REST v4 base, the project path and the next page of a list. */
import { UserError } from '../../core/errors.ts';
import type { HeaderLookup } from './http.ts';
import type { RepoLocation } from './repo-url.ts';

/**
 * How the token authenticates: `private` sends `PRIVATE-TOKEN` (personal, project or group access
 * tokens), `job` sends `JOB-TOKEN` (`CI_JOB_TOKEN`), `oauth` sends `Authorization: Bearer`.
 */
export type GitLabTokenType = 'private' | 'job' | 'oauth';

/** The REST v4 base: the explicit option, else `CI_API_V4_URL`, else `<repo origin>/api/v4`. */
export function gitlabApiUrl(repo: RepoLocation, apiUrl?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
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
  const path = root && api.hostname === repo.hostname && repo.path.startsWith(`${root}/`) ? repo.path.slice(root.length + 1) : repo.path;
  if (!path.includes('/')) {
    throw new UserError(`repo: ${repo.origin}/${repo.path} is not a GitLab project URL; expected <host>/<group>/<project>`, {
      input: 'repo',
    });
  }
  return path;
}

/** The URL of the next page from `Link: <…>; rel="next"` (same origin only) or `x-next-page`. */
export function nextPageUrl(current: URL, headers: HeaderLookup): URL | undefined {
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
