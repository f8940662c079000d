/**
 * Refs that are not the cloned branch, and git notes: leased atomic pushes of several refs, fetching a
 * single ref such as `refs/notes/baton`, appending to a note and reading notes back.
 */
import { UserError } from '../../core/errors.ts';
import { type CloneHandle, gitIn, identityEnv } from './git-handle.ts';
import { readBlobs } from './git-history.ts';
import { parsePushOutput } from './git-push.ts';
import { signRefTip } from './git-signing.ts';
import type { PushResult } from './types.ts';

/** One ref of an atomic push: where it should point (null: delete) and where it must point now. */
export interface RefUpdate {
  readonly ref: string;
  readonly to: string | null;
  readonly expect: string | null;
}

/** Rejections of an atomic push that mean "someone moved a ref first" (or a sibling ref's did). */
const ATOMIC_RACE_RE =
  /\((fetch first|non-fast-forward|stale info|atomic push failed|atomic transaction failed|cannot lock ref[^)]*|failed to update ref|incorrect old value[^)]*|failed to lock|already exists)\)/i;

/**
 * Updates several remote refs in one atomic push, each guarded by a lease (`expect`: the head the ref
 * must still have, or null: it must not exist). `to: null` deletes the ref. 'rejected' when any lease
 * failed or a ref moved: nothing was changed then (git-push(1) `--atomic`). Never a forced update of a
 * ref whose lease does not hold.
 */
export async function pushRefs(handle: CloneHandle, updates: readonly RefUpdate[]): Promise<PushResult> {
  const { cli } = handle;
  const args = ['push', '--porcelain', '--no-verify', '--atomic'];
  for (const u of updates) args.push(`--force-with-lease=${u.ref}:${u.expect ?? ''}`);
  args.push('origin', ...updates.map((u) => `${u.to ?? ''}:${u.ref}`));
  const accept = (r: { stdout: string }) => parsePushOutput(r.stdout).length > 0;
  const result = await cli.network(args, { verb: 'push' }, { cwd: handle.dir, accept });
  if (result.code === 0) return 'pushed';
  const lines = parsePushOutput(result.stdout).filter((line) => line.flag === '!');
  if (lines.every((line) => ATOMIC_RACE_RE.test(line.summary))) return 'rejected';
  throw new UserError(`repo: ${cli.remote.display} refused to update ${lines.map((l) => `${l.to} (${l.summary})`).join(', ')}.`, {
    input: 'repo',
  });
}

/**
 * Fetches a remote ref that is not a branch (e.g. `refs/notes/baton`) into the same local ref, depth 1
 * and blobless like the clone. Resolves with its head, the lease for {@link pushRefs}, or null when the
 * remote has no such ref (the local ref is then deleted too).
 */
export async function fetchRef(handle: CloneHandle, ref: string): Promise<string | null> {
  const args = ['fetch', '--quiet', '--depth', '1', '--no-tags', '--no-write-fetch-head', 'origin', `+${ref}:${ref}`];
  const absent = (r: { stderr: string }) => /couldn't find remote ref/i.test(r.stderr);
  const result = await handle.cli.network(args, { verb: 'fetch' }, { cwd: handle.dir, accept: absent });
  if (result.code !== 0) {
    await gitIn(handle, ['update-ref', '-d', ref]);
    return null;
  }
  return (await gitIn(handle, ['rev-parse', '--verify', ref])).stdout.trim();
}

/**
 * Appends `text` to the note of `commit` under `notesRef` (git-notes(1) `append`: a new paragraph
 * after what the note holds) as a new notes commit; resolves with the notes ref's new head. Reading the
 * old note may fetch its blob (blobless clone), so it runs as a network verb.
 */
export async function appendNote(handle: CloneHandle, notesRef: string, commit: string, text: string): Promise<string> {
  const args = ['notes', `--ref=${notesRef}`, 'append', '-F', '-', commit];
  await handle.cli.network(args, { verb: 'notes' }, { cwd: handle.dir, input: text, env: identityEnv(handle.identity) });
  // git notes cannot sign; when signing is on, the notes commit is made again, signed, with the same content.
  if (handle.cli.signs) return signRefTip(handle, notesRef, identityEnv(handle.identity));
  return (await gitIn(handle, ['rev-parse', '--verify', notesRef])).stdout.trim();
}

/**
 * The notes under `notesRef` (already fetched, e.g. with {@link fetchRef}) of the given commits: commit →
 * note text; commits without a note are absent.
 */
export async function notesOf(handle: CloneHandle, notesRef: string, commits: readonly string[]): Promise<Map<string, string>> {
  const tip = await handle.cli.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${notesRef}^{commit}`], { cwd: handle.dir });
  if (tip.code !== 0) return new Map();
  const head = tip.stdout.trim();
  const { stdout } = await gitIn(handle, ['ls-tree', '-r', '-z', head]);
  const wanted = new Set(commits);
  const notes = new Map<string, string>();
  for (const entry of stdout.split('\0').filter(Boolean)) {
    const commit = entry.slice(entry.indexOf('\t') + 1).replace(/\//g, '');
    if (wanted.has(commit)) notes.set(commit, entry.split('\t')[0]!.split(' ')[2]!);
  }
  const texts = await readBlobs(handle, [head], [...notes.values()]);
  return new Map([...notes].map(([commit, oid]) => [commit, texts.get(oid) ?? '']));
}
