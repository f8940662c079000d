/**
 * The user and repository objects of GitHub's REST answers, with every field GitHub's description
 * (`simple-user`, `repository`) requires. The URL fields point at the test server's own origin, as
 * GitHub's point at its API, so nothing in an answer leads to the real github.com.
 */

/** The identity of a user, bot or organization as the test server keeps it. */
export interface Account {
  readonly login: string;
  readonly id: number;
  readonly node_id: string;
  readonly type: 'User' | 'Bot' | 'Organization';
  readonly site_admin: boolean;
}

/** A `simple-user` object for an account. */
export function userJson(base: string, account: Account): Account & Record<string, unknown> {
  const url = `${base}/users/${encodeURIComponent(account.login)}`;
  return {
    ...account,
    avatar_url: `${base}/avatars/u/${account.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${base}/${encodeURIComponent(account.login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
  };
}

/** What {@link repositoryJson} needs to know about a repository. */
export interface RepositoryFacts {
  readonly id: number;
  readonly owner: Account;
  readonly name: string;
  readonly allowAutoMerge: boolean;
  /** The caller's permissions, shown only to an authenticated caller. */
  readonly permissions?: Readonly<Record<string, boolean>>;
}

/** A `repository` object (private, never forked, created at a fixed date). */
export function repositoryJson(base: string, repo: RepositoryFacts): Record<string, unknown> {
  const fullName = `${repo.owner.login}/${repo.name}`;
  const api = `${base}/repos/${fullName}`;
  const created = '2024-01-01T00:00:00Z';
  return {
    id: repo.id,
    node_id: `R_kgDO${Buffer.from(String(repo.id)).toString('base64url')}`,
    name: repo.name,
    full_name: fullName,
    private: true,
    owner: userJson(base, repo.owner),
    html_url: `${base}/${fullName}`,
    description: null,
    fork: false,
    url: api,
    ...Object.fromEntries(
      [
        ['archive_url', '/{archive_format}{/ref}'],
        ['assignees_url', '/assignees{/user}'],
        ['blobs_url', '/git/blobs{/sha}'],
        ['branches_url', '/branches{/branch}'],
        ['collaborators_url', '/collaborators{/collaborator}'],
        ['comments_url', '/comments{/number}'],
        ['commits_url', '/commits{/sha}'],
        ['compare_url', '/compare/{base}...{head}'],
        ['contents_url', '/contents/{+path}'],
        ['contributors_url', '/contributors'],
        ['deployments_url', '/deployments'],
        ['downloads_url', '/downloads'],
        ['events_url', '/events'],
        ['forks_url', '/forks'],
        ['git_commits_url', '/git/commits{/sha}'],
        ['git_refs_url', '/git/refs{/sha}'],
        ['git_tags_url', '/git/tags{/sha}'],
        ['hooks_url', '/hooks'],
        ['issue_comment_url', '/issues/comments{/number}'],
        ['issue_events_url', '/issues/events{/number}'],
        ['issues_url', '/issues{/number}'],
        ['keys_url', '/keys{/key_id}'],
        ['labels_url', '/labels{/name}'],
        ['languages_url', '/languages'],
        ['merges_url', '/merges'],
        ['milestones_url', '/milestones{/number}'],
        ['notifications_url', '/notifications{?since,all,participating}'],
        ['pulls_url', '/pulls{/number}'],
        ['releases_url', '/releases{/id}'],
        ['stargazers_url', '/stargazers'],
        ['statuses_url', '/statuses/{sha}'],
        ['subscribers_url', '/subscribers'],
        ['subscription_url', '/subscription'],
        ['tags_url', '/tags'],
        ['teams_url', '/teams'],
        ['trees_url', '/git/trees{/sha}'],
      ].map(([field, path]) => [field, `${api}${path}`]),
    ),
    git_url: `${base.replace(/^https?:/, 'git:')}/${fullName}.git`,
    ssh_url: `git@${new URL(base).host}:${fullName}.git`,
    clone_url: `${base}/${fullName}.git`,
    svn_url: `${base}/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    size: 0,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    license: null,
    default_branch: 'main',
    visibility: 'private',
    pushed_at: created,
    created_at: created,
    updated_at: created,
    allow_auto_merge: repo.allowAutoMerge,
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: true,
    ...(repo.permissions
      ? { permissions: { admin: false, maintain: false, triage: false, push: false, pull: true, ...repo.permissions } }
      : {}),
  };
}
