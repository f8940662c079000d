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

/**
 * The state of a commit status, in GitHub's words; GitLab gets `failed` for `failure` and `error`.
 * `error` is for a check that could not finish (a timeout), `failure` for one that said no.
 */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** A commit status: a named, coloured mark on a commit for people to see (verify's verdict mirror). */
export interface CommitStatus {
  /** The full commit id. */
  readonly sha: string;
  readonly state: CommitState;
  /** The status's name: GitHub `context`, GitLab `name`, e.g. `baton/verify/staging`. */
  readonly context: string;
  /** One line for people; cut to 140 characters (GitHub's limit). */
  readonly description: string;
  /** Where the details are (the CI run). */
  readonly targetUrl?: string;
  /** The branch the commit is on (GitLab files the status under it). */
  readonly ref?: string;
}

/** What setting a commit status made. */
export interface CommitStatusResult {
  /** The forge's id of the status. */
  readonly id: number;
}

/**
 * The state of a deployment status, in GitHub's words. verify writes `success` (healthy), `failure`
 * (failed) and `error` (timeout); the others are GitHub's for deployments still under way or gone.
 */
export type DeploymentState = CommitState | 'inactive' | 'in_progress' | 'queued';

/**
 * A deployment status: "this commit is what runs in this environment, and how that went", shown on
 * GitHub's Environments page and the repository's deployments list (verify's second verdict mirror).
 */
export interface DeploymentStatus {
  /** The full commit id that was deployed (the deployment's `ref`). */
  readonly sha: string;
  /** The environment's name, e.g. `staging`. */
  readonly environment: string;
  readonly state: DeploymentState;
  /** One line for people; cut to 140 characters (GitHub's limit). */
  readonly description: string;
  /** Where the details are (the CI run): GitHub's `log_url`. */
  readonly logUrl?: string;
  /** Where the environment can be reached, when known: GitHub's `environment_url`. */
  readonly environmentUrl?: string;
  /** The environment is one end users interact with (GitHub's `production_environment`); default false. */
  readonly production?: boolean;
}

/** What setting a deployment status made. */
export interface DeploymentStatusResult {
  /** The forge's id of the deployment the status was added to. */
  readonly deploymentId: number;
  /** The forge's id of the status. */
  readonly statusId: number;
  /** True when this call created the deployment; false when one for the same commit and environment was reused. */
  readonly createdDeployment: boolean;
}

/** A forge API (GitHub, GitLab) behind the few things Baton's steps need from it. */
export interface Forge {
  readonly kind: 'github' | 'gitlab';
  /** Opens a PR/MR from `head` to `base`, or updates the open one for the same head branch. */
  propose(proposal: ChangeProposal): Promise<ChangeRequest>;
  /** Sets a commit status on a commit (a new one each call; the forge shows the newest per name). */
  setCommitStatus(status: CommitStatus): Promise<CommitStatusResult>;
  /**
   * Adds a status to the deployment of `sha` to `environment`, creating the deployment when the forge
   * has none for that commit and environment yet.
   *
   * GitHub only; GitLabForge leaves it out and callers skip it. GitLab's environments are
   * pipeline-driven: a job that declares `environment:` makes the deployment and GitLab tracks its status
   * with the job. Its `POST /projects/:id/deployments` is for deploys made outside GitLab CI/CD, so a
   * record written from verify would sit next to the one the pipeline's own deploy job already made,
   * as a second deployment of the same commit. On GitLab the commit status is the mirror.
   */
  setDeploymentStatus?(status: DeploymentStatus): Promise<DeploymentStatusResult>;
}

/** The most GitHub takes in a status description. */
export const STATUS_DESCRIPTION_LIMIT = 140;

/** A description that fits {@link STATUS_DESCRIPTION_LIMIT}, cut with an ellipsis. */
export function statusDescription(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > STATUS_DESCRIPTION_LIMIT ? `${line.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…` : line;
}
