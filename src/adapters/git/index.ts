/** The git adapter: every git command Baton runs goes through {@link GitRepo} and its `GitCli`. */
export { DEFAULT_IDENTITY, GitRepo, type GitRepoTuning } from './git-repo.ts';
export { MIN_GIT_VERSION, NETWORK_RETRY, ensureGitVersion } from './git-cli.ts';
export { describeRemote, resolveRemote } from './git-url.ts';
export type { StatusEntry } from './git-paths.ts';
export type * from './types.ts';
