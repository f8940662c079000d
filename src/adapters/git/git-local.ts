/**
 * Pushing into a local non-bare repository whose branch is checked out.
 *
 * git refuses a push that updates the checked-out branch of a non-bare repository
 * (`receive.denyCurrentBranch`, default `refuse`), because the working tree would no longer match it.
 * Two ways around it were weighed:
 *
 * - `receive.denyCurrentBranch=updateInstead` (passed with `--receive-pack`): git's own push-to-deploy.
 *   It refuses when the target has any uncommitted change at all, even in files Baton never touches.
 * - Fetching the commit into that working tree and fast-forwarding it with `git merge --ff-only`:
 *   the same check `git pull --ff-only` makes. It refuses only when a file the commit changes has local
 *   changes, and leaves unrelated work in progress alone. `merge` updates the branch with a
 *   compare-and-swap on its old value under `index.lock`, so concurrent bumps serialise and the loser
 *   sees a rejection, as with a remote.
 *
 * Baton does the second: a developer pointing `repo` at their own checkout keeps their unrelated edits,
 * and nothing is overwritten. The fetch reads from Baton's temporary clone, so no ref is created in the
 * target and none of its hooks run (`core.hooksPath=/dev/null` comes with every command).
 *
 * Neither way is safe for two landings at once: `merge` releases `index.lock` after writing the working
 * tree and only then moves the branch, so a second merge in that gap starts from the old head and leaves
 * the working tree half-updated (seen in this adapter's tests). Landings therefore take a lock file of
 * their own in the repository (`baton-land.lock`), naming the live process that holds it and when that
 * process started, so a lock whose process id was reused is recognised as left behind.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../core/errors.ts';
import type { GitCli } from './git-cli.ts';
import { failureDetail } from './git-errors.ts';
import type { PushResult } from './types.ts';

/** The working tree of `repo` (main or linked) that has `branch` checked out, if any. */
export async function worktreeWithBranch(cli: GitCli, repo: string, branch: string): Promise<string | undefined> {
  const { stdout } = await cli.run(['worktree', 'list', '--porcelain'], { cwd: repo });
  for (const block of stdout.split(/\n\n+/)) {
    const lines = block.split('\n');
    const path = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
    if (path && lines.includes(`branch refs/heads/${branch}`) && !lines.includes('bare')) return path;
  }
  return undefined;
}

/** Conflicts with the target's own work: only the user can resolve them. */
const LOCAL_CHANGES_RE = /would be overwritten|Your local changes|untracked working tree files|not concluded your merge|unmerged files/i;
/** The branch moved or another process holds the index: fetch the new head and apply the edit again. */
const RACE_RE = /Not possible to fast-forward|index\.lock|cannot lock ref|Unable to create .*\.lock/i;

/**
 * Lands `commit` (made in the clone at `source`) on `branch`, checked out in `worktree`, by fetching it
 * there and fast-forwarding. Resolves 'rejected' when the branch has moved on meanwhile.
 */
export async function fastForwardWorktree(
  cli: GitCli,
  worktree: string,
  source: string,
  commit: string,
  branch: string,
): Promise<PushResult> {
  const gitDir = (await cli.run(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: worktree })).stdout;
  const release = await acquireLock(join(gitDir.trim(), LOCK_NAME));
  try {
    return await fetchAndFastForward(cli, worktree, source, commit, branch);
  } finally {
    await release();
  }
}

async function fetchAndFastForward(cli: GitCli, worktree: string, source: string, commit: string, branch: string): Promise<PushResult> {
  await cli.run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', source, 'HEAD'], { cwd: worktree });
  const merge = await cli.raw(['merge', '--ff-only', '--quiet', commit], {
    cwd: worktree,
    env: { GIT_REFLOG_ACTION: `baton: fast-forward ${branch}` },
  });
  if (merge.code === 0) return 'pushed';
  const text = `${merge.stderr}\n${merge.stdout}`;
  if (LOCAL_CHANGES_RE.test(text)) {
    // git lists the conflicting files on tab-indented lines under its message.
    const files = text
      .split('\n')
      .filter((l) => l.startsWith('\t'))
      .map((l) => l.trim());
    throw new UserError(
      `repo: ${worktree} has "${branch}" checked out with local changes to ${files.join(', ') || 'files'} ` +
        `that this commit updates (${failureDetail(merge)}). Commit or stash them there and run again.`,
      { input: 'repo' },
    );
  }
  if (RACE_RE.test(text)) {
    cli.log(`fast-forward of ${branch} in ${worktree} lost a race: ${failureDetail(merge)}`);
    return 'rejected';
  }
  throw new Error(`could not fast-forward "${branch}" in ${worktree}: ${failureDetail(merge)}`);
}

const LOCK_NAME = 'baton-land.lock';
/**
 * How many times a busy lock is looked at (25–75 ms apart) before Baton gives up. Counted in looks, not
 * wall-clock time, and reset whenever the lock changes hands: a queue of live landings is waited out
 * however slow the machine; only a lock that stays the same the whole time ends the wait.
 */
const LOCK_LOOKS = 200;

/**
 * Takes the landing lock, waiting while other landings take turns; a lock left by a process that no
 * longer runs (or whose id now belongs to a process started later) is taken over. Resolves with a
 * release function; throws a {@link UserError} naming the lock when one holder keeps it the whole wait.
 */
async function acquireLock(path: string): Promise<() => Promise<void>> {
  let holder = '';
  for (let looks = 0; looks < LOCK_LOOKS; looks++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid} ${(await startTime(process.pid)) ?? ''}\n`);
      await handle.close();
      return () => unlink(path).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const seen = await readFile(path, 'utf8').catch(() => '');
      if (seen !== holder) looks = 0;
      holder = seen;
      if (await isStale(seen)) await unlink(path).catch(() => {});
      else await sleep(25 + Math.random() * 50);
    }
  }
  throw new UserError(
    `repo: ${path} has been held by process ${holder.trim().split(' ')[0] || '(unknown)'} for the whole wait; another landing ` +
      'is stuck or the lock was left behind. If no Baton run is landing in this repository, delete the file and run again.',
    { input: 'repo' },
  );
}

/** When process `pid` started (clock ticks since boot, /proc/<pid>/stat field 22), where /proc exists. */
async function startTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** True when the lock's holder no longer runs, or its id now names another process (started at another time). */
async function isStale(content: string): Promise<boolean> {
  const [pidText = '', started = ''] = content.trim().split(' ');
  const pid = Number.parseInt(pidText, 10);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const now = await startTime(pid);
  return started !== '' && now !== undefined && now !== started;
}
