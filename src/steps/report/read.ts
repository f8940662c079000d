/**
 * Reads every environment's whole history for the report from one bare clone: the commits that touched
 * its path, its files replayed commit by commit from the raw diffs (each blob read and parsed once), the
 * verification notes and the holds; and what status shows for each environment now.
 */
import type { ChangedCommit, GitHistory } from '../../adapters/git/full-history.ts';
import type { Environment } from '../../core/env-config.ts';
import type { EnvReading } from '../../core/history/status.ts';
import { digestAmong, imagesIn, type ImageVersion } from '../../core/history/states.ts';
import type { ImageRef } from '../../core/image-ref.ts';
import type { EnvInput, ReportCommit } from '../../core/report/model.ts';
import { findHolds, type FoundHold } from '../../core/rollback/holds.ts';
import { latestVerdict, NOTES_REF, type VerdictRecord } from '../../core/verify/verdict-note.ts';
import { isEditable } from '../shared/env-repo.ts';

/** What the report needs from a clone (implemented by the git adapter's GitHistory). */
export type HistorySource = Pick<GitHistory, 'defaultBranch' | 'fetchBranch' | 'fetchNotes' | 'changesOf' | 'blobs' | 'notes'>;

/** One environment read: its history for the model and its present for the matrix. */
export interface EnvRead {
  readonly input: EnvInput;
  readonly reading: EnvReading;
}

/** What one blob says: the images it names (in order) and its holds; parsed once per blob. */
interface BlobFacts {
  readonly images: Map<string, ImageRef>;
  readonly holds: FoundHold[];
  readonly problems: string[];
}

/** Reads the environments in order; notes are fetched once for all. */
export async function readEnvironments(
  source: HistorySource,
  envs: readonly Environment[],
  policies: Readonly<Record<string, string>>,
): Promise<EnvRead[]> {
  await source.fetchNotes(NOTES_REF);
  const notes = await source.notes(NOTES_REF);
  const facts = new Map<string, BlobFacts>();
  const read: EnvRead[] = [];
  for (const env of envs) {
    const branch = env.branch ?? source.defaultBranch;
    await source.fetchBranch(branch);
    const commits = await source.changesOf(branch, env.path);
    const wanted = commits.flatMap((c) =>
      c.changes.filter((ch) => ch.blob && isEditable(ch.path) && !facts.has(`${ch.path}\0${ch.blob}`)).map((ch) => ch.blob!),
    );
    const texts = await source.blobs(wanted);
    read.push(replay(env, branch, commits, texts, facts, notes, policies));
  }
  return read;
}

function factsOf(path: string, text: string, policies: Readonly<Record<string, string>>): BlobFacts {
  const files = new Map([[path, text]]);
  const { images, problems } = imagesIn(files, policies);
  return { images, holds: findHolds(files), problems };
}

function replay(
  env: Environment,
  branch: string,
  commits: readonly ChangedCommit[],
  texts: ReadonlyMap<string, string>,
  facts: Map<string, BlobFacts>,
  notes: ReadonlyMap<string, string>,
  policies: Readonly<Record<string, string>>,
): EnvRead {
  /** Path → key of its facts, for the files present now. */
  const files = new Map<string, string>();
  const out: ReportCommit[] = [];
  let holds: FoundHold[] = [];
  for (const c of commits) {
    for (const change of c.changes) {
      if (!isEditable(change.path)) continue;
      if (!change.blob) {
        files.delete(change.path);
        continue;
      }
      const key = `${change.path}\0${change.blob}`;
      if (!facts.has(key)) facts.set(key, factsOf(change.path, texts.get(change.blob) ?? '', policies));
      files.set(change.path, key);
    }
    // The first place each image is written, in path order (as imagesIn reads a whole directory).
    const images = new Map<string, ImageRef>();
    holds = [];
    for (const path of [...files.keys()].sort()) {
      const f = facts.get(files.get(path)!)!;
      for (const [name, ref] of f.images) if (!images.has(name)) images.set(name, ref);
      holds.push(...f.holds);
    }
    const note = notes.get(c.commit);
    out.push({
      commit: c.commit,
      time: c.time,
      author: c.author,
      subject: c.subject,
      message: c.message,
      images,
      held: holds.map((h) => h.image),
      ...(note !== undefined ? { note } : {}),
    });
  }
  return {
    input: { name: env.name, ...(env.promoteFrom ? { promoteFrom: env.promoteFrom } : {}), commits: out },
    reading: presentOf(env, branch, out, holds),
  };
}

/** What status shows for the environment: the newest commit, versions, since when, the verdict on it. */
function presentOf(env: Environment, branch: string, commits: readonly ReportCommit[], holds: FoundHold[]): EnvReading {
  const base = { name: env.name, path: env.path, branch, holds };
  const head = commits.at(-1);
  if (!head) return { ...base, images: new Map(), since: new Map(), error: `${env.path} has no history on ${branch}` };
  // The newest verdict for this environment noted since the current versions were set.
  let verdict: VerdictRecord | undefined;
  for (const c of [...commits].reverse()) {
    if (!sameVersions(c.images, head.images)) break;
    const found = c.note ? latestVerdict(c.note, env.name) : undefined;
    if (found && (!verdict || found.time > verdict.time)) verdict = found;
  }
  const since = new Map<string, { commit: string; time: string }>();
  for (const [name, ref] of head.images) {
    let at = head;
    for (const c of [...commits].reverse()) {
      const then = c.images.get(name);
      if (!then || then.tag !== ref.tag || then.digest !== ref.digest) break;
      at = c;
    }
    since.set(name, { commit: at.commit, time: at.time });
  }
  const images = new Map<string, ImageVersion>(
    [...head.images].map(([name, ref]) => {
      if (ref.digest) return [name, { ref, digest: ref.digest, digestFrom: 'file' }];
      const seen = verdict?.status === 'healthy' ? digestAmong(verdict.images, ref) : undefined;
      return [name, seen ? { ref, digest: seen, digestFrom: 'verified' } : { ref }];
    }),
  );
  return { ...base, commit: head.commit, time: head.time, images, since, ...(verdict ? { verdict } : {}) };
}

function sameVersions(a: ReadonlyMap<string, ImageRef>, b: ReadonlyMap<string, ImageRef>): boolean {
  return a.size === b.size && [...a].every(([name, ref]) => b.get(name)?.tag === ref.tag && b.get(name)?.digest === ref.digest);
}
