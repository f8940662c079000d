/**
 * The hand-over of a head start: the `baton` loader starts a step's first env-repo clone while the
 * step's own bundle still loads (src/platform/head-start.ts), and the step's clone wiring
 * (./clone.ts) takes it when it asks for exactly that clone. The two sides are separate bundles, each
 * with its own copy of every module, so what crosses is plain data and a native promise under one
 * process-wide symbol; never a class instance, never a credential.
 */
import { createHash } from 'node:crypto';
import type { ClonedDir } from '../../adapters/git/git-clone.ts';
import type { GitRemote } from '../../adapters/git/types.ts';

/** The one global a head start is published under. */
export const HEAD_START = Symbol.for('baton.headStart');

/** A clone started before its step was loaded. */
export interface HeadStart {
  /** What was cloned ({@link headStartKey}): a step adopts the clone only when it asks for this one. */
  readonly key: string;
  /** The clone, or undefined when it failed (its directory is then gone: the taker clones itself). */
  readonly clone: Promise<ClonedDir | undefined>;
  /** Set by the step that takes the clone: from then on the directory is the step's to remove. */
  taken: boolean;
}

/** What a clone is asked for, as far as it decides what is cloned. */
export interface HeadStartRequest {
  readonly branch?: string | undefined;
  readonly sparsePaths: readonly string[];
}

/**
 * The identity of a clone: a hash of the URL, the user name, the token (a clone with another token may
 * see another repository, or fail), the branch and the sparse paths. A hash, so that neither the token
 * nor credentials written into the URL are kept anywhere readable.
 */
export function headStartKey(remote: GitRemote, request: HeadStartRequest): string {
  const identity = [remote.url, remote.username ?? '', remote.token ?? '', request.branch ?? null, request.sparsePaths];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** Publishes a head start for the step about to load; a later one replaces it. */
export function publishHeadStart(headStart: HeadStart): void {
  (globalThis as Record<symbol, unknown>)[HEAD_START] = headStart;
}

/**
 * Takes the published head start if it is the clone `key` names, and marks it taken; a head start is
 * taken at most once. Resolves with the finished clone, or undefined when there is none to take or it
 * failed (the caller then clones as it would have anyway, with every error message of its own clone).
 */
export async function takeHeadStart(key: string): Promise<ClonedDir | undefined> {
  const global = globalThis as Record<symbol, HeadStart | undefined>;
  const found = global[HEAD_START];
  if (!found || found.taken || found.key !== key) return undefined;
  found.taken = true;
  delete global[HEAD_START];
  return found.clone;
}
