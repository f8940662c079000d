import { UserError } from '../../core/errors.ts';
import { GitHubForge } from './github.ts';
import { GitLabForge, type GitLabTokenType } from './gitlab.ts';
import { type RepoLocation, parseRepoUrl } from './repo-url.ts';
import type { ForgeRetryOptions } from './http.ts';
import type { Forge } from './types.ts';

/** The forges Baton speaks to. */
export type ForgeKind = Forge['kind'];

/** The `forge` input: a forge by name, or `auto` to tell by the repo URL and environment. */
export type ForgeChoice = ForgeKind | 'auto';

type Env = Readonly<Record<string, string | undefined>>;

/** Everything {@link createForge} needs. */
export interface CreateForgeOptions {
  /** The env repo's clone URL. */
  readonly repoUrl: string;
  /** The forge token; a missing or empty one is a {@link UserError} naming `token`. */
  readonly token?: string;
  /** `github`, `gitlab` or `auto` (default). */
  readonly forge?: ForgeChoice | string;
  /** API base URL; else `GITHUB_API_URL` / `CI_API_V4_URL`, else derived from the repo host. */
  readonly apiUrl?: string;
  /** Environment to read the forge variables from; default `process.env`. */
  readonly env?: Env;
  /** GitLab only: how the token authenticates (see {@link GitLabTokenType}). */
  readonly gitlabTokenType?: GitLabTokenType;
  /** Retry, wait and timeout limits. */
  readonly retry?: ForgeRetryOptions;
}

/** One forge: when it applies to a repo, and how to build it (Kargo's provider registry, in small). */
interface ForgeProvider {
  readonly kind: ForgeKind;
  readonly matches: (repo: RepoLocation, env: Env) => boolean;
  readonly create: (options: CreateForgeOptions, env: Env) => Forge;
}

const PROVIDERS: readonly ForgeProvider[] = [
  {
    kind: 'github',
    matches: (repo, env) =>
      repo.hostname === 'github.com' || repo.hostname.endsWith('.ghe.com') || repo.hostname === hostOf(env.GITHUB_SERVER_URL),
    create: (options, env) =>
      new GitHubForge({ repoUrl: options.repoUrl, token: options.token ?? '', apiUrl: options.apiUrl, env, retry: options.retry }),
  },
  {
    kind: 'gitlab',
    matches: (repo, env) =>
      repo.hostname === 'gitlab.com' ||
      repo.hostname === env.CI_SERVER_HOST?.trim().toLowerCase() ||
      repo.hostname === hostOf(env.CI_SERVER_URL),
    create: (options, env) =>
      new GitLabForge({
        repoUrl: options.repoUrl,
        token: options.token ?? '',
        apiUrl: options.apiUrl,
        env,
        retry: options.retry,
        ...(options.gitlabTokenType ? { tokenType: options.gitlabTokenType } : {}),
      }),
  },
];

/**
 * Which forge hosts `repoUrl`: github.com, *.ghe.com or the host of `GITHUB_SERVER_URL` → github;
 * gitlab.com or the host of `CI_SERVER_HOST`/`CI_SERVER_URL` → gitlab. Anything else is a
 * {@link UserError} asking for `forge`.
 */
export function detectForge(repoUrl: string, env: Env = process.env): ForgeKind {
  const repo = parseRepoUrl(repoUrl);
  const provider = PROVIDERS.find((candidate) => candidate.matches(repo, env));
  if (provider) return provider.kind;
  throw new UserError(
    `forge: cannot tell whether ${repo.hostname} is a GitHub or a GitLab server; set \`forge\` to github or gitlab (and \`api-url\` ` +
      `when the API is not at the usual place)`,
    { input: 'forge' },
  );
}

/** The forge for a repo: the `forge` option when it names one, else {@link detectForge}. */
export function createForge(options: CreateForgeOptions): Forge {
  const env = options.env ?? process.env;
  const choice = (options.forge ?? 'auto').trim().toLowerCase() || 'auto';
  if (choice !== 'auto' && choice !== 'github' && choice !== 'gitlab') {
    throw new UserError(`forge: "${options.forge}" is not a forge Baton knows; use github, gitlab or auto`, {
      input: 'forge',
    });
  }
  const kind = choice === 'auto' ? detectForge(options.repoUrl, env) : choice;
  const provider = PROVIDERS.find((candidate) => candidate.kind === kind)!;
  return provider.create(options, env);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url?.trim()) return undefined;
  try {
    return new URL(url.trim()).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
