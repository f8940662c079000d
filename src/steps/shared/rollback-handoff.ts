/**
 * The hand-over from verify to rollback: verify asks for a rollback through this interface, and the
 * composition root (src/entry) connects it to the rollback step, so neither step imports the other.
 */

/** What a rollback hand-off gets. */
export interface RollbackRequest {
  readonly repo: string;
  readonly token?: string;
  readonly branch?: string;
  readonly env: string;
  /** The commit that failed verification. */
  readonly revision?: string;
  /** Why, for the rollback's commit message. */
  readonly reason: string;
}

/** Hands a failed environment to the rollback step; resolves with one line saying what it did. */
export interface RollbackHandoff {
  rollback(request: RollbackRequest): Promise<string>;
}
