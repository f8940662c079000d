/** A pull request (GitHub) or merge request (GitLab) as Baton needs it. */
export interface ChangeRequest {
  readonly number: number;
  readonly url: string;
  /** True when this call opened it; false when an open one was updated. */
  readonly created: boolean;
  /** True when auto-merge is on after this call (asked for and enabled, or already on). */
  readonly autoMerge?: boolean;
  /**
   * Things that did not go as asked but do not fail the step, e.g. auto-merge refused because the
   * repository does not allow it. Worded for people; never contains secrets.
   */
  readonly warnings?: readonly string[];
}

/** How the forge merges once auto-merge fires (GitHub names; GitLab honours `squash`). */
export type MergeMethod = 'merge' | 'squash' | 'rebase';

/** What to propose: the head branch (already pushed) onto the base branch. */
export interface ChangeProposal {
  readonly base: string;
  readonly head: string;
  readonly title: string;
  /** Markdown body; never contains secrets. */
  readonly body: string;
  readonly labels: readonly string[];
  readonly autoMerge: boolean;
  /** Merge method for auto-merge; the repository's default when omitted. */
  readonly mergeMethod?: MergeMethod;
}

/** A forge API (GitHub, GitLab) behind the one thing bump and promote need from it. */
export interface Forge {
  readonly kind: 'github' | 'gitlab';
  /** Opens a PR/MR from `head` to `base`, or updates the open one for the same head branch. */
  propose(proposal: ChangeProposal): Promise<ChangeRequest>;
}
