/**
 * Links into the forge from an env repo's URL: commits, pull/merge requests. Pure: GitHub's and GitLab's
 * URL shapes (`/commit/<sha>`, `/pull/<n>`; `/-/commit/<sha>`, `/-/merge_requests/<n>`), none for a
 * local path.
 */

/** Builds links for one repo; every function answers undefined when the repo has no web address. */
export interface RepoLinks {
  commit(sha: string): string | undefined;
  /** The PR/MR a commit message names (a merge or squash of one), if any. */
  request(message: string): string | undefined;
}

/** The web address of a repo URL (`https://host/group/name`), undefined for a local path or ssh. */
export function webBase(repo: string): string | undefined {
  const match = /^(https?):\/\/(?:[^/@]*@)?([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(repo);
  return match ? `${match[1]}://${match[2]}/${match[3]}` : undefined;
}

/** Links for `repo`; `forge` picks the URL shapes (auto: GitLab when the host names it). */
export function repoLinks(repo: string, forge: 'auto' | 'github' | 'gitlab' = 'auto'): RepoLinks {
  const base = webBase(repo);
  const gitlab = forge === 'gitlab' || (forge === 'auto' && base !== undefined && /gitlab/i.test(new URL(base).hostname));
  return {
    commit: (sha) => (base ? `${base}${gitlab ? '/-' : ''}/commit/${sha}` : undefined),
    request(message) {
      if (!base) return undefined;
      const mr = /See merge request [^\s!]*!(\d+)/.exec(message);
      if (mr) return `${base}/-/merge_requests/${mr[1]}`;
      const pr = /^Merge pull request #(\d+)/m.exec(message) ?? /\(#(\d+)\)\s*$/m.exec(message.split('\n')[0] ?? '');
      if (pr) return gitlab ? `${base}/-/merge_requests/${pr[1]}` : `${base}/pull/${pr[1]}`;
      return undefined;
    },
  };
}
