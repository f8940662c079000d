/**
 * Links from a promoted image back to its source: the image's `org.opencontainers.image.source` and
 * `.revision` labels (OCI image-spec annotations) turned into a GitHub or GitLab compare URL between the
 * revision the target ran and the one it gets. Pure.
 */

/** The label naming the source repository URL. */
export const SOURCE_LABEL = 'org.opencontainers.image.source';
/** The label naming the source revision (commit id). */
export const REVISION_LABEL = 'org.opencontainers.image.revision';

/** Which forge web UI a source URL is on. */
export type ForgeWeb = 'github' | 'gitlab';

/** Hosts known to be GitHub or GitLab besides github.com and gitlab.com (from GITHUB_SERVER_URL, CI_SERVER_HOST). */
export interface ForgeHosts {
  readonly github: readonly string[];
  readonly gitlab: readonly string[];
}

/** The forge hosts a CI environment tells of. */
export function forgeHostsFromEnv(env: Readonly<Record<string, string | undefined>>): ForgeHosts {
  const host = (url: string | undefined) => {
    try {
      return url ? [new URL(url).host.toLowerCase()] : [];
    } catch {
      return [];
    }
  };
  return {
    github: host(env['GITHUB_SERVER_URL']),
    gitlab: [...host(env['CI_SERVER_URL']), ...(env['CI_SERVER_HOST'] ? [env['CI_SERVER_HOST'].toLowerCase()] : [])],
  };
}

/** A source URL as a web URL: `git@host:a/b.git` and `https://host/a/b.git` → `https://host/a/b`. */
export function sourceWebUrl(source: string): string | undefined {
  const text = source.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+?)(?:\.git)?\/?$/.exec(text);
  if (scp && !/^[a-z]+:\/\//i.test(text)) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:' && url.protocol !== 'ssh:' && url.protocol !== 'git:') return undefined;
    const scheme = url.protocol === 'http:' ? 'http' : 'https';
    const path = url.pathname.replace(/\.git\/?$/, '').replace(/\/+$/, '');
    return path ? `${scheme}://${url.host}${path}` : undefined;
  } catch {
    return undefined;
  }
}

/** The forge of a source web URL, when it can be told. */
export function forgeOf(web: string, hosts: ForgeHosts): ForgeWeb | undefined {
  const host = new URL(web).host.toLowerCase();
  if (host === 'github.com' || host.endsWith('.ghe.com') || hosts.github.includes(host)) return 'github';
  if (host === 'gitlab.com' || hosts.gitlab.includes(host)) return 'gitlab';
  return undefined;
}

/** The compare URL between two revisions, or undefined when the forge cannot be told. */
export function compareUrl(source: string, from: string, to: string, hosts: ForgeHosts): string | undefined {
  const web = sourceWebUrl(source);
  if (!web) return undefined;
  const forge = forgeOf(web, hosts);
  if (forge === 'github') return `${web}/compare/${from}...${to}`;
  if (forge === 'gitlab') return `${web}/-/compare/${from}...${to}`;
  return undefined;
}
