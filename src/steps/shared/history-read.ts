/**
 * Reading an environment's history from a least clone: the commits that touched its path (history
 * deepened only as far as needed), its files at each, and the verification notes under refs/notes/baton,
 * folded into states by core/history. Shared by history, rollback, promote and status.
 */
import type { Environment } from '../../core/env-config.ts';
import { buildHistory, type CommitSnapshot, type HistoryEntry } from '../../core/history/states.ts';
import { NOTES_REF } from '../../core/verify/verdict-note.ts';
import type { HistoryCommit } from '../../adapters/git/git-repo.ts';
import { type EnvRepoCheckout, isEditable } from './env-repo.ts';
import type { SignatureReader } from './signatures.ts';

/** What reading history needs from a clone (implemented by the git adapter's `GitRepo`). */
export interface EnvRepoReader {
  historyOf(path: string, limit: number): Promise<{ commits: HistoryCommit[]; complete: boolean }>;
  filesAt(commits: readonly string[], path: string, keep: (file: string) => boolean): Promise<Map<string, Map<string, string>>>;
  fetchRef(ref: string): Promise<string | null>;
  notesOf(notesRef: string, commits: readonly string[]): Promise<Map<string, string>>;
}

/** A clone that can both write and read history, and check the signatures of its commits. */
export type HistoryCheckout = EnvRepoCheckout & EnvRepoReader & SignatureReader;

/** The history read: entries newest first, and whether they reach back to the first commit. */
export interface EnvHistory {
  readonly entries: HistoryEntry[];
  readonly complete: boolean;
}

/** The most commits of one path read for a history (a bound on cost for very long histories). */
const MAX_COMMITS = 2000;

/** Fetches the notes ref once per clone (its tip holds every note). */
export async function fetchNotes(repo: EnvRepoReader): Promise<void> {
  await repo.fetchRef(NOTES_REF);
}

/** Snapshots of commits: their files under `path` and their notes (notes must be fetched). */
export async function snapshots(repo: EnvRepoReader, commits: readonly HistoryCommit[], path: string): Promise<CommitSnapshot[]> {
  const ids = commits.map((c) => c.commit);
  const files = await repo.filesAt(ids, path, isEditable);
  const notes = await repo.notesOf(NOTES_REF, ids);
  return commits.map((c) => {
    const note = notes.get(c.commit);
    return { ...c, files: files.get(c.commit) ?? new Map(), ...(note !== undefined ? { note } : {}) };
  });
}

/**
 * The newest `limit` states of the environment (more commits are read while config-only commits fold
 * away), with verdicts for the environment. Fetches the notes ref first.
 */
export async function readHistory(
  repo: EnvRepoReader,
  env: Environment,
  limit: number,
  policies: Readonly<Record<string, string>>,
): Promise<EnvHistory> {
  await fetchNotes(repo);
  for (let commits = limit * 2 + 2; ; commits = Math.min(MAX_COMMITS, commits * 4)) {
    const read = await repo.historyOf(env.path, commits);
    const entries = buildHistory(await snapshots(repo, read.commits, env.path), env.name, policies);
    // One entry more than shown: the oldest one shown then knows what it changed.
    if (entries.length > limit) return { entries: entries.slice(0, limit), complete: false };
    if (read.complete || commits >= MAX_COMMITS) return { entries, complete: read.complete };
  }
}
