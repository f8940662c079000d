/** A pull request (GitHub) or merge request (GitLab) as Baton needs it. */
export interface ChangeRequest {
  readonly number: number;
  readonly url: string;
  /** True when this call opened it; false when an open one was updated. */
  readonly created: boolean;
}

/** What to propose: the head branch (already pushed) onto the base branch. */
export interface ChangeProposal {
  readonly base: string;
  readonly head: string;
  readonly title: string;
  /** Markdown body; never contains secrets. */
  readonly body: string;
  readonly labels: readonly string[];
  readonly autoMerge: boolean;
}

/** A forge API (GitHub, GitLab) behind the one thing bump and promote need from it. */
export interface Forge {
  readonly kind: 'github' | 'gitlab';
  /** Opens a PR/MR from `head` to `base`, or updates the open one for the same head branch. */
  propose(proposal: ChangeProposal): Promise<ChangeRequest>;
}
