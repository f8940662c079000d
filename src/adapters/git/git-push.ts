import { UserError } from '../../core/errors.ts';
import type { ExecResult } from '../exec.ts';
import type { PushResult } from './types.ts';

/** One ref line of `git push --porcelain` (git-push(1), "OUTPUT"). */
export interface PushedRef {
  /** ` ` fast-forward, `+` forced, `-` deleted, `*` new, `!` rejected, `=` up to date. */
  readonly flag: string;
  readonly to: string;
  /** `[rejected] (fetch first)`, `[remote rejected] (cannot lock ref …)`, `abc..def`. */
  readonly summary: string;
}

/** Parses the ref lines of `git push --porcelain` output (`<flag>\t<from>:<to>\t<summary>`). */
export function parsePushOutput(stdout: string): PushedRef[] {
  const refs: PushedRef[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^(.)\t([^\t]*):([^\t]*)\t(.*)$/.exec(line);
    if (match) refs.push({ flag: match[1]!, to: match[3]!, summary: match[4]! });
  }
  return refs;
}

/**
 * Rejections that mean "someone else moved the branch first": the caller fetches, re-applies its edit
 * and pushes again. `cannot lock ref`/`failed to update ref`/`incorrect old value` are what
 * receive-pack answers when two pushes update the same ref at the same instant; `stale info` is a
 * `--force-with-lease` whose expected value no longer holds.
 */
const RACE_RE =
  /\((fetch first|non-fast-forward|stale info|cannot lock ref[^)]*|failed to update ref|incorrect old value[^)]*|failed to lock)\)/i;

/** What a push did to one ref, and git's words for it. */
export interface PushOutcome {
  readonly result: PushResult;
  readonly summary: string;
}

/**
 * What a finished `git push --porcelain` did to `ref`: 'pushed', 'rejected' (a race, see above), or
 * undefined when the output says nothing about `ref` (the push failed before; the caller classifies
 * the failure). A rejection for any other reason (a protected branch, a hook) is a {@link UserError}.
 */
export function pushOutcome(result: ExecResult, ref: string, remote: string): PushOutcome | undefined {
  const line = parsePushOutput(result.stdout).find((r) => r.to === ref);
  if (!line) return undefined;
  if (line.flag !== '!') return result.code === 0 ? { result: 'pushed', summary: line.summary } : undefined;
  if (RACE_RE.test(line.summary)) return { result: 'rejected', summary: line.summary };
  const branch = ref.replace(/^refs\/heads\//, '');
  throw new UserError(
    `branch: ${remote} refused the push to "${branch}": ${line.summary}. If the branch is protected, use ` +
      'mode: pr, or allow the token to push to it.',
    { input: 'branch' },
  );
}
