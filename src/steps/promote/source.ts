/**
 * Reading a promotion's source: the commit the source environment runs (the newest that touched its
 * path), its images there, and the verification record on that commit, checked by the gate.
 */
import type { Environment } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { imagesIn } from '../../core/history/states.ts';
import type { ImageRef } from '../../core/image-ref.ts';
import { checkVerified, type NotedCommit } from '../../core/promote/gate.ts';
import { latestVerdict, NOTES_REF, type VerdictRecord } from '../../core/verify/verdict-note.ts';
import { isEditable } from '../shared/env-repo.ts';
import { fetchNotes, type HistoryCheckout } from '../shared/history-read.ts';

/** What the source runs and what vouches for it. */
export interface SourceState {
  readonly env: Environment;
  /** The env-repo commit the source runs. */
  readonly commit: string;
  /** Canonical name → the image as the source's files hold it at that commit. */
  readonly images: ReadonlyMap<string, ImageRef>;
  /** The record the gate accepted; undefined when require-verified is off. */
  readonly record?: VerdictRecord;
}

/** How the gate is asked. */
export interface SourceGate {
  readonly requireVerified: boolean;
  readonly soakMs: number;
  readonly nowMs: number;
  readonly repo: string;
}

/** How many earlier commits of the source are looked at to tell "verified for another commit". */
const EARLIER = 10;

function noted(notes: ReadonlyMap<string, string>, commit: string): NotedCommit {
  const note = notes.get(commit);
  return note === undefined ? { commit } : { commit, note };
}

/**
 * The commits of the source before the current one, with their notes, read only when the current one
 * has no record for the environment: they tell "verified for another commit" from "never verified".
 */
async function earlierOf(
  repo: HistoryCheckout,
  env: Environment,
  notes: ReadonlyMap<string, string>,
  current: string,
): Promise<NotedCommit[]> {
  const note = notes.get(current);
  if (note && latestVerdict(note, env.name)) return [];
  const earlier = (await repo.historyOf(env.path, EARLIER + 1)).commits.slice(1).map((c) => c.commit);
  const more = await repo.notesOf(NOTES_REF, earlier);
  return earlier.map((commit) => noted(more, commit));
}

/** Reads the source environment on the clone of its branch and passes it through the gate. */
export async function readSource(
  repo: HistoryCheckout,
  env: Environment,
  policies: Readonly<Record<string, string>>,
  gate: SourceGate,
): Promise<SourceState> {
  if (!(await repo.treeOf('HEAD', env.path))) {
    throw new UserError(`from: the path "${env.path}" of ${env.name} does not exist on ${repo.branch}; check baton.yaml.`, {
      input: 'from',
    });
  }
  await fetchNotes(repo);
  const current = (await repo.historyOf(env.path, 1)).commits[0];
  if (!current) throw new UserError(`from: no commit on ${repo.branch} touched ${env.path}.`, { input: 'from' });
  const notes = await repo.notesOf(NOTES_REF, [current.commit]);
  let passed: ReturnType<typeof checkVerified> | undefined;
  if (gate.requireVerified) {
    const earlier = await earlierOf(repo, env, notes, current.commit);
    passed = checkVerified({
      env: env.name,
      current: noted(notes, current.commit),
      earlier,
      soakMs: gate.soakMs,
      nowMs: gate.nowMs,
      repo: gate.repo,
    });
  }
  const files = (await repo.filesAt([current.commit], env.path, isEditable)).get(current.commit) ?? new Map<string, string>();
  const { images, problems } = imagesIn(files, policies);
  if (problems.length > 0)
    throw new UserError(`from: ${env.name} cannot be read at ${current.commit.slice(0, 12)}: ${problems.join('; ')}`, { input: 'from' });
  if (images.size === 0) throw new UserError(`from: ${env.name} holds no images under ${env.path}.`, { input: 'from' });
  return { env, commit: current.commit, images, ...(passed ? { record: passed.record } : {}) };
}
