/**
 * Where an image comes from: commit, branch, git tag, pull request, read from the CI environment
 * (GitHub Actions, GitLab CI) with the local git checkout filling what CI does not say.
 */

/** The source of a build, as docker/metadata-action reads it from CI. */
export interface SourceContext {
  /** The commit the image is built from: on a pull request the PR head commit, never the merge commit. */
  readonly sha?: string;
  readonly branch?: string;
  /** A git tag the build runs for (`v1.2.3`). */
  readonly gitTag?: string;
  /** Pull/merge request number. */
  readonly pr?: number;
  readonly defaultBranch?: string;
  /** Web URL of the source repository, for `org.opencontainers.image.source`. */
  readonly repositoryUrl?: string;
  /** Committer time of `sha`, in seconds since the epoch. */
  readonly commitTime?: number;
  /** The CI run number, for the `{{run}}` template. */
  readonly runNumber?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The parts of a GitHub webhook event payload that matter here. */
export interface GithubEvent {
  readonly pull_request?: { readonly number?: number; readonly head?: { readonly sha?: string; readonly ref?: string } };
  readonly repository?: { readonly default_branch?: string };
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

function positive(text: string | undefined): number | undefined {
  const n = Number(text);
  return text && Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * GitHub Actions: `GITHUB_REF` names the branch, tag or `refs/pull/<n>/merge`; on pull requests the
 * head commit comes from the event payload (`GITHUB_SHA` is the merge commit there).
 */
export function githubSourceContext(env: Env, event: GithubEvent = {}): SourceContext {
  const ref = env['GITHUB_REF'] ?? '';
  const pull = /^refs\/pull\/(\d+)\//.exec(ref);
  const pr = event.pull_request?.number ?? positive(pull?.[1]);
  const server = env['GITHUB_SERVER_URL'];
  const repository = env['GITHUB_REPOSITORY'];
  return compact({
    sha: event.pull_request?.head?.sha ?? env['GITHUB_SHA'],
    branch: pr ? (env['GITHUB_HEAD_REF'] ?? event.pull_request?.head?.ref) : ref.startsWith('refs/heads/') ? ref.slice(11) : undefined,
    gitTag: ref.startsWith('refs/tags/') ? ref.slice(10) : undefined,
    pr,
    defaultBranch: event.repository?.default_branch,
    repositoryUrl: server && repository ? `${server}/${repository}` : undefined,
    runNumber: env['GITHUB_RUN_NUMBER'],
  });
}

/**
 * GitLab CI: `CI_COMMIT_TAG`, `CI_COMMIT_BRANCH`, and in merge request pipelines `CI_MERGE_REQUEST_IID`
 * with the source branch; a merged-results pipeline builds a merge commit, so the head is
 * `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA` when set.
 */
export function gitlabSourceContext(env: Env): SourceContext {
  const pr = positive(env['CI_MERGE_REQUEST_IID']);
  return compact({
    sha: env['CI_MERGE_REQUEST_SOURCE_BRANCH_SHA'] || env['CI_COMMIT_SHA'],
    branch: pr ? env['CI_MERGE_REQUEST_SOURCE_BRANCH_NAME'] : env['CI_COMMIT_BRANCH'],
    gitTag: env['CI_COMMIT_TAG'],
    pr,
    defaultBranch: env['CI_DEFAULT_BRANCH'],
    repositoryUrl: env['CI_PROJECT_URL'],
    runNumber: env['CI_PIPELINE_IID'],
  });
}

/** True in a GitLab CI job: `GITLAB_CI=true`, or GitLab's job variables (gitlab-ci-local sets `GITLAB_CI=false`). */
function inGitlab(env: Env): boolean {
  return env['GITLAB_CI'] === 'true' || (!!env['CI_COMMIT_SHA'] && !!env['CI_PROJECT_URL']);
}

/**
 * The source context of a run. In CI, CI's view wins and decides the ref (GitHub when
 * `GITHUB_ACTIONS=true`, else GitLab): a local tag on a branch build makes no semver tags, as with
 * docker/metadata-action. The local checkout adds the commit time (when it is the commit CI builds)
 * and fills the rest outside CI.
 */
export function sourceContext(env: Env, event: GithubEvent | undefined, local: SourceContext = {}): SourceContext {
  const inGithub = env['GITHUB_ACTIONS'] === 'true';
  if (!inGithub && !inGitlab(env)) return local;
  const ci = inGithub ? githubSourceContext(env, event) : gitlabSourceContext(env);
  const sameCommit = !ci.sha || ci.sha === local.sha;
  return compact({
    ...ci,
    sha: ci.sha ?? local.sha,
    repositoryUrl: ci.repositoryUrl ?? local.repositoryUrl,
    commitTime: sameCommit ? local.commitTime : undefined,
  });
}
