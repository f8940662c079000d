import type { ResolvedRemote } from './git-url.ts';

/** A git configuration entry passed through the environment, never on a command line or on disk. */
export type ConfigEntry = readonly [key: string, value: string];

/** What the environment carries to authenticate to one remote. */
export interface GitAuth {
  /** Entries for `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`. */
  readonly config: readonly ConfigEntry[];
  /** Every form of the credential that could show up in output: token, base64 header, URL-encoded. */
  readonly secrets: readonly string[];
}

/**
 * The HTTP(S) credentials for `remote` as an `Authorization: Basic` header scoped to the remote's origin
 * (`http.<origin>/.extraHeader`), the way actions/checkout authenticates, but in the environment rather
 * than in `.git/config`.
 *
 * - An empty value first resets the header list for that URL, so a header from the user's global
 *   config for the same host cannot ride along (git-config(1), http.extraHeader).
 * - `credential.helper` is reset so no helper is asked for, or stores, anything.
 * - Redirects are not followed: git applies extra headers to every request after a redirect, even to
 *   another host (curl drops them only on the redirected request itself), so a moved repository is
 *   reported instead (see `classifyFailure`).
 */
export function authFor(remote: ResolvedRemote): GitAuth {
  if (remote.kind !== 'http' || !remote.token || !remote.origin) {
    return { config: [], secrets: [...remote.extraSecrets] };
  }
  const basic = Buffer.from(`${remote.username ?? ''}:${remote.token}`, 'utf8').toString('base64');
  const key = `http.${remote.origin}/.extraHeader`;
  return {
    config: [
      [key, ''],
      [key, `Authorization: Basic ${basic}`],
      ['credential.helper', ''],
      ['http.followRedirects', 'false'],
    ],
    secrets: [remote.token, basic, ...remote.extraSecrets],
  };
}
