/**
 * Who a step acts as and with which credentials: the commit author parsed from `Name <email>`, the user
 * name that goes with a token over HTTPS, the env repo's remote, and the actor named in commits and holds.
 * Every writing step and verify's recorder use these, so they live here and not in one step.
 */
import { UserError } from '../../core/errors.ts';
import type { ChangeOrigin } from '../../core/change-text.ts';
import type { GitIdentity, GitRemote } from '../../adapters/git/types.ts';
import { authorInput } from '../../specs/env-inputs.ts';

type Env = Readonly<Record<string, string | undefined>>;

const IDENTITY_RE = /^\s*([^<>]+?)\s*<([^<>\s]+)>\s*$/;

/** Parses `Name <email>`; a UserError names `input` when the text is not of that shape. */
export function parseIdentity(text: string, input = 'author'): GitIdentity {
  const match = IDENTITY_RE.exec(text);
  if (!match) throw new UserError(`${input}: "${text}" is not "Name <email>".`, { input });
  return { name: match[1]!, email: match[2]! };
}

/** The inputs every env-repo step shares. */
export interface RepoInputs {
  readonly repo: string;
  readonly token?: string | undefined;
  readonly forge: 'auto' | 'github' | 'gitlab';
}

/**
 * The user name that goes with the token over HTTPS: GitLab wants `gitlab-ci-token` with a job token and
 * takes `oauth2` with access tokens; elsewhere the git adapter's default (`x-access-token`) serves.
 */
export function gitUsername(inputs: Pick<RepoInputs, 'token' | 'forge'>, env: Env): string | undefined {
  if (inputs.token && inputs.token === env['CI_JOB_TOKEN']) return 'gitlab-ci-token';
  if (inputs.forge === 'gitlab' || (inputs.forge === 'auto' && (env['GITLAB_CI'] === 'true' || env['BATON_PLATFORM'] === 'gitlab')))
    return 'oauth2';
  return undefined;
}

/** The remote of the env repo with the token and the user name that goes with it. */
export function remoteOf(inputs: RepoInputs, env: Env): GitRemote {
  const username = gitUsername(inputs, env);
  return { url: inputs.repo, ...(inputs.token ? { token: inputs.token } : {}), ...(username ? { username } : {}) };
}

/** Who Baton commits as when no author is given: the `author` input's default. */
export const DEFAULT_IDENTITY: GitIdentity = parseIdentity(authorInput.default);

/** How to reach the forge API of the env repo (pr mode): the options every writing step passes. */
export function forgeOptions(inputs: RepoInputs & { readonly apiUrl?: string | undefined }): ForgeOptions {
  return {
    repoUrl: inputs.repo,
    ...(inputs.token ? { token: inputs.token } : {}),
    forge: inputs.forge,
    ...(inputs.apiUrl ? { apiUrl: inputs.apiUrl } : {}),
  };
}

/** The options of a forge client for the env repo. */
export interface ForgeOptions {
  readonly repoUrl: string;
  readonly token?: string;
  readonly forge: RepoInputs['forge'];
  readonly apiUrl?: string;
}

/**
 * Who did it, for commits and holds: the CI actor (GITHUB_ACTOR, GITLAB_USER_LOGIN), else the commit
 * author when one was given, else the local user running the command line.
 */
export function actorOf(origin: ChangeOrigin, author: GitIdentity, env: Env): string {
  if (origin.actor) return origin.actor;
  if (author.name !== DEFAULT_IDENTITY.name) return author.name;
  return env['USER'] || env['USERNAME'] || author.name;
}
