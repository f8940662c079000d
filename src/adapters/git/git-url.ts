import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../../core/errors.ts';
import type { GitRemote } from './types.ts';

/** How git reaches a remote. */
export type RemoteKind = 'http' | 'file' | 'other';

/** A remote as the adapter uses it: a URL git can be given as is, and credentials kept apart. */
export interface ResolvedRemote {
  /** The URL passed to git: never with credentials; local paths become `file://` URLs. */
  readonly url: string;
  /** The same place for messages and logs. */
  readonly display: string;
  readonly kind: RemoteKind;
  /** `scheme://host[:port]` of an HTTP(S) remote: the only place credentials are sent to. */
  readonly origin?: string;
  /** Absolute path of a local repository (`file://` URL or path). */
  readonly localPath?: string;
  readonly username?: string;
  readonly token?: string;
  /** Credential forms to redact, beyond the token itself (URL-encoded, from the URL). */
  readonly extraSecrets: readonly string[];
}

const SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
/** scp-like syntax `user@host:path`, which git treats as SSH (git-clone(1), "GIT URLS"). */
const SCP_RE = /^[^/\\:]+@[^/\\:]+:/;

/** A URL or path fit for messages: user, password and token removed from any URL inside `text`. */
export function describeRemote(text: string): string {
  return text.replace(/\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@\s'"]*@/g, '$1');
}

/**
 * Default Basic-auth user for a token: GitLab wants `oauth2` for OAuth and access tokens over HTTPS;
 * GitHub accepts `x-access-token` for app installation tokens and any name for personal tokens.
 */
export function defaultUsername(origin: string): string {
  return /gitlab/i.test(new URL(origin).hostname) ? 'oauth2' : 'x-access-token';
}

/**
 * Splits a {@link GitRemote} into what git is given and what stays in the environment. Credentials
 * written into an HTTP(S) URL (`https://user:token@host/repo`) move out of the URL: git would otherwise
 * store them in `.git/config` and show them in the process listing.
 */
export function resolveRemote(remote: GitRemote): ResolvedRemote {
  const text = remote.url.trim();
  if (!text) throw new UserError('repo: the repository URL is empty; give an https:// URL or a path.', { input: 'repo' });
  const scheme = SCHEME_RE.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return resolveHttp(text, remote);
  if (scheme === 'file') return resolveLocal(fileURLToPath(new URL(text)));
  if (scheme || SCP_RE.test(text)) {
    return { url: text, display: describeRemote(text), kind: 'other', extraSecrets: [] };
  }
  return resolveLocal(resolve(text));
}

function resolveLocal(path: string): ResolvedRemote {
  // A file:// URL, not a plain path: git then uses its regular transport, where --depth and --filter
  // work; a plain path takes the "local clone" shortcut that ignores both (git-clone(1), --local).
  return { url: pathToFileURL(path).href, display: path, kind: 'file', localPath: path, extraSecrets: [] };
}

function resolveHttp(text: string, remote: GitRemote): ResolvedRemote {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new UserError(`repo: "${describeRemote(text)}" is not a valid URL.`, { input: 'repo', cause });
  }
  const urlUser = decodeURIComponent(url.username);
  const urlPassword = decodeURIComponent(url.password);
  const extraSecrets = [url.password, urlPassword].filter((s) => s.length > 0);
  url.username = '';
  url.password = '';
  const token = remote.token || urlPassword || undefined;
  const origin = url.origin;
  const username = token ? remote.username || urlUser || defaultUsername(origin) : undefined;
  if (token) extraSecrets.push(encodeURIComponent(token));
  return {
    url: url.href,
    display: url.href,
    kind: 'http',
    origin,
    extraSecrets,
    ...(token ? { token, username } : {}),
  };
}
