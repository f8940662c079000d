import { UserError } from '../../core/errors.ts';

/** Where a git repository lives on a forge, parsed from its clone URL. */
export interface RepoLocation {
  /** Lower-case host name without port: `github.com`, `gitlab.example.com`, `127.0.0.1`. */
  readonly hostname: string;
  /**
   * The web origin of the forge: scheme, host and port of an http(s) URL; `https://<host>` for ssh and
   * git URLs (their port is the ssh port, not the web one).
   */
  readonly origin: string;
  /** Path inside the forge, without slashes at either end and without `.git`: `group/sub/project`. */
  readonly path: string;
}

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;

/**
 * Parses an env-repo URL in the forms git accepts for a remote: `https://host[:port]/path[.git]`,
 * `http://…`, `ssh://[user@]host[:port]/path`, `git://host/path` and scp-like `git@host:path`.
 * Credentials inside the URL are dropped. Local paths and `file://` URLs are not on a forge.
 */
export function parseRepoUrl(url: string): RepoLocation {
  const text = url.trim();
  const scp = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? null : SCP_LIKE.exec(text);
  if (scp) return location(scp[1]!.toLowerCase(), `https://${scp[1]!.toLowerCase()}`, scp[2]!, url);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw notOnForge(url, 'it is not a URL');
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme === 'http' || scheme === 'https') {
    return location(parsed.hostname.toLowerCase(), parsed.origin, decodeURIComponent(parsed.pathname), url);
  }
  if (scheme === 'ssh' || scheme === 'git' || scheme === 'git+ssh' || scheme === 'ssh+git') {
    const host = parsed.hostname.toLowerCase();
    return location(host, `https://${host}`, decodeURIComponent(parsed.pathname), url);
  }
  throw notOnForge(url, `a ${scheme} URL does not name a forge`);
}

/** The URL with any user name, password or token removed: safe to print. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url.trim());
    if (!parsed.username && !parsed.password) return url.trim();
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.trim().replace(/^[^@/\s]+:[^@/\s]*@/, '');
  }
}

/** `origin` and the path under it joined, for messages: `https://github.com/acme/env`. */
export function webUrl(repo: RepoLocation): string {
  return `${repo.origin}/${repo.path}`;
}

function location(hostname: string, origin: string, rawPath: string, url: string): RepoLocation {
  const path = rawPath
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
  if (!hostname) throw notOnForge(url, 'it has no host');
  if (!path) throw notOnForge(url, 'it names no repository path');
  return { hostname, origin, path };
}

function notOnForge(url: string, why: string): UserError {
  return new UserError(
    `repo: ${displayUrl(url)} is not the URL of a repository on GitHub or GitLab (${why}); give the clone URL, e.g. ` +
      `https://github.com/acme/env.git`,
    { input: 'repo' },
  );
}
