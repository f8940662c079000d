/**
 * Head starts: the `baton` loader begins a step's first env-repo clone as soon as the inputs passed
 * the spec, before it requires the step's bundle, so loading and setting up the step overlap the
 * clone's network round trips. The step takes the clone only when it asks for exactly this one
 * (steps/shared/head-start.ts); a clone nobody took is killed and removed before the process ends.
 * Only `git` through the adapter's hardened runner, so the token stays in the child's environment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseRepoPath } from '../core/repo-path.ts';
import { type ClonedDir, cloneInto } from '../adapters/git/git-clone.ts';
import type { GitRemote } from '../adapters/git/types.ts';
import { type HeadStart, type HeadStartRequest, HEAD_START, headStartKey, publishHeadStart } from '../steps/shared/head-start.ts';
import { remoteOf } from '../steps/shared/identity.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Starts a step's first clone from its checked inputs; resolves the returned disposer when the step is done. */
export type HeadStarter = (inputs: Readonly<Record<string, unknown>>, env: Env) => (() => Promise<void>) | undefined;

/**
 * One attempt: a head start that fails for any reason is cloned again by the step with its own retries
 * and messages, so retrying here would only delay that.
 */
const ONE_ATTEMPT = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } as const;

/**
 * bump's first clone, as `openEnvironment` asks for it: the branch input (else the default branch),
 * sparse on the normalised path, or on nothing but the root files when an env is named.
 */
function bumpHeadStart(inputs: Readonly<Record<string, unknown>>, env: Env): (() => Promise<void>) | undefined {
  const text = (name: string) => (typeof inputs[name] === 'string' && inputs[name] ? (inputs[name] as string) : undefined);
  const repo = text('repo');
  const forge = inputs['forge'];
  if (!repo || (forge !== 'auto' && forge !== 'github' && forge !== 'gitlab')) return undefined;
  let sparsePaths: string[];
  try {
    const path = text('path');
    sparsePaths = path ? [normaliseRepoPath(path)] : [];
  } catch {
    return undefined; // the step refuses the path with its own message
  }
  const token = text('token');
  const remote = remoteOf({ repo, forge, ...(token ? { token } : {}) }, env);
  const branch = text('branch');
  return startClone(remote, { ...(branch ? { branch } : {}), sparsePaths }, env);
}

/** The steps that get a head start, by name. */
const STARTERS: Readonly<Record<string, HeadStarter>> = { bump: bumpHeadStart };

/** The head starter of step `name`, if it has one. */
export function headStarterFor(name: string): HeadStarter | undefined {
  return Object.hasOwn(STARTERS, name) ? STARTERS[name] : undefined;
}

/**
 * Starts the clone, publishes it, and returns its disposer. The directory is made and git started before
 * this returns (no await on the way): the caller's synchronous require of the step bundle must not hold
 * the clone back. Same directory wiring as steps/shared/clone.ts (`baton-env-` under RUNNER_TEMP).
 */
function startClone(remote: GitRemote, request: HeadStartRequest, env: Env): (() => Promise<void>) | undefined {
  let dir: string;
  try {
    dir = mkdtempSync(join(env['RUNNER_TEMP'] || tmpdir(), 'baton-env-'));
  } catch {
    return undefined; // no head start: the step meets the same problem with its own message, in its turn
  }
  const abort = new AbortController();
  const clone: Promise<ClonedDir | undefined> = cloneInto(remote, {
    ...request,
    sparsePaths: [...request.sparsePaths],
    dir,
    retry: ONE_ATTEMPT,
    signal: abort.signal,
  }).then(
    ({ cloned }) => cloned,
    async () => {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      return undefined;
    },
  );
  const headStart: HeadStart = { key: headStartKey(remote, request), clone, taken: false };
  publishHeadStart(headStart);
  // A process that ends without the disposer (an exit called from inside a step): kill and remove now.
  const onExit = () => {
    if (headStart.taken) return;
    abort.abort();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return async () => {
    process.off('exit', onExit);
    const global = globalThis as Record<symbol, unknown>;
    if (global[HEAD_START] === headStart) delete global[HEAD_START];
    if (headStart.taken) return;
    headStart.taken = true;
    abort.abort();
    // Resolves once git is gone (a killed clone fails and removes its directory itself).
    const left = await clone;
    if (left) await rm(left.dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
